"""Maximizing an acquisition function over a (mixed) search space.

A large scrambled Sobol sample and local perturbations of the best observed
points are scored in one vectorized prediction; the best few are refined over
their continuous coordinates by a projected quasi-Newton (BFGS) method, one
per start, all starts evaluated together in one prediction per step, with
discrete coordinates and inactive subspace columns held fixed. Given a trust
region (a box), the Sobol sample is shrunk into it, the perturbations are
clipped to it and the refinement keeps to it. Points already evaluated or
pending are never returned.
"""

import numpy as np

__all__ = ["maximize_acquisition", "movable_columns", "row_key"]

# Standard deviation of the local perturbations, in unit-cube coordinates.
_LOCAL_SCALE = 0.1
# Probability that a perturbation redraws a given discrete dimension.
_LOCAL_FLIP = 0.25
# Limits of the refinement: the acquisition needs no more digits than the
# surrogate can justify. A start stops when its next step promises, or its
# last step gained, less than _FTOL relative to its value; all stop after
# _MAXFEV evaluations.
_FTOL, _MAXFEV = 1e-6, 50
# Sufficient decrease (Armijo) of a step, and backtracks before a start gives up.
_ARMIJO, _MAX_BACKTRACKS = 1e-4, 20


def row_key(z):
    """A hashable identity of an encoded point (rounded to absorb float noise)."""
    return np.round(np.asarray(z, dtype=float), 8).tobytes()


def _perturb(space, anchors, n_per_anchor, rng):
    """Local moves around ``anchors``: jitter continuous, redraw some discrete."""
    if not len(anchors) or n_per_anchor <= 0:
        return np.empty((0, space.n_columns))
    base = np.repeat(anchors, n_per_anchor, axis=0)
    fresh = space.sample_unit(len(base), rng)
    out = base.copy()
    subs = space.subspace_of(base)
    for k, start, stop, discrete in space.dimension_slices():
        if k < 0:
            continue  # keep each anchor's subspace
        rows = subs == k
        if discrete:
            flip = rows & (rng.uniform(size=len(base)) < _LOCAL_FLIP)
            out[flip, start:stop] = fresh[flip, start:stop]
        else:
            noise = rng.normal(scale=_LOCAL_SCALE, size=(len(base), stop - start))
            out[rows, start:stop] += noise[rows]
    return space.snap(out)


def maximize_acquisition(
    acquisition,
    space,
    seen,
    random_state,
    n_candidates=1024,
    n_restarts=5,
    anchors=None,
    box=None,
    sobol=None,
):
    """Find the unseen point of ``space`` that maximizes ``acquisition``.

    Parameters
    ----------
    acquisition : callable
        ``acquisition(Z, return_grad)`` returns the values at rows ``Z`` and,
        if ``return_grad``, their gradients of shape (m, n_columns).
    space : SearchSpace
    seen : set of bytes
        :func:`row_key` of points that must not be proposed again.
    random_state : RandomState instance
    n_candidates : int, default=1024
        Size of the Sobol sample.
    n_restarts : int, default=5
        Number of best candidates refined by :func:`_refine`.
    anchors : ndarray of shape (k, n_columns), default=None
        Good points to search around (the best observed ones).
    box : tuple (low, high, subspace), default=None
        A trust region: ``low`` and ``high`` are arrays of shape
        (n_columns,). Candidates of subspace ``subspace`` are drawn inside it
        and refined without leaving it, on the columns where ``low < high``;
        other columns and other subspaces are free.
    sobol : scipy.stats.qmc.Sobol, default=None
        An engine of :meth:`SearchSpace.sobol_engine` to draw the sample from,
        continuing its sequence; None scrambles a new one.

    Returns
    -------
    z : ndarray of shape (n_columns,) or None
        The best unseen point found, None if every candidate was seen.
    value : float
        Its acquisition value.
    """
    rng = random_state
    # The engine is the caller's; what it draws is this call's sample.
    sample = space.sample_unit(n_candidates, rng, method="sobol", engine=sobol)
    perturbed = np.empty((0, space.n_columns))
    if anchors is not None and len(anchors):
        perturbed = _perturb(space, anchors, max(1, n_candidates // 8 // len(anchors)), rng)
    if box is not None:
        low, high, sub = box
        free = ~(low < high)
        # The Sobol rows of the box's subspace keep their even cover, shrunk
        # into the box; the perturbations are clipped to it.
        rows = space.subspace_of(sample) == sub
        sample[rows] = np.where(free, sample[rows], low + (high - low) * sample[rows])
        rows = space.subspace_of(perturbed) == sub
        perturbed[rows] = np.where(free, perturbed[rows], np.clip(perturbed[rows], low, high))
        sample, perturbed = space.snap(sample), space.snap(perturbed)
    pool = np.vstack([sample, perturbed])
    values = acquisition(pool)
    values = np.where(np.isfinite(values), values, -np.inf)
    order = np.argsort(-values, kind="stable")
    # Walk down the ranking, skipping points seen before or twice in the pool:
    # hashing only the best few keeps this off the hot path.
    starts, keys = [], set()
    for i in order:
        if not np.isfinite(values[i]) or len(starts) == n_restarts:
            break
        key = row_key(pool[i])
        if key not in keys and key not in seen:
            keys.add(key)
            starts.append(i)
    if not starts:
        return None, -np.inf

    best_z, best_value = pool[starts[0]], values[starts[0]]
    movable = movable_columns(space, pool[starts])
    if movable.any():
        lower = np.where(movable, 0.0, pool[starts])
        upper = np.where(movable, 1.0, pool[starts])
        if box is not None:
            rows = space.subspace_of(pool[starts]) == sub
            narrow = movable & rows[:, None] & ~free
            lower = np.where(narrow, low, lower)
            upper = np.where(narrow, high, upper)
        refined = _refine(acquisition, pool[starts], movable, lower, upper)
        refined = space.snap(refined)
        refined_values = acquisition(refined)
        for z, value in zip(refined, refined_values):
            if value > best_value and row_key(z) not in seen:
                best_z, best_value = z, value
    return best_z, float(best_value)


def movable_columns(space, starts):
    """Continuous columns of each start's own subspace."""
    movable = np.zeros(starts.shape, dtype=bool)
    subs = space.subspace_of(starts)
    for k, start, stop, discrete in space.dimension_slices():
        if k >= 0 and not discrete:
            movable[subs == k, start:stop] = True
    return movable


def _refine(acquisition, starts, movable, lower, upper):
    """Maximize ``acquisition`` from each row of ``starts`` within the bounds.

    A projected BFGS method per row (Bertsekas 1982; Nocedal & Wright,
    Numerical Optimization, ch. 6 and 16.7), the rows in lock-step: each
    step evaluates every row's trial point in one call. A row's direction is
    its inverse-Hessian estimate times its gradient on the free coordinates
    (movable, and not pressed against a bound), the trial point is the step
    projected onto the box, and a step is accepted at sufficient increase or
    shortened by a safeguarded quadratic fit. (One L-BFGS-B run over all
    rows at once spends more evaluations: its single curvature estimate
    mixes rows of different curvature. benchmarks/README.md measures both.)

    Returns
    -------
    refined : ndarray of the shape of ``starts``
    """
    x = np.array(starts, dtype=float)
    fixed = ~(movable & (lower < upper))
    value, grad = acquisition(x, return_grad=True)
    # Minimize the negated acquisition f; g is its gradient, zero where fixed.
    f, g = -value, np.where(fixed, 0.0, -grad)
    active = np.isfinite(f) & np.isfinite(g).all(axis=1)
    g[~active] = 0.0
    eye = np.eye(x.shape[1])
    H = np.empty((len(x), *eye.shape))  # the inverse Hessian estimates
    was_pinned = None  # no row's free set is known yet
    t = np.ones(len(x))  # step lengths along the directions
    backtracks = np.zeros(len(x))
    n_evaluations = 1
    while True:
        # Pinned: fixed, or at the bound a descent step heads for (every
        # point is inside the box, so "at" is equality).
        pinned = fixed | (x == np.where(g > 0, lower, upper))
        g_free = np.where(pinned, 0.0, g)
        # A row starts, and starts again whenever its free set changes, from
        # the multiple of the identity whose step moves its largest free
        # coordinate by _LOCAL_SCALE: curvature seen along a coordinate now
        # held at a bound would misjudge the others. The BFGS update keeps
        # the estimates positive definite, so -p is a descent direction; a
        # row whose estimate lost that promises no gain and stops below.
        if was_pinned is None:
            fresh = np.ones(len(x), dtype=bool)
        else:
            fresh = (pinned != was_pinned).any(axis=1)
        if fresh.any():
            largest = np.maximum(np.abs(g_free[fresh]).max(axis=1), 1e-12)
            H[fresh] = eye * (_LOCAL_SCALE / largest)[:, None, None]
        was_pinned = pinned
        p = np.einsum("kij,kj->ki", H, g_free)  # the step is -t p
        p[pinned] = 0.0
        while True:
            trial = np.minimum(np.maximum(x - t[:, None] * p, lower), upper)
            step = trial - x
            slope = np.einsum("ki,ki->k", g, step)  # predicted change, < 0
            active &= -slope > _FTOL * np.maximum(np.abs(f), 1.0)
            if not active.any() or n_evaluations >= _MAXFEV:
                return x
            value, grad = acquisition(trial, return_grad=True)
            n_evaluations += 1
            f_trial, g_trial = -value, np.where(fixed, 0.0, -grad)
            accepted = (
                active
                & (f_trial <= f + _ARMIJO * slope)
                & np.isfinite(g_trial).all(axis=1)
            )
            if accepted.any():
                break
            t *= _backtrack(f, slope, f_trial)
            backtracks += 1
            active &= backtracks <= _MAX_BACKTRACKS
        # Rejected rows try a shorter step next; accepted ones a full step.
        rejected = active & ~accepted
        shrink = _backtrack(f, slope, f_trial) if rejected.any() else 1.0
        t = np.where(accepted, 1.0, t * shrink)
        backtracks = np.where(accepted, 0.0, backtracks + 1)
        # BFGS update of the accepted rows' inverse Hessians, where the step
        # saw positive curvature: H <- (I - r s y') H (I - r y s') + r s s'.
        y = np.where(accepted[:, None], g_trial - g, 0.0)
        sy = np.einsum("ki,ki->k", step, y)
        update = accepted & (sy > 1e-10 * np.einsum("ki,ki->k", y, y))
        r = np.where(update, 1.0 / np.where(update, sy, 1.0), 0.0)
        Hy = np.einsum("kij,kj->ki", H, y)
        yHy = np.einsum("ki,ki->k", y, Hy)
        u = (r * r * yHy + r)[:, None] * step - r[:, None] * Hy
        rs = r[:, None] * step
        H += u[:, :, None] * step[:, None, :] - rs[:, :, None] * Hy[:, None, :]
        scale = np.maximum(np.maximum(np.abs(f), np.abs(f_trial)), 1.0)
        converged = accepted & (f - f_trial <= _FTOL * scale)
        np.copyto(x, trial, where=accepted[:, None])
        np.copyto(g, g_trial, where=accepted[:, None])
        np.copyto(f, f_trial, where=accepted)
        active &= ~converged & (backtracks <= _MAX_BACKTRACKS)


def _backtrack(f, slope, f_trial):
    """The factor that shortens a rejected step: the minimum of the quadratic
    with value ``f``, slope ``slope`` at 0 and ``f_trial`` at 1, kept within
    [0.1, 0.5] (0.1 when the trial value is not finite)."""
    curvature = f_trial - f - slope
    convex = curvature > 0  # False for NaN and inf
    factor = np.where(convex, -0.5 * slope / np.where(convex, curvature, 1.0), 0.1)
    return np.minimum(np.maximum(factor, 0.1), 0.5)
