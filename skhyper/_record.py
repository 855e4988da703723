"""Every row a fit evaluates, failed ones included: the engine's record of a
search's batches, what it reports and what it tells the callbacks."""

import numbers
import time
import warnings

import numpy as np

from . import _compat
from ._batch import EARLIER_FAILURE
from ._callbacks import BATCH_TASK, SearchEvents
from .space._dimensions import equal_values

__all__ = ["_Record", "_StopSearch"]


class _StopSearch(Exception):
    """A callback asked the search to stop after the batch just recorded."""


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
