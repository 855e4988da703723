"""The one engine every search runs on: an ask / evaluate / tell loop.

:class:`_SearchCV` overrides ``BaseSearchCV.fit`` once for every search. It
draws the folds once, asks its strategy for a ``_batch.Batch`` of settings,
evaluates the batch with an *evaluator*, records every row, failed ones too
(``_record._Record``), and tells the strategy the batch's scores, until the
strategy has nothing more to ask; then it sets every attribute GridSearchCV
sets and refits.

Two evaluators share the loop:

- ``_fresh._FreshEvaluator`` clones and fits each setting on each fold, with
  scikit-learn's own ``_fit_and_score`` (the searches that evaluate settings
  from scratch: Bayesian optimization, Hyperband over samples or a parameter);
- ``_trainer._Trainer`` keeps each member's fold-models between batches
  and continues them (Hyperband over ``partial_fit`` epochs or warm-start
  iterations, and the population searches).

``BaseSearchCV``'s own ``evaluate_candidates`` is not used because it raises
when every fit of one call fails, which would lose those rows (or force them
to be fitted again), and because it cannot continue a model.
"""

import re
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Optional

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state, indexable
from sklearn.utils.parallel import Parallel

from . import _compat
from ._callbacks import SearchEvents
from ._checks import (
    check_fit_input,
    check_space_against,
    refused_settings,
    refused_values_warning,
)
from ._checkpoint import Journal
from ._compat import BaseSearchCV, _check_method_params, _fit_context
from ._fingerprint import fingerprint
from ._fresh import _FreshEvaluator
from ._record import _Record, _StopSearch
from ._results import rows_at_max_resource
from .callbacks import Checkpoint
from .space import SearchSpace
from .space._space import warn_two_tuple_ranges

__all__ = ["_SearchCV"]


@dataclass
class _Setup:
    """What ``fit``'s set-up step hands to the run and to the selection."""

    X: object
    y: object
    scorers: object  # as BaseSearchCV._get_scorers gives them
    refit_metric: object
    routed: object  # the fit parameters routed to estimator, scorer, splitter
    splits: list  # the folds, drawn once
    journal: Optional[Journal]  # the checkpoint being written, or None
    root_ctx: object  # scikit-learn >= 1.9's callback context, or None
    metadata: Optional[dict]  # what the callbacks are told (sample_weight)


def _is_multimetric(scoring):
    return isinstance(scoring, (list, tuple, set, dict))


@contextmanager
def _naming(name, value):
    """Re-raise a ValueError or TypeError that does not name parameter ``name``
    with its name and value in front, as every other bad input is reported.

    scikit-learn's own messages for a bad ``scoring`` or ``cv`` ("n_splits=22
    cannot be greater than the number of members in each class") do not say
    which of the search's parameters to change.
    """
    try:
        yield
    except (ValueError, TypeError) as error:
        if re.search(rf"\b{name}\b", str(error)):
            raise
        message = f"{name}={value!r}: {error}"
        try:
            named = type(error)(message)
        except Exception:  # noqa: BLE001 -- a subclass with other arguments
            named = (TypeError if isinstance(error, TypeError) else ValueError)(message)
        raise named from error


def _find_checkpoint(search):
    """The search's one :class:`Checkpoint` callback, or None."""
    found = [cb for cb in _compat.callbacks_of(search) if isinstance(cb, Checkpoint)]
    if len(found) > 1:
        raise ValueError(
            f"{type(search).__name__} has {len(found)} Checkpoint callbacks; give it one."
        )
    return found[0] if found else None


class _SearchCV(BaseSearchCV):
    """Private base of every search: the engine's ``fit``, in three steps.

    1. **set up** (``_set_up``): every check before the first fit, the folds
       drawn once, scorers, routed metadata, the checkpoint, callbacks;
    2. **run** (``_run``): the strategy's loop, ``_run_strategy`` (ask a
       ``Batch``, evaluate it, record its rows, tell the scores) until
       the strategy has nothing more to ask or a callback stops it;
    3. **select and refit** (``_select_and_refit``): ``best_index_`` by
       scikit-learn's rules (or the search's own: ``_selects_own_best``),
       every attribute GridSearchCV sets, the refit.

    A search implements its strategy through these hooks:

    - ``_prepare()``: parse and check its own parameters; raise before any fit;
    - ``_prepare_splits(X, y, splits)``: (optional) what depends on the folds,
      checked before any fit;
    - ``_start(rng)``: reset the strategy's state for a new fit;
    - ``_ask()``: the next ``Batch``, or None when the search is over;
    - ``_tell(candidates, scores)``: learn from the batch's mean CV scores of
      the optimized metric. A candidate any of whose fits failed is told NaN,
      whatever ``error_score`` is (``cv_results_`` shows ``error_score``):
      a strategy ranks NaN below every score, never copies or promotes it;
    - ``_stop_if_all_failed()``: (optional) whether to give up, with the
      failures summarised, when every fit so far has failed; by default after
      the first batch;
    - ``_make_evaluator(...)``: (optional) a continued-training evaluator;
      ``_live_members()`` then names the members whose models to keep, and
      ``_refit_schedule()`` / ``_refit_steps()`` say what the refit replays;
    - ``_loop(record, search_ctx)``: (optional) a loop of its own instead
      of asking and telling batches (the hypergradient's, driven by scipy);
    - ``_after_run(record)`` / ``_end_run()``: (optional) what the search
      keeps from its run / frees however the run ended;
    - ``_on_best(results)``: (optional) what follows from the best row,
      before the refit (PBT's ``best_schedule_``);
    - ``_more_results(batch, outs)``: (optional) extra ``cv_results_``
      columns computed from a batch's fold results.
    """

    _parameter_constraints: dict = {
        **_compat.SEARCH_PARAMETER_CONSTRAINTS,
        "search_metric": [str, None],
        "random_state": ["random_state"],
    }

    # How best_index_ is chosen: False, by GridSearchCV's own rule on
    # cv_results_ (a drop-in GridSearchCV ranks a failed row by its
    # error_score); True, the search's own choice (what it refits or
    # replays): the best score among _selectable_rows.
    _selects_own_best = False

    def _selectable_rows(self, results):
        """Boolean mask of the rows of ``results`` the search may choose as its
        best (the plots and compare draw these). A search that chooses its own
        best chooses among the rows at the largest ``n_resources`` (Hyperband's
        last rung, PBT's last round; every row without that column), never a
        row with a failed fit, whatever ``error_score`` is; the others, as
        GridSearchCV, among every row."""
        if not self._selects_own_best:
            return np.ones(len(results["params"]), dtype=bool)
        rows = rows_at_max_resource(results)
        failed = getattr(self, "_rows_failed", None)
        if failed is not None and len(failed) == len(rows):
            rows = rows & ~failed
        return rows

    def _select_best_index(self, refit, refit_metric, results):
        if not self._selects_own_best or callable(refit):
            return _compat.base_select_best_index(refit, refit_metric, results)
        scores = np.asarray(results[f"mean_test_{refit_metric}"], dtype=float)
        selectable = self._selectable_rows(results)
        scored = selectable & ~np.isnan(scores)
        if scored.any():
            return int(np.argmax(np.where(scored, scores, -np.inf)))
        # no score: the first row whose fits succeeded (the refit can fit it),
        # else the first at full resource
        return int(np.flatnonzero(selectable if selectable.any()
                                  else rows_at_max_resource(results))[0])

    @_fit_context(
        # the estimator is validated by the evaluator's fits, as in GridSearchCV
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
            Parameters passed to the estimator's ``fit`` (or ``partial_fit``),
            the scorer and the CV splitter (such as ``groups``), as in
            GridSearchCV.

        Returns
        -------
        self : object
            The fitted search.
        """
        setup = self._set_up(X, y, params)
        record, evaluator = self._run(setup)
        self._select_and_refit(setup, record, evaluator)
        return self

    # -- fit, step 1: set up ----------------------------------------------------------
    def _set_up(self, X, y, params):
        """Check everything before the first fit and draw the folds; open the
        checkpoint and the callbacks' root context. Returns a :class:`_Setup`."""
        # Everything that can be wrong with the search's own parameters is
        # checked before the first fit (scoring and refit first, as in
        # BaseSearchCV.fit).
        with _naming("scoring", self.scoring):
            scorers, refit_metric = _compat.get_scorers(self)
        self._search_metric = self._resolve_search_metric()
        self._prepare()
        space = SearchSpace(self.search_spaces)
        # after the search's own checks: an estimator that cannot train as the
        # search needs is the first thing to say, before its parameter names
        refused = check_space_against(self.estimator, space, self.error_score)
        # the settings known to fail: a search gives up early only when every
        # other setting failed too
        self._refused_settings = refused_settings(refused)
        check_fit_input(self, X, y, params, space)
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed = _compat.routed_params_for_fit(self, params)
        splits = self._folds(X, y, routed)
        self.n_splits_ = len(splits)
        self._prepare_splits(X, y, splits)
        journal = self._open_checkpoint(X, y, routed.estimator.fit, splits)
        # the warnings about the space: once a fit, after every refusal and
        # before the first fit
        warn_two_tuple_ranges(self.search_spaces)
        if refused:
            warnings.warn(refused_values_warning(refused, self.error_score), UserWarning)

        metadata = params.get("sample_weight")
        metadata = None if metadata is None else {"sample_weight": metadata}
        root_ctx = _compat.init_callback_context(
            self, max_subtasks=1 + (self.refit is not False)
        )
        if root_ctx is not None:
            root_ctx.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        return _Setup(X, y, scorers, refit_metric, routed, splits, journal, root_ctx,
                      metadata)

    # -- fit, step 2: run ---------------------------------------------------------------
    def _run(self, setup):
        """The strategy's loop, every row recorded: ``(record, evaluator)``."""
        events = SearchEvents(self, setup.root_ctx)
        events.begin()
        evaluator = None
        try:
            with Parallel(n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch) as parallel:
                evaluator = self._make_evaluator(
                    setup.X, setup.y, setup.splits, setup.scorers, setup.routed, parallel
                )
                record = _Record(self, evaluator, self.n_splits_, events, setup.journal)
                self._run_strategy(record, callback_ctx=setup.root_ctx)
        finally:
            events.end()
            if evaluator is not None:
                evaluator.close()
            self._end_run()
        self._after_run(record)
        return record, evaluator

    # -- fit, step 3: select and refit ----------------------------------------------------
    def _select_and_refit(self, setup, record, evaluator):
        """Report failures, choose the best row by scikit-learn's rules (or the
        search's own) and set every attribute GridSearchCV sets; refit."""
        if record.results is None:
            raise ValueError(f"{type(self).__name__} evaluated nothing.")
        record.report_failures()
        # formatted once more, to warn once about non-finite scores, as GridSearchCV
        results = record.format(quiet=False)

        first_scores = next(
            out["test_scores"] for out in record.outs if out["fit_error"] is None
        )
        refit_metric = setup.refit_metric
        self.multimetric_ = isinstance(first_scores, dict)
        if callable(self.scoring) and self.multimetric_:
            _compat.check_refit_for_multimetric(self, first_scores)
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = _compat.select_best_index(self, refit_metric, results)
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
            self.best_params_ = results["params"][self.best_index_]
            self._on_best(results)
        if self.refit:
            self._refit(evaluator, setup.X, setup.y, setup.routed.estimator.fit,
                        setup.root_ctx, setup.metadata)
        scorers = _compat.scorers_of(setup.scorers)
        self.scorer_ = setup.scorers if scorers is None else scorers
        self.cv_results_ = results
        if setup.root_ctx is not None:
            setup.root_ctx.call_on_fit_task_end(
                estimator=self, X=setup.X, y=setup.y, metadata=setup.metadata
            )

    def _folds(self, X, y, routed):
        """The (train, test) folds, drawn once per fit and replayed to every
        batch: a shuffling splitter without a seed scores every batch on the
        same folds, and a generator is read only once. Checked as
        BaseSearchCV checks them, with its messages."""
        with _naming("cv", self.cv):
            cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
            splits = list(cv.split(X, y, **routed.splitter.split))
            n_splits = cv.get_n_splits(X, y, **routed.splitter.split)
        # boolean masks as indices: every search slices folds by index
        splits = [
            tuple(np.flatnonzero(part) if np.asarray(part).dtype == bool else part
                  for part in split)
            for split in splits
        ]
        if not splits:
            raise ValueError(
                f"No fits were performed. Was the CV iterator empty? Were there no "
                f"candidates? cv={self.cv!r} yielded no (train, test) splits; a "
                f"generator of splits can be read by one fit only: pass a list or "
                f"a splitter."
            )
        if len(splits) != n_splits:
            raise ValueError(_compat.inconsistent_splits_message(n_splits, len(splits)))
        return splits

    def _open_checkpoint(self, X, y, fit_params, splits):
        """The fit's :class:`~skhyper._checkpoint.Journal` when a Checkpoint
        callback is set: the file is read and checked before any fit."""
        checkpoint = _find_checkpoint(self)
        if checkpoint is None:
            return None
        if self.random_state is None:
            raise ValueError(
                f"{type(self).__name__} with a Checkpoint needs random_state set to an "
                f"int: resuming replays the search's choices from its seed; got "
                f"random_state=None."
            )
        journal = Journal(checkpoint, self)
        journal.start(fingerprint(self, X, y, fit_params, splits))
        return journal

    def _refit(self, evaluator, X, y, fit_params, root_ctx, metadata):
        """Refit the best setting on all data, as BaseSearchCV.fit does."""
        # The parameters are cloned too: they may be estimators themselves.
        self.best_estimator_ = clone(self.estimator).set_params(
            **clone(self.best_params_, safe=False)
        )
        refit_ctx = None
        if root_ctx is not None:  # scikit-learn >= 1.9 callbacks
            refit_ctx = root_ctx.subcontext(task_name="refit-with-best-params")
            with refit_ctx.propagate_callback_context(self.best_estimator_):
                refit_ctx.call_on_fit_task_begin(
                    estimator=self, X=X, y=y, metadata=metadata
                )
                start = time.time()
                evaluator.refit(self.best_estimator_, X, y, fit_params)
        else:
            start = time.time()
            evaluator.refit(self.best_estimator_, X, y, fit_params)
        self.refit_time_ = time.time() - start
        if hasattr(self.best_estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.best_estimator_.feature_names_in_
        if refit_ctx is not None:
            refit_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)

    if not _compat.HAS_CALLBACK_API:  # scikit-learn < 1.9: the same API, here

        def set_callbacks(self, *callbacks):
            """Set callbacks for the search (scikit-learn >= 1.9's API).

            Parameters
            ----------
            *callbacks : callback instances
                Objects with ``setup``, ``on_fit_task_begin``,
                ``on_fit_task_end`` and ``teardown`` methods, such as those of
                :mod:`skhyper.callbacks`.

            Returns
            -------
            self : object
                The search.
            """
            hooks = ("setup", "on_fit_task_begin", "on_fit_task_end", "teardown")
            for callback in callbacks:
                if isinstance(callback, type) or not all(
                    callable(getattr(callback, hook, None)) for hook in hooks
                ):
                    raise TypeError(
                        f"callbacks must be instances with the methods {hooks}; "
                        f"got {callback!r}."
                    )
            _compat.set_callbacks_of(self, callbacks)
            return self

        def __sklearn_clone__(self):
            # as scikit-learn >= 1.9's clone: a clone shares the callbacks
            new = super().__sklearn_clone__()
            _compat.set_callbacks_of(new, _compat.callbacks_of(self))
            return new

    # -- hooks with defaults -----------------------------------------------------
    def _prepare(self):
        """Check and parse the search's own parameters; raise before any fit."""

    def _prepare_splits(self, X, y, splits):
        """What depends on the folds; raise before any fit."""

    def _stop_if_all_failed(self):
        """Whether to stop when every fit so far failed (by default at once)."""
        return True

    def _make_evaluator(self, X, y, splits, scorers, routed, parallel):
        return _FreshEvaluator(self, X, y, splits, scorers, routed, parallel)

    def _live_members(self):
        """Members whose fold-models the next batches continue."""
        return set()

    def _on_best(self, results):
        """What the search derives from its best row, before the refit."""

    def _after_run(self, record):
        """What the search keeps from its run (PBT's schedules, DAC's
        trajectories), once the loop has ended or a callback stopped it."""

    def _end_run(self):
        """Free what only the run needed, however it ended."""

    def _more_results(self, batch, outs):
        """Extra ``cv_results_`` columns known only from a batch's results
        (``outs``, candidate by candidate and fold by fold)."""
        return {}

    def _refit_stepper(self, stepper):
        """For continued training, how the refit trains (by default as the search)."""
        return stepper

    def _refit_schedule(self):
        """For continued training, the refit's ``[(step, params), ...]``."""
        return [(0, self.best_params_)]

    def _resolve_search_metric(self):
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
            if multimetric:  # refit False or callable: the first scorer named
                names = sorted(self.scoring) if isinstance(self.scoring, set) else list(
                    self.scoring
                )
                return names[0]
        return "score"

    # -- the loop -----------------------------------------------------------------
    def _run_strategy(self, record, callback_ctx=None):
        """Ask, evaluate and tell until the strategy has nothing more to ask.

        ``record.evaluate(batch, search_ctx)`` evaluates a ``Batch``,
        records its rows and returns its scores of the optimized metric;
        ``record.evaluator`` is the evaluator (which keeps continued models).
        """
        self._start(check_random_state(self.random_state))
        search_ctx = None
        if callback_ctx is not None:  # scikit-learn >= 1.9 callbacks
            search_ctx = callback_ctx.subcontext(
                task_name="search", max_subtasks=None
            ).call_on_fit_task_begin(estimator=self)
        try:
            self._loop(record, search_ctx)
        except _StopSearch:
            pass  # a callback stopped the search: what it evaluated is kept
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)

    def _loop(self, record, search_ctx):
        """The strategy's loop: by default, ask and tell batches until
        ``_ask`` returns None (a search driven by an outside optimizer, such
        as scipy's, overrides it and calls ``record.evaluate`` itself)."""
        while True:
            batch = self._ask()
            if batch is None or not batch.candidates:
                break
            self._tell(batch.candidates, record.evaluate(batch, search_ctx))
            record.evaluator.keep(self._live_members())
