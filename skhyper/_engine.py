"""The one engine every search runs on: an ask / evaluate / tell loop.

:class:`_SearchCV` overrides ``BaseSearchCV.fit`` once for every search. It
draws the folds once, asks its strategy for a :class:`Batch` of settings,
evaluates the batch with an *evaluator*, records every row (failed ones too)
and tells the strategy the batch's scores, until the strategy has nothing
more to ask; then it sets every attribute GridSearchCV sets and refits.

Two evaluators share the loop:

- :class:`_FreshEvaluator` clones and fits each setting on each fold, with
  scikit-learn's own ``_fit_and_score`` (the searches that evaluate settings
  from scratch: Bayesian optimization, Hyperband over samples or a parameter);
- ``_trainer._Trainer`` keeps each member's fold-models between batches
  and continues them (Hyperband over ``partial_fit`` epochs or warm-start
  iterations, and the population searches).

``BaseSearchCV``'s own ``evaluate_candidates`` is not used because it raises
when every fit of one call fails, which would lose those rows (or force them
to be fitted again), and because it cannot continue a model.
"""

import numbers
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
from sklearn.utils.parallel import Parallel, delayed

from . import _compat
from ._callbacks import BATCH_TASK, SearchEvents
from ._checks import (
    check_fit_input,
    check_space_against,
    refused_settings,
    refused_values_warning,
)
from ._checkpoint import Journal, find_checkpoint
from ._fingerprint import fingerprint
from ._compat import BaseSearchCV, _check_method_params, _fit_context
from ._distributed import Sent, on_worker
from ._results import rows_at_max_resource
from .space import SearchSpace
from .space._dimensions import equal_values
from .space._space import warn_two_tuple_ranges

__all__ = ["Batch", "Training", "_SearchCV"]


@dataclass
class Training:
    """The continued-training part of a :class:`Batch` (read by ``_Trainer``).

    Attributes
    ----------
    members : list
        The member whose fold-models each candidate continues (a new member
        starts fresh models).
    targets : list of int
        The training steps each member has reached after this batch.
    copies : dict, default=None
        ``{member: source}``, members that take a deep copy of a source
        member's fold-models (and their history) before the batch trains;
        the batch's candidate then gives the copy's hyperparameters (PBT's
        exploit).
    steppers : list, default=None
        Each candidate's own way of training (a policy that sets
        hyperparameters at every step, in the worker); None means the
        search's.
    """

    members: list
    targets: list
    copies: Optional[dict] = None
    steppers: Optional[list] = None


@dataclass
class Batch:
    """One batch a strategy asks the engine to evaluate.

    Attributes
    ----------
    candidates : list of dict
        The parameter settings.
    more_results : dict of str -> list
        Extra ``cv_results_`` columns, one value per candidate; the same keys
        in every batch of a search.
    candidate_splits : list of list of (ndarray, ndarray), default=None
        Each candidate's own (train, test) folds, derived from the search's
        folds and as many (Hyperband's brackets at different subsample sizes
        in one batch); None means the search's folds.
    training : Training, default=None
        For continued training: which member each candidate continues, to
        how many steps, and how.
    label : str, default=""
        Where the search is, for the ``verbose`` progress line
        (``"batch 3/10"``, ``"bracket s=2, rung 1"``).
    note : str, default=""
        What the progress line adds after the batch's size
        (``" (initial design)"``, ``" at n_resources=9"``).
    """

    candidates: list
    more_results: dict
    candidate_splits: Optional[list] = None
    training: Optional[Training] = None
    label: str = ""
    note: str = ""


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


# The fit error of a member whose models failed at an earlier step.
EARLIER_FAILURE = "this member failed at an earlier step"


class _StopSearch(Exception):
    """A callback asked the search to stop after the batch just recorded."""


def _is_multimetric(scoring):
    return isinstance(scoring, (list, tuple, set, dict))


class _FreshEvaluator:
    """Clones and fits every setting on every fold (GridSearchCV's way)."""

    def __init__(self, search, X, y, splits, scorers, routed, parallel):
        self.search = search
        self.splits = splits
        self.parallel = parallel
        self.base = clone(search.estimator)
        # on a dask cluster, sent to the workers once for the whole fit
        self.sent = Sent(
            X, y, routed.estimator.fit, routed.scorer.score,
            *(indices for fold in splits for indices in fold),
        )
        self.kwargs = dict(
            scorer=scorers,
            return_train_score=search.return_train_score,
            return_n_test_samples=True,
            return_times=True,
            return_parameters=False,
            error_score=search.error_score,
            verbose=search.verbose,
        )

    def n_tasks(self, batch):
        return len(batch.candidates) * len(self.splits)

    def evaluate(self, batch, batch_ctx=None):
        """The ``_fit_and_score`` results of ``batch``, candidate by candidate."""
        return self.run_fold_tasks(
            batch, batch_ctx,
            lambda X, y, params, train, test, kwargs: delayed(
                on_worker(_compat.fit_and_score)
            )(clone(self.base), X, y, train=train, test=test, parameters=params, **kwargs),
        )

    def run_fold_tasks(self, batch, batch_ctx, task):
        """Run ``task(X, y, params, train, test, kwargs)`` (a delayed call) for
        every (candidate, fold) of ``batch`` in one joblib call; sent again
        should a dask cluster lose the data (the callback contexts are made
        once, whatever the resends)."""
        contexts = _task_contexts(batch_ctx, self.n_tasks(batch))
        return self.sent.run(lambda sent: self.parallel(
            task(*args) for args in self.fold_tasks(batch, contexts, sent)
        ))

    def fold_tasks(self, batch, contexts, sent):
        """``(X, y, params, train, test, kwargs)`` of every (candidate, fold)
        of ``batch``, the data as ``sent`` (:attr:`Sent.values`) holds it:
        ``kwargs`` are ``_fit_and_score``'s other arguments, with each
        task's callback context from ``contexts``."""
        X, y, fit_params, score_params, *indices = sent
        n = len(batch.candidates)
        # the search's own folds are on the workers already (dask)
        own = list(zip(indices[::2], indices[1::2]))
        splits = batch.candidate_splits or [own] * n
        k = len(splits[0])
        tasks = [
            (i, params, j, train, test)
            for i, (params, folds) in enumerate(zip(batch.candidates, splits))
            for j, (train, test) in enumerate(folds)
        ]
        return [
            (X, y, params, train, test, dict(
                split_progress=(j, k), candidate_progress=(i, n),
                caller=self.search if ctx is not None else None, callback_ctx=ctx,
                fit_params=fit_params, score_params=score_params, **self.kwargs,
            ))
            for (i, params, j, train, test), ctx in zip(tasks, contexts)
        ]

    def refit(self, estimator, X, y, fit_params):
        if y is None:
            estimator.fit(X, **fit_params)
        else:
            estimator.fit(X, y, **fit_params)

    def keep(self, members):
        """Nothing is kept between batches."""

    def close(self):
        """Nothing to release when the search is over."""

    def replay(self, batch):
        """A batch read from a checkpoint: nothing to do."""

    def checkpoint_example(self):
        """No fold-models are kept, so none need storing."""
        return None

    def checkpoint_state(self):
        """Nothing but the batches' results is needed to resume."""
        return None

    def restore(self, journal):
        """Nothing to restore: a search that fits from scratch reads nothing
        but the checkpoint's own file."""


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


def _task_contexts(batch_ctx, n_tasks):
    """One callback context per fit task, made here and not in the workers
    (as scikit-learn's own search does: subcontexts do not pickle well)."""
    if batch_ctx is None:
        return [None] * n_tasks
    return [
        batch_ctx.subcontext(task_name="candidate-split-evaluation", task_id=i)
        for i in range(n_tasks)
    ]


class _SearchCV(BaseSearchCV):
    """Private base of every search: the engine's ``fit``, in three steps.

    1. **set up** (``_set_up``): every check before the first fit, the folds
       drawn once, scorers, routed metadata, the checkpoint, callbacks;
    2. **run** (``_run``): the strategy's loop, ``_run_strategy`` (ask a
       :class:`Batch`, evaluate it, record its rows, tell the scores) until
       the strategy has nothing more to ask or a callback stops it;
    3. **select and refit** (``_select_and_refit``): ``best_index_`` by
       scikit-learn's rules (or the search's own: ``_selects_own_best``),
       every attribute GridSearchCV sets, the refit.

    A search implements its strategy through these hooks:

    - ``_prepare()``: parse and check its own parameters; raise before any fit;
    - ``_prepare_splits(X, y, splits)``: (optional) what depends on the folds,
      checked before any fit;
    - ``_start(rng)``: reset the strategy's state for a new fit;
    - ``_ask()``: the next :class:`Batch`, or None when the search is over;
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
        self.scorer_ = getattr(setup.scorers, "_scorers", setup.scorers)
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
        checkpoint = find_checkpoint(self)
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

        ``record.evaluate(batch, search_ctx)`` evaluates a :class:`Batch`,
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


class _Record:
    """Every row a fit evaluates, failed ones included, and what they say."""

    def __init__(self, search, evaluator, n_splits, events=None, journal=None):
        self.search = search
        self.journal = journal
        self.evaluator = evaluator
        self.n_splits = n_splits
        self.events = events if events is not None else SearchEvents(search, None)
        self.params, self.outs, self.more = [], [], {}
        self.keys = self.keys_after = None
        self.results = None
        self.n_batches = 0
        self._refit_checked = False
        self.start = time.time()
        if journal is not None:  # fold-models skops cannot store: said before any fit
            journal.check_storable(evaluator.checkpoint_example())

    @property
    def all_failed(self):
        return all(out["fit_error"] is not None for out in self.outs)

    def _all_failed_but_expected(self):
        """Whether every fit so far failed, and at least one of them for a
        setting without a value the estimator is known to refuse (those are
        expected to fail: their failures alone do not end a search)."""
        if not self.all_failed:
            return False
        refused = getattr(self.search, "_refused_settings", None) or {}
        return any(
            not any(
                name in params and any(equal_values(params[name], v) for v in values)
                for name, values in refused.items()
            )
            for params in self.params
        )

    def evaluate(self, batch, search_ctx=None):
        """Evaluate and record ``batch``; return its scores of the optimized metric.

        Raises ``_StopSearch`` after recording the batch when a callback asks
        the search to stop.
        """
        self._check_keys(batch.candidates, batch.more_results)
        batch_ctx = None
        if search_ctx is not None:  # scikit-learn >= 1.9 callbacks
            batch_ctx = search_ctx.subcontext(
                task_name=BATCH_TASK, max_subtasks=self.evaluator.n_tasks(batch),
                sequential_subtasks=False,
            ).call_on_fit_task_begin(estimator=self.search)
        outs = self._replayed(batch)
        if outs is None:
            outs = self.evaluator.evaluate(batch, batch_ctx)
            if self.journal is not None:  # on disk before anything else can fail
                self.journal.record(batch, outs, self.evaluator.checkpoint_state())
        scores = self.add(batch, outs)
        if self.events.batch_end(batch_ctx, self.snapshot, self.n_batches - 1):
            raise _StopSearch
        return scores

    def _replayed(self, batch):
        """The batch's fold results from the checkpoint being resumed, or None
        when it has to be fitted (its fold-models restored first)."""
        if self.journal is None:
            return None
        outs = self.journal.replayed(self.n_batches, batch)
        if outs is not None:
            self.evaluator.replay(batch)
            return outs
        if self.journal.resumes_at(self.n_batches):
            self.evaluator.restore(self.journal)
        return None

    def snapshot(self):
        """The attributes a callback sees of the search after a batch: its
        results so far and the best row it would choose if it stopped now."""
        search, results = self.search, self.results
        attributes = {"cv_results_": results, "n_splits_": self.n_splits}
        column = f"mean_test_{search._search_metric}"
        if column in results:
            refit = search.refit if callable(search.refit) else True
            try:
                best = int(_compat.select_best_index(
                    search, search._search_metric, results, refit
                ))
            except Exception:  # a user's callable refit may not cope with partial results
                scores = np.asarray(results[column], dtype=float)
                best = int(np.argmax(np.where(np.isnan(scores), -np.inf, scores)))
            attributes.update(
                best_index_=best, best_params_=results["params"][best],
                best_score_=float(results[column][best]),
            )
        return attributes

    def _check_keys(self, candidates, more_results, before=True):
        """The extra columns have a value per candidate and the same keys in
        every batch (``before``: those known before the batch is evaluated)."""
        for key, values in more_results.items():
            if len(values) != len(candidates):
                raise RuntimeError(  # a bug in the search, not the user's
                    f"more_results[{key!r}] has {len(values)} values for "
                    f"{len(candidates)} candidates."
                )
        attr = "keys" if before else "keys_after"
        known = getattr(self, attr)
        if known is None:
            setattr(self, attr, set(more_results))
        elif set(more_results) != known:
            raise RuntimeError(  # a bug in the search, not the user's
                f"more_results keys changed from {sorted(known)} to "
                f"{sorted(more_results)}."
            )

    def add(self, batch, outs):
        """Record a batch's results; return its scores of the optimized metric."""
        search = self.search
        self.n_batches += 1
        n = len(batch.candidates)
        self.params.extend(batch.candidates)
        self.outs.extend(outs)
        after = search._more_results(batch, outs)
        self._check_keys(batch.candidates, after, before=False)
        for key, values in {**batch.more_results, **after}.items():
            self.more.setdefault(key, []).extend(values)
        if callable(search.scoring):
            # a callable's dict of scores is known only from a successful fit
            _compat.insert_error_scores(self.outs, search.error_score)
        self.results = self.format(quiet=True)
        # for a search's own choice of the best row
        search._rows_failed = _failed_rows(self.outs, len(self.params))
        failed = [out["fit_error"] for out in outs if out["fit_error"] is not None]
        if self._all_failed_but_expected() and search._stop_if_all_failed():
            self.report_failures(stopped=True)
        if not failed and callable(search.scoring) and not self._refit_checked:
            # a callable's names are known from its first scores: refit must be one
            # (scikit-learn's own check, before the search optimizes a name)
            self._refit_checked = True
            first = outs[0]["test_scores"]
            if isinstance(first, dict):
                _compat.check_refit_for_multimetric(search, first)
        # What the strategy learns is the same whatever error_score is: a
        # candidate any of whose fits failed is told NaN (a failure, which
        # every strategy ranks below every score), while cv_results_ shows
        # error_score as GridSearchCV does. A numeric error_score told as a
        # score would be the *best* one when the scores are below it.
        scores = np.where(
            _failed_rows(outs, n), np.nan,
            self._last_scores(n, failed_batch=len(failed) == len(outs)),
        )
        if search.verbose > 0:
            self._report(batch, scores, len(failed))
        return scores

    def format(self, quiet):
        """``cv_results_`` of every row so far (``quiet``: without scikit-learn's
        warning about non-finite scores, which the final results give once)."""
        more = {key: _column(values) for key, values in self.more.items()}
        with warnings.catch_warnings():
            if quiet:
                warnings.filterwarnings("ignore", category=UserWarning)
            return _compat.format_results(
                self.search, self.params, self.n_splits, self.outs, more
            )

    def _last_scores(self, n, failed_batch):
        search = self.search
        column = f"mean_test_{search._search_metric}"
        if column not in self.results:
            if failed_batch:  # a callable scorer's names are not known yet
                return np.full(n, np.nan)
            # a strategy that does not learn from scores
            if search._search_metric is None:
                return np.full(n, np.nan)
            first = next(
                (out["test_scores"] for out in self.outs if out["fit_error"] is None), None
            )
            name = next(iter(first)) if isinstance(first, dict) and first else None
            if (
                name is not None and f"mean_test_{name}" in self.results
                and search.search_metric is None and not isinstance(search.refit, str)
            ):  # a callable's dict of scores: its first name, as for a list
                search._search_metric = name
                return np.asarray(self.results[f"mean_test_{name}"][-n:], dtype=float)
            found = sorted(
                k[len("mean_test_"):] for k in self.results if k.startswith("mean_test_")
            )
            raise ValueError(
                f"{type(search).__name__} optimizes {search._search_metric!r}, but the "
                f"scoring returned {found}: set search_metric to one of them."
            )
        return np.asarray(self.results[column][-n:], dtype=float)

    def report_failures(self, stopped=False):
        """GridSearchCV's report of failed fits, over every fit so far: a
        FitFailedWarning when some failed, its ValueError when all did
        (``stopped``: the search gives up before its end)."""
        # real causes before knock-on ones (a member that failed earlier)
        outs = sorted(self.outs, key=lambda out: out["fit_error"] == EARLIER_FAILURE)
        try:
            _compat.warn_or_raise_about_fit_failures(outs, self.search.error_score)
        except ValueError as error:
            if not stopped:
                raise
            raise ValueError(
                f"{error}\n{type(self.search).__name__} stopped after "
                f"{len(self.params)} settings, none of which could be fitted."
            ) from None

    def _report(self, batch, scores, n_failed):
        """One progress line per batch (``verbose >= 1``)."""
        search = self.search
        n, k = len(batch.candidates), self.n_splits
        all_scores = np.asarray(
            self.results.get(f"mean_test_{search._search_metric}", scores), dtype=float
        )
        line = (
            f"[{type(search).__name__}] {batch.label or f'batch {self.n_batches}'}: "
            f"{n} candidate{'s' if n != 1 else ''} x {k} folds{batch.note}; "
            f"best of batch {_fmt(scores)}, best so far {_fmt(all_scores)} "
            f"({time.time() - self.start:.1f} s)"
        )
        if n_failed:  # the FitFailedWarning comes once, at the end of the fit
            line += f"; {n_failed} of its fits failed (error_score={search.error_score!r})"
        print(line, flush=True)


def _failed_rows(outs, n):
    """Whether each of ``n`` rows (``outs``: their fold results, row by row)
    had a failed fit on any fold."""
    return np.array([out["fit_error"] is not None for out in outs], dtype=bool).reshape(
        n, -1
    ).any(axis=1)


def _fmt(scores):
    finite = scores[np.isfinite(scores)]
    return f"{finite.max():.4g}" if len(finite) else "nan"


def _column(values):
    """A ``more_results`` column: a 1-D array (of objects for ragged values)."""
    if all(isinstance(v, numbers.Number) for v in values):
        return np.asarray(values)
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column
