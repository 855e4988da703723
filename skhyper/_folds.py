"""A fold's data as continued training sees it, and the fitted Pipeline head.

For a Pipeline, the steps before the last are fitted once per fold, as
``Pipeline.fit`` fits them (``fit_transform``), and only the last step trains
(``_training.py``): :func:`_make_fold` gives a split's :class:`_Fold`, its
data transformed by the fitted head. With loky, the workers keep nothing
between tasks: :class:`_SharedFolds` writes the folds' large arrays to files
once and maps them, so that joblib does not dump them again for every task.
"""

import os
import tempfile
import traceback
from dataclasses import dataclass

import numpy as np
from joblib import effective_n_jobs
from joblib.parallel import get_active_backend
from sklearn import get_config
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import process_routing

from ._compat import _check_method_params, _safe_indexing
from ._training import _split_by_step

__all__ = ["_fit_head", "_make_fold", "_SharedFolds"]

# joblib's own threshold (max_nbytes="1M") for sending an array by file
_SHARED_NBYTES = 2**20


def _route_pipeline(pipe, params):
    """``(head params, last-step params)``, as ``Pipeline.fit`` routes ``params``."""
    last_name = pipe.steps[-1][0]
    if not get_config().get("enable_metadata_routing", False):
        last, head = _split_by_step(params, last_name)
        return head, last
    routed = process_routing(pipe, "fit", **params)  # refuses unrequested metadata
    consumed = pipe[:-1].get_metadata_routing().consumes("fit_transform", list(params))
    return {k: params[k] for k in consumed}, dict(routed[last_name].fit)


def _fit_head(estimator, X, y, params):
    """Fit a Pipeline's steps before the last (as ``Pipeline.fit`` does).

    Returns the fitted head (None without one), the transformed ``X`` and
    the parameters for the last step.
    """
    if not isinstance(estimator, Pipeline):
        return None, X, params
    head_params, last_params = _route_pipeline(estimator, params)
    head = estimator[:-1]
    Xt = head.fit_transform(X, y, **head_params)
    # A Pipeline with a memory fits clones: give the estimator the fitted steps.
    estimator.steps[:-1] = head.steps
    return head, Xt, last_params


def _subset(X, indices):
    return None if X is None else _safe_indexing(X, indices)


@dataclass
class _Fold:
    """One fold's data as the trained model sees it (after a Pipeline's head)."""

    X_train: object
    y_train: object
    X_test: object
    y_test: object
    fit_params: dict
    train_score_params: dict
    test_score_params: dict
    #: the traceback of a Pipeline head that failed on this fold, or None
    error: object = None


def _make_fold(estimator, X, y, train, test, fit_params, score_params, error_score):
    """The :class:`_Fold` of split ``(train, test)``: a clone of ``estimator``'s
    Pipeline head fitted on the training part, both parts transformed by it.

    As in ``_fit_and_score``, a head that fails fails this fold's fits (its
    traceback is kept) unless ``error_score="raise"``.
    """
    X_train, y_train = _subset(X, train), _subset(y, train)
    X_test, y_test = _subset(X, test), _subset(y, test)
    own_fit_params = _check_method_params(X, params=fit_params, indices=train)
    error = None
    try:
        head, X_train, own_fit_params = _fit_head(
            clone(estimator), X_train, y_train, own_fit_params
        )
        if head is not None:
            X_test = head.transform(X_test)
    except Exception:
        if error_score == "raise":
            raise
        error = traceback.format_exc()
    return _Fold(
        X_train, y_train, X_test, y_test, own_fit_params,
        _check_method_params(X, params=score_params, indices=train),
        _check_method_params(X, params=score_params, indices=test),
        error,
    )


@dataclass
class _SharedFolds:
    """The folds' large arrays, for a process-based joblib backend (loky,
    multiprocessing) with more than one job, written once to files and
    mapped read-only: joblib sends such an array to a worker by its file name
    (no pickling, no hashing), and the parent holds it as file pages it can
    drop, not as memory. Without it, joblib would dump each array again for
    every task that takes it."""

    def __init__(self, enabled):
        self.enabled = enabled
        self.folder = None

    @staticmethod
    def wanted(n_jobs):
        """Whether ``n_jobs`` jobs of the active joblib backend run in other
        processes (loky, multiprocessing) that take arrays by file."""
        backend, _ = get_active_backend()
        return not getattr(backend, "supports_sharedmem", False) and (
            effective_n_jobs(n_jobs) != 1
        )

    def share(self, k, fold):
        """``fold`` (the ``k``-th), its arrays of at least 1 MiB mapped from files."""
        if not self.enabled:
            return fold
        for name in ("X_train", "y_train", "X_test", "y_test"):
            array = getattr(fold, name)
            if (type(array) is not np.ndarray or array.dtype.hasobject
                    or array.nbytes < _SHARED_NBYTES):
                continue
            if self.folder is None:  # where joblib would put its own, if told
                self.folder = tempfile.TemporaryDirectory(
                    prefix="skhyper-folds-", dir=os.environ.get("JOBLIB_TEMP_FOLDER")
                )
            path = os.path.join(self.folder.name, f"{k}-{name}.npy")
            np.save(path, array)
            setattr(fold, name, np.load(path, mmap_mode="r"))
        return fold

    def close(self):
        """Remove the files (the folds must not be used after)."""
        if self.folder is not None:
            self.folder.cleanup()
            self.folder = None
