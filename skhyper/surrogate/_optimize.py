"""Maximizing an acquisition function over a (mixed) search space.

A large scrambled Sobol sample and local perturbations of the best observed
points are scored in one vectorized prediction; the best few start one joint
L-BFGS-B run over their continuous coordinates (the sum of independent
acquisitions has a block-diagonal Hessian, so one run refines them all), with
discrete coordinates and inactive subspace columns held fixed. Given a trust
region (a box), the Sobol sample is shrunk into it, the perturbations are
clipped to it and the refinement keeps to it. Points already evaluated or
pending are never returned.
"""

import numpy as np
from scipy.optimize import minimize

__all__ = ["maximize_acquisition", "movable_columns", "row_key"]

# Standard deviation of the local perturbations, in unit-cube coordinates.
_LOCAL_SCALE = 0.1
# Probability that a perturbation redraws a given discrete dimension.
_LOCAL_FLIP = 0.25
# L-BFGS-B limits for the refinement: the acquisition needs no more digits
# than the surrogate can justify.
_MAXITER, _FTOL = 100, 1e-6


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
        Number of best candidates refined by L-BFGS-B.
    anchors : ndarray of shape (k, n_columns), default=None
        Good points to search around (the best observed ones).
    box : tuple (low, high, subspace), default=None
        A trust region: ``low`` and ``high`` are arrays of shape
        (n_columns,). Candidates of subspace ``subspace`` are drawn inside it
        and refined without leaving it, on the columns where ``low < high``;
        other columns and other subspaces are free.

    Returns
    -------
    z : ndarray of shape (n_columns,) or None
        The best unseen point found, None if every candidate was seen.
    value : float
        Its acquisition value.
    """
    rng = random_state
    sobol = space.sample_unit(n_candidates, rng, method="sobol")
    perturbed = np.empty((0, space.n_columns))
    if anchors is not None and len(anchors):
        perturbed = _perturb(space, anchors, max(1, n_candidates // 8 // len(anchors)), rng)
    if box is not None:
        low, high, sub = box
        free = ~(low < high)
        # The Sobol rows of the box's subspace keep their even cover, shrunk
        # into the box; the perturbations are clipped to it.
        rows = space.subspace_of(sobol) == sub
        sobol[rows] = np.where(free, sobol[rows], low + (high - low) * sobol[rows])
        rows = space.subspace_of(perturbed) == sub
        perturbed[rows] = np.where(free, perturbed[rows], np.clip(perturbed[rows], low, high))
        sobol, perturbed = space.snap(sobol), space.snap(perturbed)
    pool = np.vstack([sobol, perturbed])
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
    """One joint L-BFGS-B run over all starts' movable coordinates, within bounds."""
    shape = starts.shape
    lower, upper = lower.ravel(), upper.ravel()

    def negative(x):
        Z = x.reshape(shape)
        value, grad = acquisition(Z, return_grad=True)
        grad = np.where(movable, grad, 0.0)
        return -np.sum(value), -grad.ravel()

    res = minimize(
        negative,
        starts.ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=list(zip(lower, upper)),
        options={"maxiter": _MAXITER, "ftol": _FTOL},
    )
    return res.x.reshape(shape)
