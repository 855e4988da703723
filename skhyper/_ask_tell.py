"""The shared engine of searches that evaluate configurations from scratch.

``BaseSearchCV.fit`` owns splitting, scoring, routing, joblib and refit; it
hands ``_run_search`` an ``evaluate_candidates`` function. This base turns
that function into an ask/evaluate/tell loop: a search supplies only
:meth:`_AskTellSearchCV._ask` (the next batch and its extra result columns)
and :meth:`_AskTellSearchCV._tell` (what to learn from the batch's scores).
"""

import numbers
import warnings

import numpy as np
from sklearn import get_config
from sklearn.base import is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, indexable
from sklearn.utils.metadata_routing import process_routing

from ._compat import (
    BaseSearchCV,
    _fit_context,
    is_all_fits_failed_error,
)

__all__ = ["_AskTellSearchCV"]


class _FrozenSplits:
    """A cross-validator that replays a fixed list of (train, test) splits."""

    def __init__(self, splits):
        self.splits = splits

    def split(self, X=None, y=None, groups=None, **params):
        return iter(self.splits)

    def get_n_splits(self, X=None, y=None, groups=None, **params):
        return len(self.splits)


def _is_multimetric(scoring):
    return isinstance(scoring, (list, tuple, set, dict))


class _AskTellSearchCV(BaseSearchCV):
    """Private base of the ask/evaluate/tell searches (Tier 1 in DESIGN.md).

    Subclasses implement ``_prepare`` (parse and check their own parameters,
    before any fit), ``_start(rng)``, ``_ask()`` returning
    ``(candidates, more_results)`` or ``(candidates, more_results, splits)``,
    or an empty list when the search is over, and ``_tell(candidates,
    scores)``. ``splits`` are the batch's own (train, test) index pairs,
    derived from ``self._splits`` (the folds drawn once per fit); by default
    a batch uses ``self._splits``.
    """

    _parameter_constraints: dict = {
        **BaseSearchCV._parameter_constraints,
        "search_metric": [str, None],
        "random_state": ["random_state"],
    }

    @_fit_context(
        # the estimator is validated by BaseSearchCV.fit
        prefer_skip_nested_validation=False
    )
    def fit(self, X, y=None, **params):
        """Run the search: evaluate settings batch by batch, then refit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            Training data; a precomputed kernel or distance matrix for
            ``pairwise`` estimators.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs), default=None
            Target; None for unsupervised learning.
        **params : dict of str -> object
            Parameters passed to the estimator's ``fit``, the scorer and the
            CV splitter (such as ``groups``), as in GridSearchCV.

        Returns
        -------
        self : object
            The fitted search.
        """
        # Everything that can be wrong with the search's own parameters is
        # checked here, before BaseSearchCV.fit starts fitting.
        self._search_metric_name()
        self._prepare()
        self._splits = self._draw_splits(X, y, params)
        try:
            return super().fit(X, y, **params)
        finally:
            self._splits = None

    def _draw_splits(self, X, y, params):
        """The folds, drawn once for the whole search.

        ``evaluate_candidates`` calls ``cv.split`` on every batch; a shuffling
        splitter without a fixed seed would then score each batch on other
        folds, and scores across batches would not compare. Drawing them once
        also lets a search derive per-batch folds (subsampled training folds).
        """
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        X, y = indexable(X, y)
        if get_config().get("enable_metadata_routing", False):
            split_params = process_routing(self, "fit", **params).splitter.split
        else:
            split_params = {"groups": params.get("groups")}
        return [(train, test) for train, test in cv.split(X, y, **split_params)]

    def _prepare(self):
        """Check and parse the search's own parameters; raise before any fit."""

    def _search_metric_name(self):
        """The metric the search optimizes: its ``mean_test_<name>`` column."""
        multimetric = _is_multimetric(self.scoring)
        if self.search_metric is not None:
            if multimetric:
                if self.search_metric not in self.scoring:
                    raise ValueError(
                        f"search_metric={self.search_metric!r} is not one of the "
                        f"scoring names {sorted(self.scoring)}."
                    )
            elif not callable(self.scoring) and self.search_metric != "score":
                raise ValueError(
                    f"search_metric={self.search_metric!r} needs a multi-metric "
                    f"scoring; with a single metric leave it None (or 'score')."
                )
            return self.search_metric
        if multimetric or callable(self.scoring):
            if isinstance(self.refit, str):
                return self.refit
            if multimetric:
                raise ValueError(
                    f"With multi-metric scoring and refit={self.refit!r}, "
                    f"{type(self).__name__} cannot tell which metric to optimize: "
                    f"set search_metric to one of the scoring names "
                    f"{sorted(self.scoring)}."
                )
        return "score"

    # -- the loop -------------------------------------------------------------
    def _run_search(self, evaluate_candidates, callback_ctx=None):
        rng = check_random_state(self.random_state)
        self._metric = self._search_metric_name()
        self._start(rng)
        search_ctx = None
        if callback_ctx is not None:  # scikit-learn >= 1.9 callbacks
            search_ctx = callback_ctx.subcontext(
                task_name="search", max_subtasks=None
            ).call_on_fit_task_begin(estimator=self)
        keys = None
        # Rows of a call in which every fit failed: scikit-learn raises instead
        # of returning them, so they ride along with the next call.
        deferred, deferred_splits = [], None
        failure, succeeded = None, False
        while True:
            proposal = self._ask()
            if not proposal or not proposal[0]:
                break
            candidates, more_results = proposal[:2]
            splits = proposal[2] if len(proposal) > 2 else self._splits
            if keys is None:
                keys = set(more_results)
            elif set(more_results) != keys:
                raise RuntimeError(  # a bug in the subclass, not the user's
                    f"more_results keys changed from {sorted(keys)} to "
                    f"{sorted(more_results)}."
                )
            if deferred and splits is not deferred_splits:
                _warn_missing(deferred)  # their folds are not this batch's
                deferred = []
            rows = deferred + _rows(candidates, more_results)
            try:
                scores = self._evaluate(evaluate_candidates, rows, splits, search_ctx)
            except ValueError as exc:
                if not is_all_fits_failed_error(exc):
                    raise
                failure, deferred, deferred_splits = exc, rows, splits
                scores = np.full(len(rows), np.nan)
            else:
                succeeded, deferred = True, []
            self._tell(candidates, scores[len(rows) - len(candidates) :])
        if deferred:
            if not succeeded:
                raise failure  # every fit of the search failed
            _warn_missing(deferred)
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)

    def _evaluate(self, evaluate_candidates, rows, splits, search_ctx):
        """Evaluate ``rows`` of (params, more_results) on ``splits``; return scores."""
        candidates = [params for params, _ in rows]
        more_results = {
            key: _column([more[key] for _, more in rows]) for key in rows[0][1]
        }
        kwargs = {"cv": _FrozenSplits(splits)}
        batch_ctx = None
        if search_ctx is not None:
            batch_ctx = search_ctx.subcontext(
                task_name="batch",
                max_subtasks=len(candidates) * self.n_splits_,
                sequential_subtasks=False,
            ).call_on_fit_task_begin(estimator=self)
            kwargs["callback_ctx"] = batch_ctx
        results = evaluate_candidates(candidates, more_results=more_results, **kwargs)
        if batch_ctx is not None:
            batch_ctx.call_on_fit_task_end(estimator=self)
        return last_scores(self, results, len(candidates))


def last_scores(search, results, n):
    """The optimized metric's mean CV scores of the last ``n`` rows of ``results``."""
    column = f"mean_test_{search._metric}"
    if column not in results:
        found = sorted(k[len("mean_test_") :] for k in results if k.startswith("mean_test_"))
        raise ValueError(
            f"{type(search).__name__} optimizes {search._metric!r}, but the scoring "
            f"returned {found}: set search_metric to one of them."
        )
    return np.asarray(results[column][-n:], dtype=float)


def _warn_missing(deferred):
    warnings.warn(
        f"Every fit of {len(deferred)} setting(s) failed in the last batch on "
        f"their folds; they are missing from cv_results_ (the search's state "
        f"keeps them as failures): {[params for params, _ in deferred]}",
        UserWarning,
    )


def _rows(candidates, more_results):
    """Split a batch into (params, {key: value}) rows."""
    columns = {key: list(values) for key, values in more_results.items()}
    for key, values in columns.items():
        if len(values) != len(candidates):
            raise RuntimeError(  # a bug in the subclass, not the user's
                f"more_results[{key!r}] has {len(values)} values for "
                f"{len(candidates)} candidates."
            )
    return [
        (params, {key: values[i] for key, values in columns.items()})
        for i, params in enumerate(candidates)
    ]


def _column(values):
    """A more_results column: a 1-D array (of objects for ragged values)."""
    n = len(values)
    if all(isinstance(v, numbers.Number) for v in values):
        return np.asarray(values)
    column = np.empty(n, dtype=object)
    column[:] = values
    return column
