"""Continued training: the evaluator of searches that keep models between steps.

``BaseSearchCV``'s ``evaluate_candidates`` clones and fits from scratch, so it
cannot continue a model. :class:`_Trainer` is the engine's second evaluator
(see ``_engine.py``): it keeps each member's K fold-models between batches,
continues (or starts) them by a number of training steps in parallel, and
scores them, returning results shaped like ``_fit_and_score``'s.

A training step is one ``partial_fit`` call (an epoch), or, for estimators
whose ``warm_start`` continues where they stopped, one unit of a cumulative
iteration parameter (``n_estimators`` of forests and gradient boosting,
``max_iter`` of histogram gradient boosting). For a Pipeline, the steps before
the last are fitted once per fold, as ``Pipeline.fit`` fits them
(``fit_transform``), and only the last step trains.

Where things live: with ``n_jobs=1`` and with threads, in this process. With
loky, the workers keep nothing between tasks, so the fold-models go to a
worker and back at every step; the folds' large arrays are written to files
once and mapped (:class:`_SharedFolds`), so that joblib does not dump them
again for every task. On a dask cluster (:class:`_Remote`) the folds are made
on the workers and the fold-models stay there between steps: this process
holds futures and gathers scores.
"""

import contextlib
import copy
import operator
import os
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn import get_config
from sklearn.base import clone, is_classifier
from sklearn.linear_model import Perceptron, SGDClassifier, SGDRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.ensemble import (
    BaggingClassifier,
    BaggingRegressor,
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.pipeline import Pipeline
from sklearn.utils.metadata_routing import process_routing
from sklearn.utils.parallel import delayed
from joblib import effective_n_jobs
from joblib.parallel import get_active_backend

from ._compat import _check_method_params, _num_samples, _safe_indexing, _score
from ._distributed import (
    _RESENDS,
    Sent,
    _is_future,
    dask_client,
    is_lost,
    retry_lost_data,
    with_config,
)
from ._engine import EARLIER_FAILURE, _task_contexts

__all__ = [
    "MUTABLE_PARAMETERS",
    "WARM_START_EPOCHS",
    "WARM_START_PARAMETERS",
    "Stepper",
    "mutable_parameters",
    "warm_start_parameter",
]

# joblib's own threshold (max_nbytes="1M") for sending an array by file
_SHARED_NBYTES = 2**20

#: Parameters whose increase under ``warm_start=True`` continues training
#: (the new stages are added to the fitted ones), by estimator class. Looked
#: up through the MRO, so subclasses are known too; for an estimator missing
#: here, a search's ``continue_training=True`` says the same.
WARM_START_PARAMETERS = {
    HistGradientBoostingClassifier: "max_iter",
    HistGradientBoostingRegressor: "max_iter",
    GradientBoostingClassifier: "n_estimators",
    GradientBoostingRegressor: "n_estimators",
    RandomForestClassifier: "n_estimators",
    RandomForestRegressor: "n_estimators",
    ExtraTreesClassifier: "n_estimators",
    ExtraTreesRegressor: "n_estimators",
    BaggingClassifier: "n_estimators",
    BaggingRegressor: "n_estimators",
}

#: Parameters that, under ``warm_start=True``, train that many *more*
#: iterations from where the model stopped (not a cumulative total).
WARM_START_EPOCHS = {
    MLPClassifier: "max_iter",
    MLPRegressor: "max_iter",
}

# A multi-layer perceptron's partial_fit keeps the optimizer of its first call
# (learning_rate_init, momentum are frozen there); a warm-start fit makes a
# new one from the current values.
_MLP_PARTIAL = {"alpha", "batch_size"}
_MLP_WARM = {"alpha", "batch_size", "learning_rate_init", "momentum"}

#: Parameters that are safe to change between training steps, by estimator
#: class and way of training: the new value takes effect in later steps and
#: leaves what earlier steps trained as it was. Looked up through the MRO.
#: Each entry is backed by a test in tests/test_incremental.py. Not listed,
#: on purpose: GradientBoosting's learning_rate (applied to every stage at
#: predict time, so a change rescales the trees already fitted).
_TREE_GROWTH = {"max_depth", "min_samples_split", "min_samples_leaf", "max_features"}
# histogram gradient boosting bakes learning_rate into each new tree's leaves
_HGB = {
    "learning_rate", "l2_regularization", "max_leaf_nodes", "max_depth",
    "min_samples_leaf", "max_features",
}
MUTABLE_PARAMETERS = {
    (SGDClassifier, "partial_fit"): {"alpha", "l1_ratio", "eta0", "power_t"},
    (SGDRegressor, "partial_fit"): {"alpha", "l1_ratio", "eta0", "power_t", "epsilon"},
    (Perceptron, "partial_fit"): {"alpha", "l1_ratio", "eta0"},
    (HistGradientBoostingClassifier, "warm_start"): _HGB,
    (HistGradientBoostingRegressor, "warm_start"): _HGB,
    (GradientBoostingClassifier, "warm_start"): _TREE_GROWTH | {"max_leaf_nodes"},
    (GradientBoostingRegressor, "warm_start"): _TREE_GROWTH | {"max_leaf_nodes"},
    (RandomForestClassifier, "warm_start"): _TREE_GROWTH | {"max_leaf_nodes"},
    (RandomForestRegressor, "warm_start"): _TREE_GROWTH | {"max_leaf_nodes"},
    (ExtraTreesClassifier, "warm_start"): _TREE_GROWTH | {"max_leaf_nodes"},
    (ExtraTreesRegressor, "warm_start"): _TREE_GROWTH | {"max_leaf_nodes"},
    (MLPClassifier, "partial_fit"): _MLP_PARTIAL,
    (MLPRegressor, "partial_fit"): _MLP_PARTIAL,
    (MLPClassifier, "warm_start_epochs"): _MLP_WARM,
    (MLPRegressor, "warm_start_epochs"): _MLP_WARM,
}


def _lookup(registry, estimator):
    for cls in type(estimator).__mro__:
        if cls in registry:
            return registry[cls]
    return None


def mutable_parameters(estimator, mode):
    """The parameters of ``estimator`` safe to change between ``mode`` steps.

    Looked up through the MRO, so subclasses of scikit-learn's estimators are
    known; an empty set for an estimator the registry does not know.
    """
    for cls in type(estimator).__mro__:
        if (cls, mode) in MUTABLE_PARAMETERS:
            return set(MUTABLE_PARAMETERS[cls, mode])
    return set()


def warm_start_parameter(estimator):
    """The parameter that continues ``estimator`` under warm start, or None
    (its cumulative total, or the iterations of one more fit)."""
    return _lookup(WARM_START_PARAMETERS, estimator) or _lookup(
        WARM_START_EPOCHS, estimator
    )


def _warm_start_mode(estimator, name):
    """How raising ``name`` continues ``estimator`` under warm start, or None."""
    if _lookup(WARM_START_PARAMETERS, estimator) == name:
        return "warm_start"
    if _lookup(WARM_START_EPOCHS, estimator) == name:
        return "warm_start_epochs"
    return None


def _last_step(estimator):
    return estimator.steps[-1] if isinstance(estimator, Pipeline) else (None, estimator)


def _owner(estimator, resource):
    """``(owner, name)``: the estimator whose parameter ``resource`` names.

    ``"estimator__n_estimators"`` of a bagging ensemble belongs to the bagged
    estimator, not to the ensemble; ``"clf__max_iter"`` to a Pipeline's step.
    """
    prefix, _, name = resource.rpartition("__")
    owner = estimator.get_params().get(prefix) if prefix else estimator
    return (owner if hasattr(owner, "get_params") else None), name


class Stepper:
    """How a model is trained by more steps.

    Parameters
    ----------
    mode : {"partial_fit", "warm_start", "warm_start_epochs"}
        Continue by ``partial_fit`` calls, by raising a cumulative iteration
        parameter under ``warm_start=True`` (``n_estimators``), or by one
        more warm-start fit of the missing iterations (a multi-layer
        perceptron's ``max_iter``).
    parameter : str, default=None
        The iteration parameter of ``"warm_start"``, a name of the trained
        model (the last step of a Pipeline).
    classes : ndarray, default=None
        All class labels, passed to a classifier's first ``partial_fit``
        unless the user passes ``classes`` as a fit parameter.
    """

    def __init__(self, mode, parameter=None, classes=None):
        self.mode = mode
        self.parameter = parameter
        self.classes = classes

    @classmethod
    def for_resource(cls, estimator, resource, y, continue_training="auto"):
        """The stepper for ``resource``, or None to train from scratch.

        Parameters
        ----------
        estimator : estimator or Pipeline
            The search's estimator; a Pipeline trains its last step.
        resource : str
            ``"partial_fit"`` or the name of an iteration parameter.
        y : array-like or None
            The target, for a classifier's ``classes``.
        continue_training : "auto" or bool, default="auto"
            ``"auto"`` continues when the warm-start registry knows the
            parameter; True continues by ``warm_start`` on any parameter of
            the trained model (an error if it has no ``warm_start``); False
            trains from scratch.
        """
        _, last = _last_step(estimator)
        if resource == "partial_fit":
            classes = np.unique(y) if is_classifier(last) and y is not None else None
            return cls("partial_fit", classes=classes)
        if continue_training is False:
            return None
        owner, name = _owner(estimator, resource)
        trained = owner is last
        mode = _warm_start_mode(owner, name) if trained else None
        if continue_training == "auto":
            return None if mode is None else cls(mode, parameter=name)
        if not trained or "warm_start" not in owner.get_params(deep=False):
            what = type(owner).__name__ if owner is not None else "no estimator"
            raise ValueError(
                f"continue_training=True continues {resource!r} by warm_start on "
                f"the estimator that is trained ({type(last).__name__}); "
                f"{resource!r} belongs to {what}"
                + ("" if trained else ", which is not the trained estimator")
                + (", which has no warm_start parameter" if trained else "")
                + ". Use continue_training='auto' or False to retrain every rung."
            )
        return cls(mode or "warm_start", parameter=name)

    def train(self, model, X, y, done, target, fit_params):
        """Train ``model``, which has ``done`` steps, up to ``target`` steps."""
        if self.mode == "partial_fit":
            give_classes = self.classes is not None and "classes" not in fit_params
            for step in range(done, target):
                extra = {"classes": self.classes} if step == 0 and give_classes else {}
                model.partial_fit(X, y, **extra, **fit_params)
        elif self.mode == "warm_start":
            # warm_start only for this call: the caller's estimator (the
            # refitted best_estimator_ among them) keeps its own setting.
            warm_start = model.get_params()["warm_start"]
            model.set_params(**{self.parameter: target, "warm_start": True})
            model.fit(X, y, **fit_params)
            model.set_params(warm_start=warm_start)
        elif target > done:  # "warm_start_epochs": one fit of the missing steps
            before = model.get_params()
            model.set_params(**{self.parameter: target - done, "warm_start": True})
            with warnings.catch_warnings():
                # reaching max_iter is what a step is for
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X, y, **fit_params)
            model.set_params(**{
                self.parameter: before[self.parameter], "warm_start": before["warm_start"]
            })
        return model


def _split_by_step(params, step):
    """``(params of step, without its prefix; the others)`` for a Pipeline step."""
    if step is None:
        return dict(params), {}
    prefix = step + "__"
    own = {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}
    return own, {k: v for k, v in params.items() if not k.startswith(prefix)}


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
class _Task:
    """Continue one member's model on one fold, from ``done`` to ``target`` steps."""

    member: object
    k: int
    model: object
    params: dict
    done: int
    target: int
    stepper: object


def _advance_and_score(
    model, fold, params, done, target, stepper, scorer, return_train_score, error_score,
    callback_ctx=None, caller=None, verbose=0, progress=None,
):
    """Continue one (member, fold) model to ``target`` steps and score it.

    ``params`` (the trained model's own names) are set on the model first:
    a member's hyperparameters may change between steps.

    Returns the model (None after a failure) and a result dict shaped like
    ``_fit_and_score``'s, which ``BaseSearchCV._format_results`` reads.
    ``callback_ctx`` (scikit-learn >= 1.9) sees it as one fit task, as
    ``_fit_and_score`` shows a fit and its scoring. With ``verbose > 1`` it
    prints ``_fit_and_score``'s end-of-fit line, ``progress`` being the
    fold's ``(index, n_folds)``.
    """
    out = {"n_test_samples": _num_samples(fold.X_test)}
    if hasattr(stepper, "trajectory"):
        # every result has the key (scikit-learn's _format_results reads the
        # first result's keys in all): none is recorded for a failed fit
        out["trajectory"] = []
    metadata = fold.fit_params.get("sample_weight")
    metadata = None if metadata is None else {"sample_weight": metadata}
    if callback_ctx is not None:
        callback_ctx.call_on_fit_task_begin(
            estimator=caller, X=fold.X_train, y=fold.y_train, metadata=metadata
        )
    start = time.time()
    try:
        if fold.error is not None:
            out["fit_error"], model = fold.error, None
        elif model is None:
            out["fit_error"] = EARLIER_FAILURE
        else:
            propagate = contextlib.nullcontext()
            if callback_ctx is not None:
                propagate = callback_ctx.propagate_callback_context(model)
            with propagate:
                model.set_params(**params)
                model = stepper.train(
                    model, fold.X_train, fold.y_train, done, target, fold.fit_params
                )
            out["fit_error"] = None
            if hasattr(stepper, "trajectory"):  # what a policy set at each step
                out["trajectory"] = stepper.trajectory(model)
    except Exception:
        if error_score == "raise":
            raise
        out["fit_error"] = traceback.format_exc()
        model = None
    out["fit_time"] = time.time() - start
    try:
        start = time.time()
        if model is None:
            out["test_scores"] = _error_scores(scorer, error_score)
            if return_train_score:
                out["train_scores"] = _error_scores(scorer, error_score)
        else:
            out["test_scores"] = _score(
                model, fold.X_test, fold.y_test, scorer, fold.test_score_params,
                error_score,
            )
            if return_train_score:
                out["train_scores"] = _score(
                    model, fold.X_train, fold.y_train, scorer, fold.train_score_params,
                    error_score,
                )
        out["score_time"] = time.time() - start
    finally:
        if callback_ctx is not None:
            callback_ctx.call_on_fit_task_end(
                estimator=caller, X=fold.X_train, y=fold.y_train, metadata=metadata
            )
    if verbose > 1:
        k, n_folds = progress
        shown = ", ".join(f"{key}={params[key]}" for key in sorted(params))
        score = out["test_scores"]
        if isinstance(score, dict):
            score = ", ".join(f"{name}={value:.3f}" for name, value in sorted(score.items()))
        else:
            score = f"score={score:.3f}"
        print(
            f"[CV {k + 1}/{n_folds}] END {shown}; steps {done}->{target}; {score} "
            f"total time={out['fit_time'] + out['score_time']:.1f}s"
        )
    return model, out


def _error_scores(scorer, error_score):
    names = getattr(scorer, "_scorers", None)
    if isinstance(names, dict):
        return {name: error_score for name in names}
    return error_score


def _continue_on_worker(model, fold, *args, **kwargs):
    """:func:`_advance_and_score` on a dask worker, which keeps ``model`` for
    the other tasks that read it (a member PBT copied, a rerun after a lost
    worker): the step trains a copy."""
    return _advance_and_score(
        None if model is None else copy.deepcopy(model), fold, *args, **kwargs
    )


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


def _fold_made(fold):
    return None


def _retrain(model, fold, steps):
    """``model`` trained from scratch on ``fold`` by ``steps``, ``[(own
    params, steps done, target, stepper)]``, as the batches trained it; None
    where they failed."""
    if fold.error is not None:
        return None
    try:
        for params, done, target, stepper in steps:
            model.set_params(**params)
            model = stepper.train(model, fold.X_train, fold.y_train, done, target,
                                  fold.fit_params)
    except Exception:
        return None
    return model


class _Remote:
    """Continued training on a dask cluster, whose workers hold the data.

    X, y and the fit and score parameters are scattered to every worker once;
    the folds are made there by tasks, and each step is a task that reads a
    member's fold-model where the previous step left it and leaves its own
    there: the parent holds futures, and gathers only the scores (and the
    fold-models themselves when a checkpoint is written). A worker that dies
    takes data and fold-models with it; :meth:`run` makes them again (the
    fold-models from the steps that made them: the same models for a seeded
    estimator).
    """

    def __init__(self, client):
        self.client = client

    @classmethod
    def for_jobs(cls, n_jobs):
        """A :class:`_Remote` when joblib's dask backend is active (and
        ``n_jobs``, the search's, is not 1, which runs everything here), else None."""
        client = dask_client()
        return None if client is None or n_jobs == 1 else cls(client)

    def make_folds(self, estimator, X, y, splits, routed, error_score):
        """Futures of every split's :class:`_Fold`, made on the workers (the
        list this object keeps up to date should a worker die)."""
        self.making = (estimator, splits, error_score)
        # held for the whole fit: the folds are made (and made again) from them
        self.data = Sent(X, y, routed.estimator.fit, routed.scorer.score)
        self.folds = [self._make_fold(k) for k in range(len(splits))]
        # made before the first step, so that error_score="raise" raises a
        # failing Pipeline head here, as without dask
        self.client.gather([self.client.submit(_fold_made, f) for f in self.folds])
        return self.folds

    def _make_fold(self, k):
        estimator, splits, error_score = self.making
        X, y, fit_params, score_params = self.data.values
        train, test = splits[k]
        return self.client.submit(
            with_config(_make_fold), estimator, X, y, train, test, fit_params,
            score_params, error_score, pure=False,
        )

    def run(self, calls, schedule):
        """``[(model future, result)]`` of the steps ``calls``, each
        ``(model, fold index, *args, kwargs)`` of :func:`_advance_and_score`.

        Should a worker die with data the batch needs, what it lost is made
        again and the batch runs again: the data is scattered again from
        this process (dask's memory manager keeps a single copy of it), the
        folds made again, and fold-models (for which dask keeps no recipe
        once their step is done) trained again from ``schedule(i)`` of call
        ``i``: ``(unfitted model, [(own params, steps done, target,
        stepper)])``, the steps that made it.
        """
        calls = [calls]  # as _recover leaves them

        def recover(attempt):
            # the client hears of lost keys a moment after the error; the
            # last retry makes everything again, whatever it heard
            time.sleep(0.1 * 2**attempt)
            calls[0] = self._recover(calls[0], schedule, everything=attempt == _RESENDS - 1)

        return retry_lost_data(lambda: self._run(calls[0]), recover)

    def _recover(self, calls, schedule, everything):
        """``calls``, with what the cluster lost made again."""
        resend = everything or self.data.lost()
        if resend:
            self.data.resend()
        for k, fold in enumerate(self.folds):
            if resend or is_lost(fold):
                self.folds[k] = self._make_fold(k)
        out = []
        for i, (model, k, *rest) in enumerate(calls):
            if is_lost(model) or (everything and _is_future(model)):
                fresh, steps = schedule(i)
                model = self.client.submit(
                    with_config(_retrain), fresh, self.folds[k], steps, pure=False
                )
            out.append((model, k, *rest))
        return out

    def _run(self, calls):
        submit, step = self.client.submit, with_config(_continue_on_worker)
        done = [
            submit(step, model, self.folds[k], *args, pure=False, **kwargs)
            for model, k, *args, kwargs in calls
        ]
        models = [submit(operator.getitem, d, 0) for d in done]
        outs = self.client.gather([submit(operator.getitem, d, 1) for d in done])
        return list(zip(models, outs))

    def fetch(self, models):
        """``models`` (member -> fold-model futures), fetched from the workers."""
        members = list(models)
        fetched = self.client.gather([list(models[m]) for m in members])
        return dict(zip(members, fetched))


class _Trainer:
    """The continued-training evaluator: fold data and members' fold-models."""

    def __init__(self, search, X, y, splits, scorer, routed, stepper, parallel):
        self.search = search
        self.scorer = scorer
        self.stepper = stepper
        self.parallel = parallel
        self.last_name, last = _last_step(search.estimator)
        self.base = clone(last)
        # On a dask cluster the data goes to every worker once and the folds
        # are made there: the parent holds neither them nor the fold-models,
        # only futures (see _Remote).
        self.remote = _Remote.for_jobs(parallel.n_jobs)
        # with loky, the folds' arrays go to files as they are made
        self.shared = _SharedFolds(
            self.remote is None and _SharedFolds.wanted(parallel.n_jobs)
        )
        if self.remote is not None:
            self.folds = self.remote.make_folds(
                search.estimator, X, y, splits, routed, search.error_score
            )
        else:
            self.folds = [
                self.shared.share(k, _make_fold(
                    search.estimator, X, y, train, test, routed.estimator.fit,
                    routed.scorer.score, search.error_score,
                ))
                for k, (train, test) in enumerate(splits)
            ]
        self.models = {}  # member -> list of fold-models (None after a failure)
        self.steps = {}  # member -> steps trained
        # member -> [(step, params)]: the hyperparameters in force from each step
        self.history = {}
        self.row_histories = []  # each evaluated row's member history, as then
        # member -> [(own params, steps done, target, stepper)] of every batch
        # that trained it: how to train its fold-models again from scratch
        self.trained = {}

    def n_tasks(self, batch):
        return len(batch.candidates) * len(self.folds)

    def close(self):
        """The search is over: the files of the folds shared with loky go."""
        self.shared.close()

    def evaluate(self, batch, batch_ctx=None):
        """Train each member to its target steps on every fold and score it.

        Returns the results candidate by candidate, fold by fold.
        """
        tasks = []
        for member, own, done, target, stepper in self._begin(batch):
            models = self.models.get(member)
            if models is None:
                fresh = clone(self.base).set_params(**own)
                models = [clone(fresh) for _ in self.folds]
            tasks.extend(
                _Task(member, k, models[k], own, done, target, stepper)
                for k in range(len(self.folds))
            )
        search = self.search
        contexts = _task_contexts(batch_ctx, len(tasks))
        calls = [
            (task.model, task.k, task.params, task.done, task.target, task.stepper,
             self.scorer, search.return_train_score, search.error_score,
             dict(callback_ctx=ctx, caller=search if ctx is not None else None,
                  verbose=search.verbose, progress=(task.k, len(self.folds))))
            for task, ctx in zip(tasks, contexts)
        ]
        if self.remote is not None:
            results = self.remote.run(calls, lambda i: (
                clone(self.base), self.trained[tasks[i].member][:-1]
            ))
        else:
            results = self.parallel(
                delayed(_advance_and_score)(model, self.folds[k], *args, **kwargs)
                for model, k, *args, kwargs in calls
            )
        outs = []
        for task, (model, out) in zip(tasks, results):
            self.models.setdefault(task.member, [None] * len(self.folds))[task.k] = model
            outs.append(out)
        self._end(batch)
        return outs

    def _begin(self, batch):
        """A batch's bookkeeping before training: the copies, each member's
        history; ``(member, own params, steps done, target, stepper)`` each."""
        for member, source in (batch.copies or {}).items():
            self.copy_member(source, member)
        steppers = batch.steppers or [self.stepper] * len(batch.candidates)
        out = []
        for params, member, target, stepper in zip(
            batch.candidates, batch.members, batch.targets, steppers
        ):
            done = self.steps.get(member, 0)
            history = self.history.setdefault(member, [])
            if not history or history[-1][1] != params:
                history.append((done, dict(params)))
            self.row_histories.append(list(history))
            own = _split_by_step(params, self.last_name)[0]
            self.trained.setdefault(member, []).append((own, done, target, stepper))
            out.append((member, own, done, target, stepper))
        return out

    def _end(self, batch):
        for member, target in zip(batch.members, batch.targets):
            self.steps[member] = target

    def replay(self, batch):
        """A batch read from a checkpoint: its bookkeeping, without training
        (the fold-models come back with :meth:`restore`)."""
        self._begin(batch)
        self._end(batch)

    def checkpoint_example(self):
        """An unfitted fold-model: a checkpoint checks before the first fit
        that it can store such models."""
        return clone(self.base)

    def checkpoint_state(self):
        """What a checkpoint keeps besides the batches' results: the fold-models
        (fetched from the workers of a dask cluster)."""
        if self.remote is not None:
            return self.remote.fetch(self.models)
        return self.models

    def restore(self, journal):
        """The fold-models the checkpoint ``journal`` kept, when the search
        resumes past it (those of members freed since are freed after the
        next batch)."""
        self.models = journal.load_models()

    def keep(self, members):
        """Free the fold-models of members not in ``members``."""
        for member in list(self.models):
            if member not in members:
                del self.models[member]
                self.trained.pop(member, None)

    def copy_member(self, source, member):
        """Give ``member`` a deep copy of ``source``'s fold-models, steps and
        history (PBT's exploit); the copy trains independently of its source."""
        if source in self.models:  # not while a checkpoint is replayed
            # a dask worker's step copies the model it continues (_Remote.run)
            self.models[member] = (
                list(self.models[source]) if self.remote is not None
                else copy.deepcopy(self.models[source])
            )
        self.steps[member] = self.steps[source]
        self.history[member] = list(self.history[source])
        self.trained[member] = list(self.trained[source])

    def refit(self, estimator, X, y, fit_params):
        """Train the best configuration from scratch on all data: replay the
        search's schedule of (step, params) up to its final number of steps."""
        _, X, last_params = _fit_head(estimator, X, y, fit_params)
        _, last = _last_step(estimator)
        replay(self.search._refit_stepper(self.stepper), last, X, y,
               self.search._refit_schedule(), self.search._refit_steps(), last_params,
               self.last_name)


def replay(stepper, model, X, y, schedule, n_steps, fit_params, step_name=None):
    """Train ``model`` from scratch by ``schedule``, ``[(step, params), ...]``:
    each entry's params (of the whole estimator; ``step_name`` the Pipeline
    step trained) are set at its step, and training ends at ``n_steps``."""
    bounds = [step for step, _ in schedule[1:]] + [n_steps]
    done = 0
    for (start, params), end in zip(schedule, bounds):
        model.set_params(**_split_by_step(params, step_name)[0])
        if end > done:
            stepper.train(model, X, y, done, end, fit_params)
            done = end
    return model
