"""Callbacks that stop a search, and how the engine calls them.

The callbacks follow scikit-learn >= 1.9's callback protocol (``setup``,
``on_fit_task_begin``, ``on_fit_task_end``, ``teardown``; set with
``search.set_callbacks(...)``), where ``on_fit_task_end`` returning True asks
to stop the current level of iterations. A skhyper search honours that at the
end of each *batch* (one ask of its strategy: Bayes' ``n_points`` settings, a
Hyperband rung, a PBT round): the batch's evaluations are kept, no further
batch starts, and the best setting so far is refitted.

On scikit-learn < 1.9, which has no callback API, the searches give
``set_callbacks`` themselves and call the same hooks (``setup``, the batch's
``on_fit_task_end``, ``teardown``) with a small stand-in context, so the same
code runs on every supported version.
"""

import copy
import inspect
import numbers
import time
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from . import _compat

__all__ = ["DeadlineStopper", "NoImprovementStopper", "SearchEvents", "TqdmProgressBar"]

# The task name of a batch's context: the level at which a search stops.
BATCH_TASK = "batch"


class _SearchCallback:
    """Hooks that do nothing; a subclass acts on the ends of batches.

    A subclass declares its parameters' ``_parameter_constraints`` and
    validates them in ``__init__`` (a callback has no ``fit`` and no
    ``set_params``: the error belongs where the mistake is written).
    """

    _parameter_constraints: dict = {}

    def _validate(self, **params):
        """Validate ``params`` by the class's constraints; a bool is never a
        number here (scikit-learn's intervals take True as 1)."""
        _compat.validate_constraints(
            self._parameter_constraints, params, type(self).__name__
        )

    def setup(self, estimator, context):
        """Called once at the beginning of the search's ``fit``."""

    def on_fit_task_begin(self, estimator, context):
        """Called at the beginning of each task; does nothing."""

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Called at the end of each task; acts at the end of a batch only.

        Returns
        -------
        stop : bool
            Whether the search is to stop after this batch.
        """
        if not _is_batch_end(context, fitted_estimator):
            return False
        return bool(self._on_batch_end(estimator, fitted_estimator))

    def teardown(self, estimator, context):
        """Called once at the end of the search's ``fit``, even after an error."""

    def _on_batch_end(self, search, snapshot):
        return False


def _is_batch_end(context, snapshot):
    return (
        getattr(context, "task_name", None) == BATCH_TASK
        and snapshot is not None and hasattr(snapshot, "cv_results_")
    )


class DeadlineStopper(_SearchCallback):
    """Stop a search once it has run for a given time.

    The search checks the deadline at the end of every batch (one ask of its
    strategy: Bayes' ``n_points`` settings, a Hyperband rung, a PBT or DAC
    round, a hypergradient step), so it overruns by at most the batch in
    progress. Everything evaluated is kept in ``cv_results_`` and the best
    setting so far is refitted, as at a normal end.

    Parameters
    ----------
    seconds : float
        Wall-clock seconds from the start of ``fit`` (more than 0).

    Attributes
    ----------
    stopped_ : bool
        Whether the last search it watched was stopped by it.
    start_time_ : float
        When the last ``fit`` started (``time.time()``).
    elapsed_ : float
        Seconds from the start of the last ``fit`` to its last batch's end.

    See Also
    --------
    NoImprovementStopper : Stop when the best score stops improving.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skhyper import BayesSearchCV, Real
    >>> from skhyper.callbacks import DeadlineStopper
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesSearchCV(
    ...     LogisticRegression(max_iter=1000), {"C": Real(1e-2, 1e2, prior="log-uniform")},
    ...     n_iter=50, random_state=0,
    ... ).set_callbacks(DeadlineStopper(seconds=1e-9))
    >>> len(search.fit(X, y).cv_results_["params"])  # stopped after the first batch
    1
    """

    _parameter_constraints: dict = {
        "seconds": [_compat.Interval(numbers.Real, 0, None, closed="neither")],
    }

    def __init__(self, seconds):
        self._validate(seconds=seconds)
        self.seconds = seconds
        self.stopped_ = False
        self.elapsed_ = 0.0
        self.start_time_ = None

    def setup(self, estimator, context):
        self.start_time_ = time.time()
        self.stopped_ = False
        self.elapsed_ = 0.0

    def seconds_left(self):
        """Seconds until the deadline (None before a fit has started)."""
        if self.start_time_ is None:
            return None
        return max(self.seconds - (time.time() - self.start_time_), 0.0)

    def _on_batch_end(self, search, snapshot):
        self.elapsed_ = time.time() - self.start_time_
        self.stopped_ = self.elapsed_ >= self.seconds
        return self.stopped_

    def __repr__(self):
        return f"DeadlineStopper(seconds={self.seconds!r})"


class NoImprovementStopper(_SearchCallback):
    """Stop a search when its best score has not improved for a while.

    After every batch the callback reads the search's best score so far (the
    score of the row the search would choose if it stopped now: for
    Hyperband and PBT, among the rows at the largest resource reached). It
    stops the search once ``patience`` evaluations in a row (rows of
    ``cv_results_``) have not raised that score by more than ``min_delta``.
    Everything evaluated is kept and the best setting so far is refitted.

    Patience counts from the first model-based proposal. The rows of a
    Bayesian search's initial design (:class:`~skhyper.BayesSearchCV`, or
    any search whose ``optimizer_`` is a :class:`~skhyper.BayesOptimizer`:
    its ``n_initial_points_`` first rows) are a space-filling sample drawn
    before the model is used, and never count: such a search evaluates its
    whole design and then at least ``patience`` proposals of its model. The
    other searches have no such design, and every row counts from the first:
    Hyperband's rungs and brackets, PBT's rounds, DAC's generations and a
    hypergradient descent's evaluations (its initial design included).

    Parameters
    ----------
    patience : int
        Evaluations without improvement that stop the search (at least 1),
        counted after a Bayesian search's initial design.
    min_delta : float, default=0.0
        The smallest rise of the best score that counts as an improvement
        (at least 0).

    Attributes
    ----------
    stopped_ : bool
        Whether the last search it watched was stopped by it.
    best_score_ : float
        The best score so far of the last search it watched.

    See Also
    --------
    DeadlineStopper : Stop after a given time.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skhyper import BayesSearchCV, Real
    >>> from skhyper.callbacks import NoImprovementStopper
    >>> X, y = load_iris(return_X_y=True)
    >>> stopper = NoImprovementStopper(patience=5)
    >>> search = BayesSearchCV(
    ...     LogisticRegression(max_iter=1000), {"C": Real(1e-2, 1e2, prior="log-uniform")},
    ...     n_iter=50, random_state=0,
    ... ).set_callbacks(stopper)
    >>> n = len(search.fit(X, y).cv_results_["params"])
    >>> stopper.stopped_, n < 50, bool(stopper.best_score_ == search.best_score_)
    (True, True, True)
    """

    _parameter_constraints: dict = {
        "patience": [_compat.Interval(numbers.Integral, 1, None, closed="left")],
        "min_delta": [_compat.Interval(numbers.Real, 0, None, closed="left")],
    }

    def __init__(self, patience, min_delta=0.0):
        self._validate(patience=patience, min_delta=min_delta)
        self.patience = patience
        self.min_delta = min_delta
        self.setup(None, None)

    def setup(self, estimator, context):
        self.stopped_ = False
        self.best_score_ = -np.inf
        self._rows = 0
        self._since = 0

    def _on_batch_end(self, search, snapshot):
        rows = len(snapshot.cv_results_["params"])
        design = _initial_design_rows(search)
        # the rows of this batch past the initial design
        new = max(rows, design) - max(self._rows, design)
        self._rows = rows
        best = getattr(snapshot, "best_score_", np.nan)
        if np.isfinite(best) and best > self.best_score_ + self.min_delta:
            self.best_score_, self._since = float(best), 0
        else:
            self._since += new
            if np.isfinite(best):
                self.best_score_ = max(self.best_score_, float(best))
        self.stopped_ = self._since >= self.patience
        return self.stopped_

    def __repr__(self):
        return f"NoImprovementStopper(patience={self.patience!r}, min_delta={self.min_delta!r})"


def _initial_design_rows(search):
    """How many first rows of ``search``'s results are the initial design of
    its BayesOptimizer ``optimizer_`` (0 for a search without one)."""
    from .optimizer import BayesOptimizer

    optimizer = getattr(search, "optimizer_", None)
    if not isinstance(optimizer, BayesOptimizer):
        return 0
    return getattr(optimizer, "n_initial_points_", 0)


class TqdmProgressBar(_SearchCallback):
    """A tqdm progress bar of a search's evaluations and best score.

    One tick per evaluation (row of ``cv_results_``), shown at the end of each
    batch, with the best score so far and, under a :class:`DeadlineStopper`
    set on the same search, the seconds left. The total is known before
    the first fit for every search but HypergradientSearchCV, whose descent
    ends when it converges (a stopper may still end a search early).
    Needs tqdm (``pip install skhyper[progress]``), imported when a fit
    starts.

    For scikit-learn's task-by-task view, scikit-learn >= 1.9's own
    ``sklearn.callback.ProgressBar`` works with every search as well.

    Parameters
    ----------
    **tqdm_params : dict
        Passed to ``tqdm.tqdm`` (``file``, ``disable``, ``ncols`` ...).

    Examples
    --------
    >>> import io
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skhyper import BayesSearchCV, Real
    >>> from skhyper.callbacks import TqdmProgressBar
    >>> X, y = load_iris(return_X_y=True)
    >>> out = io.StringIO()
    >>> search = BayesSearchCV(
    ...     LogisticRegression(max_iter=1000), {"C": Real(1e-2, 1e2, prior="log-uniform")},
    ...     n_iter=3, random_state=0,
    ... ).set_callbacks(TqdmProgressBar(file=out))
    >>> _ = search.fit(X, y)
    >>> "3/3" in out.getvalue()
    True
    """

    def __init__(self, **tqdm_params):
        self.tqdm_params = tqdm_params
        self._bar = None

    def setup(self, estimator, context):
        try:
            from tqdm.auto import tqdm
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                "TqdmProgressBar needs tqdm: pip install skhyper[progress]"
            ) from exc
        self._deadline = next(
            (cb for cb in _compat.callbacks_of(estimator) if isinstance(cb, DeadlineStopper)),
            None,
        )
        total = estimator._planned_rows() if hasattr(estimator, "_planned_rows") else None
        params = {"desc": type(estimator).__name__, "total": total, "unit": "eval"}
        self._bar = tqdm(**{**params, **self.tqdm_params})

    def _on_batch_end(self, search, snapshot):
        rows = len(snapshot.cv_results_["params"])
        self._bar.update(rows - self._bar.n)
        postfix = {"best": f"{getattr(snapshot, 'best_score_', np.nan):.4g}"}
        if self._deadline is not None and self._deadline.seconds_left() is not None:
            postfix["left"] = f"{self._deadline.seconds_left():.0f}s"
        self._bar.set_postfix(postfix, refresh=True)
        return False

    def teardown(self, estimator, context):
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __getstate__(self):
        # scikit-learn >= 1.9 sends the search's callbacks with every fit task;
        # the bar stays in the process that draws it
        return {**self.__dict__, "_bar": None}

    def __repr__(self):
        return f"TqdmProgressBar({', '.join(f'{k}={v!r}' for k, v in self.tqdm_params.items())})"


@dataclass
class _Context:
    """scikit-learn < 1.9: what a hook is told of its task."""

    task_name: str
    task_id: int = 0
    max_subtasks: Optional[int] = None
    parent: Optional["_Context"] = field(default=None, repr=False)


class SearchEvents:
    """The engine's side of the callbacks: when each hook is called.

    On scikit-learn >= 1.9 the hooks run through scikit-learn's callback
    contexts (``root_ctx`` and the batch contexts the engine makes); before
    1.9 this class calls them itself.
    """

    def __init__(self, search, root_ctx):
        self.search = search
        self.native = root_ctx is not None
        self.callbacks = _compat.callbacks_of(search)
        self._root = None if self.native else _Context("fit", max_subtasks=2)

    def begin(self):
        if not self.native:
            for callback in self.callbacks:
                callback.setup(self.search, self._root)

    def end(self):
        if not self.native:  # scikit-learn's _fit_context tears down on >= 1.9
            for callback in self.callbacks:
                callback.teardown(self.search, self._root)

    def batch_end(self, batch_ctx, snapshot, n_batch):
        """Call the batch's ``on_fit_task_end`` hooks; whether to stop."""
        if self.native:
            if batch_ctx is None:
                return False
            return bool(batch_ctx.call_on_fit_task_end(
                estimator=self.search, reconstruction_attributes=snapshot
            ))
        context = _Context(BATCH_TASK, task_id=n_batch, parent=self._root)
        stop = False
        fitted = None
        for callback in self.callbacks:
            hook = callback.on_fit_task_end
            kwargs = {}
            if "fitted_estimator" in inspect.signature(hook).parameters:
                if fitted is None:
                    fitted = _from_attributes(self.search, snapshot())
                kwargs["fitted_estimator"] = fitted
            stop |= bool(hook(self.search, context, **kwargs))
        return stop


def _from_attributes(search, attributes):
    """A copy of the search with ``attributes`` set (as scikit-learn >= 1.9
    builds a hook's ``fitted_estimator``)."""
    new = copy.copy(search)
    for key, value in attributes.items():
        setattr(new, key, value)
    return new
