"""Callbacks for skhyper's searches: stop, show progress, checkpoint and resume.

Set them with ``search.set_callbacks(...)`` (scikit-learn >= 1.9's callback
API, which skhyper's searches give on older scikit-learn versions too). A
search checks them at the end of every batch (one ask of its strategy:
Bayes' ``n_points`` settings, a Hyperband rung, a PBT round); a stopped
search keeps everything it evaluated, starts no further batch and refits
the best setting so far. How the engine calls them is in ``_callbacks``.
"""

import numbers
import os
import time

import numpy as np

from . import _compat
from ._callbacks import _SearchCallback
from ._checkpoint import check_not_a_directory

__all__ = ["Checkpoint", "DeadlineStopper", "NoImprovementStopper", "TqdmProgressBar"]


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


class Checkpoint(_SearchCallback):
    """Write every finished batch of a search to a file, and resume from it.

    After every batch (one ask of the search's strategy) the batch's results
    are appended to the file. A later ``fit`` of the same search on the same
    data, with ``resume=True``, continues where the file stops and ends with
    the same ``cv_results_`` as a search that was never interrupted (timings
    apart): the batches already in the file are not fitted again. That holds
    for a search stopped by a callback, interrupted by Ctrl-C, or killed with
    its process; the batch in progress at that moment is lost and fitted
    again.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file (JSON Lines), in an existing, writable directory.
        Searches that continue training (Hyperband over ``partial_fit`` or
        warm-start iterations, PBT, DAC) also write their live fold-models
        next to it, to ``<path>.models.0`` and ``<path>.models.1`` in turn.
    resume : bool, default=True
        Whether ``fit`` continues from ``path`` when the file exists. False
        starts afresh and replaces the file (and removes its fold-models
        files).
    trusted : list of str, default=None
        Type names, as :func:`skops.io.get_untrusted_types` gives them, that
        skops.io may load from the fold-models files besides the types it
        trusts by default: a fold-model of your own estimator class
        (``"mypackage.MySGDClassifier"``), or a fitted attribute skops does
        not trust (a fitted ``MLPClassifier`` holds
        ``"sklearn.neural_network._stochastic_optimizers.AdamOptimizer"``).
        A search refuses to checkpoint models holding other untrusted types,
        before its first fit when the estimator's own type is the problem.
    allow_pickle : bool, default=False
        Store the fold-models with pickle when skops.io cannot store them or
        they hold types not in ``trusted``, and load such a file on resume.
        **Loading a pickle runs code: with allow_pickle=True, trust the
        checkpoint and everything in its folder as code.**

    See Also
    --------
    DeadlineStopper : Stop a search after a given time (resume it later).

    Notes
    -----
    Resuming needs ``random_state`` to be an integer: the search replays its
    own choices from the seed. A checkpoint written by another search class,
    with other parameters (``n_jobs``, ``pre_dispatch`` and ``verbose``
    apart) or on other data or folds is refused before any fit with an error
    naming what differs; so is a corrupted or edited file. A callable
    parameter (``scoring``, ``refit``, a function an estimator holds) is
    compared by what it does: the code, constants, defaults and closure of
    your functions, the functions and keyword arguments a ``make_scorer``
    scorer wraps or a ``functools.partial`` binds, the values of the globals
    (and of the attributes of your own modules and classes)
    the code reads; functions of installed packages and of the standard
    library by module and name. One skhyper cannot look into (an object
    without ``__dict__`` that does not pickle) is warned about when the file
    is written, and the file cannot be resumed. A generator or list of
    splits as ``cv`` is compared by the folds it gives.

    What a checkpoint protects, and what it does not:

    - Resuming never unpickles anything unless ``allow_pickle=True``. The
      JSON file holds numbers, strings and the fit errors' tracebacks, and
      loading it executes nothing. A search that fits every setting from
      scratch (``BayesSearchCV``, Hyperband over samples or a retrained
      parameter, ``HypergradientSearchCV``) reads that file and no other,
      whatever it says.
    - The fold-models of continued training are read only from the two
      names derived from ``path``, with skops.io, which builds only the
      types it trusts by default and those listed in ``trusted``: an edited
      or replaced file can make the resume fail, not run code. Trusting a
      type trusts the file's data for it: skops documents that a crafted
      ``sklearn.tree._tree.Tree`` can crash the process when used.
    - The SHA-256 of each record and of the fold-models detect a torn write,
      a truncated file or an accidental edit. They are not a signature:
      whoever can write to the folder can change the results the search
      resumes with. Keep checkpoints where only you can write.
    - Files are created with the permissions ``open()`` would give (the
      umask), so a shared folder shares them. Only one search at a time may
      write a checkpoint. A kill during a write leaves a ``*.tmp`` file,
      removed at the next start.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skhyper import BayesSearchCV, Real
    >>> from skhyper.callbacks import Checkpoint, DeadlineStopper
    >>> X, y = load_iris(return_X_y=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "search.json")
    >>> def search():
    ...     return BayesSearchCV(
    ...         LogisticRegression(max_iter=1000),
    ...         {"C": Real(1e-2, 1e2, prior="log-uniform")}, n_iter=6, random_state=0,
    ...     )
    >>> first = search().set_callbacks(Checkpoint(path), DeadlineStopper(1e-9)).fit(X, y)
    >>> len(first.cv_results_["params"])  # stopped after one batch
    1
    >>> resumed = search().set_callbacks(Checkpoint(path)).fit(X, y)
    >>> len(resumed.cv_results_["params"])
    6
    >>> bool((resumed.cv_results_["mean_test_score"]
    ...       == search().fit(X, y).cv_results_["mean_test_score"]).all())
    True
    """

    _parameter_constraints: dict = {
        "path": [str, os.PathLike],
        "resume": ["boolean"],
        "trusted": [list, None],
        "allow_pickle": ["boolean"],
    }

    def __init__(self, path, resume=True, *, trusted=None, allow_pickle=False):
        self._validate(path=path, resume=resume, trusted=trusted, allow_pickle=allow_pickle)
        _check_type_names(trusted)
        self.path = os.fspath(path)
        self.resume = bool(resume)
        self.trusted = None if trusted is None else list(trusted)
        self.allow_pickle = bool(allow_pickle)
        check_not_a_directory(self.path)

    def __repr__(self):
        extra = "".join(
            f", {name}={getattr(self, name)!r}"
            for name, default in (("trusted", None), ("allow_pickle", False))
            if getattr(self, name) != default
        )
        return f"Checkpoint(path={self.path!r}, resume={self.resume!r}{extra})"


def _check_type_names(trusted):
    """Every entry of ``trusted`` is a type name (what constraints cannot say)."""
    bad = [name for name in trusted or [] if not isinstance(name, str)]
    if bad:
        raise TypeError(
            f"Checkpoint: trusted must be a list of type names (str), as "
            f"skops.io.get_untrusted_types gives them; got {bad[0]!r} of type "
            f"{type(bad[0]).__name__} in trusted={trusted!r}."
        )
