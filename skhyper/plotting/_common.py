"""What the displays of :mod:`skhyper.plotting` share: checks of their
arguments, how parameter values are matched and placed on an axis, and
the view of a Bayesian search's surrogate.
"""

import numbers
from typing import NamedTuple

import numpy as np
from sklearn.utils.validation import check_is_fitted

from .._results import metric_label


def _results_with(search, columns, display, kind):
    """``search.cv_results_``, refused unless fitted and with ``columns``."""
    check_is_fitted(search, "cv_results_")
    results = search.cv_results_
    missing = [c for c in columns if c not in results]
    if missing:
        raise ValueError(
            f"{display} needs the cv_results_ columns {list(columns)} of {kind}; "
            f"{type(search).__name__}'s lack {missing}."
        )
    return results


def _check_count(name, value):
    """A grid size: an integer >= 2, else a ValueError naming ``name``."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 2:
        raise ValueError(f"{name} must be an integer >= 2; got {value!r}.")


def _check_params(params, known):
    params = [params] if isinstance(params, str) else list(params)
    unknown = [p for p in params if p not in known]
    if not params or unknown or len(set(params)) != len(params):
        raise ValueError(
            f"params must name distinct parameters of the search, among {known}; "
            f"got {params!r}."
        )
    return params


def _same(a, b):
    """Whether two parameter values are one, as the search space matches them:
    identity, then :func:`~skhyper.space._dimensions.equal_values`."""
    from ..space._dimensions import equal_values

    return a is b or equal_values(a, b)


def _position(value, values):
    """Index of ``value`` in ``values`` by :func:`_same`."""
    return next(i for i, v in enumerate(values) if _same(value, v))


def _objects(values):
    """A 1-D object array of ``values``, even if they are arrays themselves."""
    out = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        out[i] = value
    return out


def _is_numeric(values):
    return all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values
    )


def _finite_limits(*arrays):
    """``(low, high)`` over the finite values of ``arrays``, padded by 10 %."""
    values = np.concatenate([np.ravel(np.asarray(a, dtype=float)) for a in arrays])
    values = values[np.isfinite(values)]
    low, high = values.min(), values.max()
    pad = 0.1 * (high - low) if high > low else 0.1 * max(abs(high), 1.0)
    return low - pad, high + pad


def _log_scaled(values):
    """Whether evenly spaced unit-cube values are geometric (a log axis)."""
    v = np.asarray(values, dtype=float)
    if len(v) < 3 or v.min() <= 0 or v.max() < 10 * v.min():
        return False
    return abs(np.log(v[len(v) // 2]) - np.log(v).mean()) < abs(
        v[len(v) // 2] - v.mean()
    ) / v.mean()


def _slice_values(dim, n_points):
    """Values of a dimension to draw the surrogate at: a categorical's
    categories, a finite dimension's values when at most ``n_points``, else
    ``n_points`` evenly spaced in its unit encoding (so in log space for a
    log-uniform range; within the 0.5 % and 99.5 % quantiles of a
    distribution with unbounded support)."""
    from ..space import Categorical, Distribution

    if isinstance(dim, Categorical) or (
        np.isfinite(dim.cardinality) and dim.cardinality <= max(n_points, 2)
    ):
        return list(dim.values())
    u = np.linspace(0.0, 1.0, n_points)
    if isinstance(dim, Distribution) and not np.isfinite(dim.dist.support()).all():
        u = np.linspace(0.005, 0.995, n_points)
    values = list(dim.inverse_transform(u[:, None]))
    return [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]


def _bayes_optimizer(search, display):
    """The BayesOptimizer behind ``search`` (or ``search`` itself), refused
    with a clear error for anything else."""
    from ..optimizer import BayesOptimizer

    if isinstance(search, BayesOptimizer):
        return search
    optimizer = getattr(search, "optimizer_", None)
    if not isinstance(optimizer, BayesOptimizer):
        raise ValueError(
            f"{display} needs a Gaussian-process surrogate: a fitted BayesSearchCV "
            f"or a BayesOptimizer that was told scores; {type(search).__name__} has "
            f"no optimizer_."
        )
    return optimizer


def _check_units(units):
    if not isinstance(units, str) or units not in ("metric", "model"):
        raise ValueError(f"units must be 'metric' or 'model'; got {units!r}.")


class _SurrogateView(NamedTuple):
    """What a surrogate display draws from, in the units it draws."""

    #: the optimizer's posterior (:meth:`~skhyper.BayesOptimizer.posterior`)
    posterior: object
    #: the dimensions of the best setting's subspace (of a union)
    subspace: dict
    #: the indices of the settings told in that subspace
    told: list
    #: maps the model's values (its mean, or quantiles of its normal
    #: predictive distribution) to the units drawn
    to_units: object
    #: every told score in those units (NaN where the evaluation failed: the
    #: model saw the worst score told there)
    scores: np.ndarray
    #: the name of the vertical axis
    label: str
    #: the best setting told, which the other parameters are held at
    best: dict


def _surrogate_view(search, display, units):
    """The surrogate behind ``search`` (a BayesSearchCV or a BayesOptimizer),
    as ``display`` draws it in ``units``.

    In the metric's units the map is the inverse of the output warping,
    which is increasing: a quantile maps to the same quantile of the metric.
    """
    optimizer = _bayes_optimizer(search, display)
    _check_units(units)
    posterior = optimizer.posterior()
    space = optimizer.space
    best = optimizer.best_params
    k = space.which_subspace(best)
    told = [i for i, p in enumerate(posterior.observed_params)
            if space.which_subspace(p) == k]
    scores = posterior.observed_scores
    if units == "model":
        to_units, label = np.asarray, "score (model units)"
        scores = np.where(np.isfinite(scores), posterior.model_scores, np.nan)
    else:
        metric = getattr(search, "_search_metric", None) if search is not optimizer else None
        to_units = posterior.to_metric
        label = metric_label(search, metric) if metric else "score"
    return _SurrogateView(posterior, space.subspaces[k], told, to_units, scores, label,
                          best)
