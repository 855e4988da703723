"""Reading a fitted search's ``cv_results_``: what the displays of
:mod:`skhyper.plotting` and :func:`skhyper.compare.compare_searches` both show.

The score a plot shows (its metric and column), the rows a search could have
chosen as its best, the best of those so far, the fit seconds spent, and the
searches' names. Any fitted ``BaseSearchCV`` is read: skhyper's searches and
scikit-learn's.
"""

import numbers
from collections import Counter

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.pipeline import Pipeline

from . import _compat

__all__ = [
    "best_so_far",
    "fit_seconds",
    "metric_label",
    "rows_at_max_resource",
    "scored_metric",
    "search_names",
    "selectable_rows",
]


def scored_metric(search, metric):
    """``(metric, cv_results_ column)`` of the score a plot of ``search`` shows.

    None means ``"score"`` for a single metric, and the search's ``refit``
    when it names one of several.
    """
    results = search.cv_results_
    names = sorted(
        key[len("mean_test_"):] for key in results if key.startswith("mean_test_")
    )
    if metric is None:
        if "score" in names:
            metric = "score"
        elif isinstance(getattr(search, "refit", None), str):
            metric = search.refit
        else:
            raise ValueError(
                f"{type(search).__name__} was fitted with several metrics {names} and "
                f"refit={search.refit!r}: pass metric=, one of them."
            )
    if not isinstance(metric, str) or metric not in names:
        raise ValueError(
            f"metric={metric!r} is not a metric of {type(search).__name__}'s "
            f"cv_results_; it has {names}."
        )
    return metric, f"mean_test_{metric}"


def metric_label(search, metric):
    """The name of what ``search`` scored as ``metric`` (a key of
    :func:`scored_metric`), for a table or an axis: the key of a multi-metric
    ``scoring``, the name of a ``scoring`` string or function, and for
    ``scoring=None`` the estimator's own ``score``: ``"accuracy"`` for a
    classifier's and ``"r2"`` for a regressor's (scikit-learn's mixins, a
    Pipeline's last step), else ``"<class>.score"``."""
    if metric != "score":
        return metric
    scoring = getattr(search, "scoring", None)
    if isinstance(scoring, str):
        return scoring
    if scoring is not None:
        return getattr(scoring, "__name__", "score")
    estimator = getattr(search, "estimator", None)
    while isinstance(estimator, Pipeline):  # its score is its last step's
        estimator = estimator.steps[-1][1]
    score = getattr(type(estimator), "score", None)
    if score is ClassifierMixin.score:
        return "accuracy"
    if score is RegressorMixin.score:
        return "r2"
    return f"{type(estimator).__name__}.score" if score is not None else "score"


def rows_at_max_resource(results):
    """The rows at the largest ``n_resources``: those a multi-fidelity search
    (Hyperband's last rung, PBT's last round) chooses its best among; every
    row of results without that column."""
    if "n_resources" not in results:
        return np.ones(len(results["params"]), dtype=bool)
    resources = np.asarray(results["n_resources"])
    return resources == np.max(resources)


def selectable_rows(search):
    """Boolean mask of the rows of ``search.cv_results_`` that the search
    could choose as ``best_index_``, by its own rule.

    A search says which by a ``_selectable_rows(results)`` method (skhyper's
    searches: every row, or for Hyperband, PBT and DAC, which choose their
    own best, the rows at the largest resource without a failed fit).
    scikit-learn's successive-halving searches choose among the last
    iteration's rows. Every other search may choose any row.
    """
    results = search.cv_results_
    own = getattr(search, "_selectable_rows", None)
    if callable(own):
        return np.asarray(own(results), dtype=bool)
    if _compat.is_successive_halving(search):
        iterations = np.asarray(results["iter"])
        return iterations == np.max(iterations)
    return np.ones(len(results["params"]), dtype=bool)


def best_so_far(search, column):
    """After each row, the best score in ``column`` among the selectable rows
    up to it: NaN before the first selectable row with a score (failed fits,
    NaN, leave the best as it was)."""
    scores = np.asarray(search.cv_results_[column], dtype=float)
    return np.fmax.accumulate(np.where(selectable_rows(search), scores, np.nan))


def fit_seconds(search):
    """``(n_splits, seconds)`` of a fitted search: its number of folds (1 if
    it has none) and the fit seconds spent up to and including each row of
    ``cv_results_`` (``mean_fit_time`` times the folds, failed fits as 0)."""
    n_splits = getattr(search, "n_splits_", 1)
    n_splits = n_splits if isinstance(n_splits, numbers.Integral) else 1
    fit_time = np.nan_to_num(
        np.asarray(search.cv_results_["mean_fit_time"], dtype=float)
    )
    return n_splits, np.cumsum(fit_time * n_splits)


def search_names(searches, names):
    """One label per search: ``names`` checked, or the class names, numbered
    where they repeat (``GridSearchCV (1)``, ``GridSearchCV (2)``)."""
    if names is None:
        names = [type(search).__name__ for search in searches]
        total, seen = Counter(names), Counter()
        for i, name in enumerate(names):
            if total[name] > 1:
                seen[name] += 1
                names[i] = f"{name} ({seen[name]})"
        return names
    if isinstance(names, str) or len(names) != len(searches):
        raise ValueError(
            f"names must be a list of one name per search ({len(searches)}); "
            f"got {names!r}."
        )
    return [str(name) for name in names]
