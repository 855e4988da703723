"""Hyperband's schedule: the brackets of Li et al. (2018) as a pure function
of its three settings, and the plan of which brackets a search runs (every
bracket of its iterations, or as many as ``max_budget`` pays) with their
cost in resource units."""

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Real

import numpy as np

__all__ = [
    "_Bracket", "hyperband_schedule", "_metadata", "_plan_brackets", "_rung_resources",
    "single_bracket_check",
]


def hyperband_schedule(max_resources, min_resources=1, factor=3):
    """The brackets of Hyperband, as a pure function of its three settings.

    Follows Algorithm 1 of Li et al. (2018) with ``R = max_resources /
    min_resources`` and ``eta = factor``: ``s_max = floor(log_eta R)``;
    bracket ``s`` (from ``s_max`` down to 0) starts
    ``n = ceil((s_max + 1) eta^s / (s + 1))`` configurations at
    ``r = max_resources eta^-s``, and its rung ``i`` evaluates
    ``floor(n eta^-i)`` of them at ``r eta^i``, the best of the rung before.

    Parameters
    ----------
    max_resources : float
        Resource of the last rung of every bracket (the paper's R, in units of
        ``min_resources``).
    min_resources : float, default=1
        Smallest resource any rung may use.
    factor : int, default=3
        The paper's eta: each rung keeps 1/factor of its configurations and
        gives them factor times the resource.

    Returns
    -------
    brackets : list of list of (int, float)
        One list per bracket, most exploratory first, of ``(n_configurations,
        resource)`` per rung.

    Raises
    ------
    TypeError
        If ``factor`` or a resource is not a number (bools are refused).
    ValueError
        If ``factor`` is not an integer >= 2 (``3.0`` is taken as 3), a
        resource is not finite and positive, or ``min_resources >
        max_resources``.

    Examples
    --------
    >>> from skhyper import hyperband_schedule
    >>> for bracket in hyperband_schedule(81, factor=3):
    ...     print(bracket[0], "->", bracket[-1])
    (81, 1.0) -> (1, 81.0)
    (34, 3.0) -> (1, 81.0)
    (15, 9.0) -> (1, 81.0)
    (8, 27.0) -> (2, 81.0)
    (5, 81.0) -> (5, 81.0)
    """
    # A factor below 2 would never end the loop below (or divide by zero), a
    # fractional one give fractional counts, an infinite resource never end.
    message = f"factor must be an integer >= 2; got {factor!r}."
    if isinstance(factor, bool) or not isinstance(factor, Real):
        raise TypeError(message)
    if not (np.isfinite(float(factor)) and float(factor).is_integer() and factor >= 2):
        raise ValueError(message)
    factor = int(factor)
    for name, value in (("max_resources", max_resources), ("min_resources", min_resources)):
        message = f"{name} must be a real number > 0; got {value!r}."
        if isinstance(value, bool) or not isinstance(value, Real):
            raise TypeError(message)
        if not (np.isfinite(float(value)) and value > 0):
            raise ValueError(message)
    if not max_resources >= min_resources:
        raise ValueError(
            f"Hyperband needs 0 < min_resources <= max_resources; got "
            f"min_resources={min_resources!r}, max_resources={max_resources!r}."
        )
    ratio = max_resources / min_resources
    s_max = 0
    while factor ** (s_max + 1) <= ratio * (1 + 1e-12):
        s_max += 1
    brackets = []
    for s in range(s_max, -1, -1):
        # Alg. 1, line 3: n = ceil(B/R * eta^s / (s+1)) with B = (s_max + 1) R
        n = -(-((s_max + 1) * factor**s) // (s + 1))
        brackets.append(
            [(n // factor**i, max_resources / factor ** (s - i)) for i in range(s + 1)]
        )
    return brackets


def single_bracket_check(max_resources, min_resources, factor, *, samples, from_data):
    """Refuse a resource range too short for one halving (``max_resources /
    min_resources < factor``: one bracket of one rung, a random search of one
    point), saying what to change; only warn when both resources come from
    the data (``from_data``: scikit-learn's estimator checks fit 10 to 30
    samples). ``samples``: the resource is the number of training samples."""
    if len(hyperband_schedule(max_resources, min_resources, factor)) > 1:
        return
    ratio = max_resources / min_resources
    fixes = []
    if max_resources // factor >= 1:
        fixes.append(f"lower min_resources to at most {max_resources // factor}")
    more = min_resources * factor
    fixes.append(
        f"raise max_resources to at least {more}"
        + (f" (training folds of {more} samples or more)" if samples else "")
    )
    if int(ratio) >= 2:
        fixes.append(
            "use factor=2" if int(ratio) == 2 else f"use a factor of at most {int(ratio)}"
        )
    message = (
        f"max_resources={max_resources} / min_resources={min_resources} = "
        f"{ratio:.3g} is less than factor={factor}: Hyperband would run "
        f"a single bracket with a single rung, that is 1 configuration "
        f"evaluated at max_resources={max_resources}, with nothing to "
        f"halve. For at least two brackets, {', or '.join(fixes)}."
    )
    if not from_data:
        raise ValueError(message)
    warnings.warn(
        f"{message} (Both are 'auto' here, taken from the data: the search "
        f"goes on with that single configuration.)",
        UserWarning,
        stacklevel=3,
    )


def _resource_value(r):
    """The integer resource a rung uses for the schedule's real-valued one."""
    return max(1, int(round(r)))


def _rung_resources(bracket):
    return [(n, _resource_value(r)) for n, r in bracket]


def _bracket_units(bracket, continued):
    """Resource units per fold one bracket trains: a continued configuration
    trains only what its rung adds to the rung before."""
    units = before = 0
    for n, r in _rung_resources(bracket):
        units += n * (r - before)
        before = r if continued else 0
    return units


def _plan_brackets(schedule, iterations, max_budget, continued):
    """The ``(iteration, k)`` of every bracket that runs, in Hyperband's order.

    Without a budget, every bracket of ``iterations`` iterations; with one,
    as many whole brackets as ``max_budget`` (units trained per fold) pays.
    """
    n_per_iteration = len(schedule)
    if max_budget is None:
        return _Plan(n_per_iteration, iterations * n_per_iteration)
    if iterations != 1:
        raise ValueError(
            f"max_budget={max_budget} decides how many brackets run, so "
            f"hyperband_iterations must stay 1; got hyperband_iterations="
            f"{iterations}. Set one of them."
        )
    costs = [_bracket_units(bracket, continued) for bracket in schedule]
    if max_budget < costs[0]:
        raise ValueError(
            f"max_budget={max_budget} is less than the {costs[0]} resource units "
            f"per fold of the first bracket; raise it to at least {costs[0]} (one "
            f"Hyperband iteration trains {sum(costs)})."
        )
    # whole iterations, then the brackets of the next one while they fit
    full, left = divmod(max_budget, sum(costs))
    n = full * n_per_iteration
    for cost in costs:
        if cost > left:
            break
        left -= cost
        n += 1
    return _Plan(n_per_iteration, n)


class _Plan(Sequence):
    """The first ``n`` brackets, ``(iteration, k)``, of iterations of
    ``n_per_iteration`` brackets each: computed, not stored, so that
    ``hyperband_iterations=10**9`` under a deadline costs no memory."""

    def __init__(self, n_per_iteration, n):
        self.n_per_iteration = n_per_iteration
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.n))]
        if index < 0:
            index += self.n
        if not 0 <= index < self.n:
            raise IndexError(index)
        return divmod(index, self.n_per_iteration)

    def counts(self):
        """How many times each bracket ``k`` runs."""
        full, extra = divmod(self.n, self.n_per_iteration)
        return [full + (k < extra) for k in range(self.n_per_iteration)]


def _metadata(schedule, plan, continued):
    """Summary of the brackets of ``plan`` (a :class:`_Plan` over a
    :func:`hyperband_schedule`), resources as the rungs use them."""
    brackets = [_rung_resources(bracket) for bracket in schedule]
    counts = plan.counts()
    return {
        "brackets": brackets,
        "hyperband_iterations": plan[-1][0] + 1,
        "n_brackets": len(plan),
        "n_configurations": sum(c * b[0][0] for c, b in zip(counts, brackets)),
        "n_evaluations": sum(c * n for c, b in zip(counts, brackets) for n, _ in b),
        "resource_units": sum(c * n * r for c, b in zip(counts, brackets) for n, r in b),
        "trained_units": sum(
            c * _bracket_units(bracket, continued) for c, bracket in zip(counts, schedule)
        ),
    }


@dataclass
class _Bracket:
    """A running bracket: its rungs and the configurations still in it."""

    iteration: int
    s: int  # the paper's s: the bracket has s + 1 rungs
    rungs: list  # (n_configurations, resource) per rung
    configs: list  # (config_id, params), best first once a rung is told
    rung: int = -1  # the last rung evaluated
