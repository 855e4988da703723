"""Continued training: the evaluator of searches that keep models between steps.

``BaseSearchCV``'s ``evaluate_candidates`` clones and fits from scratch, so it
cannot continue a model. :class:`_Trainer` is the engine's second evaluator
(see ``_engine.py``): it keeps a :class:`_Member` record per member (its K
fold-models, steps, history and how to train them again), continues (or
starts) the fold-models by a number of training steps in parallel
(``_training.Stepper``), and scores them, returning results shaped like
``_fit_and_score``'s.

Where things live: with ``n_jobs=1`` and with threads, in this process. With
loky, the workers keep nothing between tasks, so the fold-models go to a
worker and back at every step; the folds' large arrays are written to files
once and mapped (``_folds._SharedFolds``). On a dask cluster
(``_distributed._Remote``) the folds are made on the workers and the
fold-models stay there between steps: this process holds futures and
gathers scores.
"""

import contextlib
import copy
import time
import traceback
from dataclasses import dataclass, field

from sklearn.base import clone
from sklearn.utils.parallel import delayed

from . import _compat
from ._compat import _num_samples, _score
from ._batch import EARLIER_FAILURE
from ._distributed import StepCall, _Remote
from ._callbacks import _task_contexts
from ._folds import _fit_head, _make_fold, _SharedFolds
from ._training import Stretch, _last_step, _split_by_step, replay

__all__ = ["_Trainer"]


@dataclass
class _Task:
    """Continue one member's model on the ``k``-th fold by a :class:`Stretch`."""

    member: object
    k: int
    model: object
    stretch: Stretch


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
    names = _compat.scorers_of(scorer)
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


@dataclass
class _Member:
    """What the trainer keeps of one member between batches."""

    #: its fold-models, one per fold (None where a fit failed); None before
    #: its first batch and once the search freed it
    models: list = None
    #: the training steps it has reached
    steps: int = 0
    #: ``[(step, params)]``: the hyperparameters in force from each step
    history: list = field(default_factory=list)
    #: the :class:`Stretch` of every batch that trained it: how to train
    #: its fold-models again from scratch
    trained: list = field(default_factory=list)

    def copy(self, deep_models):
        """An independent copy (PBT's exploit); ``deep_models``: the
        fold-models deep-copied too, not only the list of them."""
        models = self.models
        if models is not None:
            models = copy.deepcopy(models) if deep_models else list(models)
        return _Member(models, self.steps, list(self.history), list(self.trained))


class _Trainer:
    """The continued-training evaluator: fold data and a :class:`_Member`
    record per member."""

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
        self.remote = _Remote.for_jobs(parallel.n_jobs, _continue_on_worker)
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
        self.members = {}  # member -> _Member
        self.row_histories = []  # each evaluated row's member history, as then

    @property
    def history(self):
        """member -> ``[(step, params)]``, the hyperparameters in force from
        each step (PBT's ``schedules_``)."""
        return {m: record.history for m, record in self.members.items()}

    def _member(self, member):
        if member not in self.members:
            self.members[member] = _Member()
        return self.members[member]

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
        for member, stretch in self._begin(batch):
            models = self.members[member].models
            if models is None:
                fresh = clone(self.base).set_params(**stretch.params)
                models = [clone(fresh) for _ in self.folds]
            tasks.extend(
                _Task(member, k, models[k], stretch) for k in range(len(self.folds))
            )
        search = self.search
        contexts = _task_contexts(batch_ctx, len(tasks))
        calls = [
            StepCall(task.model, task.k, (
                *task.stretch, self.scorer, search.return_train_score,
                search.error_score,
            ), dict(
                callback_ctx=ctx, caller=search if ctx is not None else None,
                verbose=search.verbose, progress=(task.k, len(self.folds)),
            ))
            for task, ctx in zip(tasks, contexts)
        ]
        if self.remote is not None:
            results = self.remote.run(calls, lambda i: (
                clone(self.base), self.members[tasks[i].member].trained[:-1]
            ))
        else:
            results = self.parallel(
                delayed(_advance_and_score)(c.model, self.folds[c.k], *c.args, **c.kwargs)
                for c in calls
            )
        outs = []
        for task, (model, out) in zip(tasks, results):
            record = self.members[task.member]
            if record.models is None:
                record.models = [None] * len(self.folds)
            record.models[task.k] = model
            outs.append(out)
        self._end(batch)
        return outs

    def _begin(self, batch):
        """A batch's bookkeeping before training: the copies, each member's
        history; ``(member, Stretch)`` of each candidate."""
        training = batch.training
        for member, source in (training.copies or {}).items():
            self.copy_member(source, member)
        steppers = training.steppers or [self.stepper] * len(batch.candidates)
        out = []
        for params, member, target, stepper in zip(
            batch.candidates, training.members, training.targets, steppers
        ):
            record = self._member(member)
            done = record.steps
            if not record.history or record.history[-1][1] != params:
                record.history.append((done, dict(params)))
            self.row_histories.append(list(record.history))
            own = _split_by_step(params, self.last_name)[0]
            stretch = Stretch(own, done, target, stepper)
            record.trained.append(stretch)
            out.append((member, stretch))
        return out

    def _end(self, batch):
        training = batch.training
        for member, target in zip(training.members, training.targets):
            self.members[member].steps = target

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
        """What a checkpoint keeps besides the batches' results: the live
        fold-models, ``{member: [fold-model, ...]}`` (fetched from the workers
        of a dask cluster)."""
        models = {
            m: record.models for m, record in self.members.items()
            if record.models is not None
        }
        if self.remote is not None:
            return self.remote.fetch(models)
        return models

    def restore(self, journal):
        """The fold-models the checkpoint ``journal`` kept, when the search
        resumes past it (those of members freed since are freed after the
        next batch)."""
        models = journal.load_models()
        for m, record in self.members.items():
            record.models = models.pop(m, None)
        for m, fold_models in models.items():
            self._member(m).models = fold_models

    def keep(self, members):
        """Free the fold-models of members not in ``members``."""
        for member, record in self.members.items():
            if member not in members and record.models is not None:
                record.models = None
                record.trained = []

    def copy_member(self, source, member):
        """Give ``member`` a copy of ``source``'s fold-models, steps and
        history (PBT's exploit); the copy trains independently of its source
        (a dask worker's step copies the model it continues: _Remote.run)."""
        record = self.members[source].copy(deep_models=self.remote is None)
        if record.models is None:  # not while a checkpoint is replayed
            record.models = self.members.get(member, _Member()).models
        self.members[member] = record

    def refit(self, estimator, X, y, fit_params):
        """Train the best configuration from scratch on all data: replay the
        search's schedule of (step, params) up to its final number of steps."""
        _, X, last_params = _fit_head(estimator, X, y, fit_params)
        _, last = _last_step(estimator)
        replay(self.search._refit_stepper(self.stepper), last, X, y,
               self.search._refit_schedule(), self.search._refit_steps(), last_params,
               self.last_name)
