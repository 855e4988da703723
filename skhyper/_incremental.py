"""The shared engine of searches that keep models training between steps.

``BaseSearchCV``'s ``evaluate_candidates`` clones and fits from scratch, so it
cannot continue a model. :class:`_IncrementalSearchCV` overrides ``fit`` once:
it keeps each member's K fold-models between steps, continues (or starts)
them by a number of training steps in parallel, scores them, appends rows to
``cv_results_`` and sets every attribute GridSearchCV sets. A search supplies
only its strategy through the same ``_start`` / ``_ask`` / ``_tell`` hooks as
the ask/tell searches, where ``_ask_members`` also names each candidate's
member and the total number of training steps it should have reached.

A training step is one ``partial_fit`` call (an epoch), or, for estimators
whose ``warm_start`` continues where they stopped, one unit of a cumulative
iteration parameter (``n_estimators`` of forests and gradient boosting,
``max_iter`` of histogram gradient boosting). For a Pipeline, the steps before
the last are fitted once per fold and only the last step trains.
"""

import contextlib
import copy
import time
import traceback
import warnings

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import check_cv
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state, indexable
from sklearn.utils.parallel import Parallel, delayed

from ._ask_tell import last_scores
from ._compat import _check_method_params, _safe_indexing, _score

__all__ = ["WARM_START_PARAMETERS", "Stepper", "_IncrementalSearchCV"]

#: Parameters whose increase under ``warm_start=True`` continues training
#: (the new stages are added to the fitted ones), by estimator class name.
WARM_START_PARAMETERS = {
    "HistGradientBoostingClassifier": "max_iter",
    "HistGradientBoostingRegressor": "max_iter",
    "GradientBoostingClassifier": "n_estimators",
    "GradientBoostingRegressor": "n_estimators",
    "RandomForestClassifier": "n_estimators",
    "RandomForestRegressor": "n_estimators",
    "ExtraTreesClassifier": "n_estimators",
    "ExtraTreesRegressor": "n_estimators",
    "BaggingClassifier": "n_estimators",
    "BaggingRegressor": "n_estimators",
}


def _last_step(estimator):
    return estimator.steps[-1] if isinstance(estimator, Pipeline) else (None, estimator)


class Stepper:
    """How a model is trained by more steps.

    Parameters
    ----------
    mode : {"partial_fit", "warm_start"}
    parameter : str, default=None
        The cumulative iteration parameter of ``"warm_start"``.
    classes : ndarray, default=None
        All class labels, passed to a classifier's first ``partial_fit``.
    """

    def __init__(self, mode, parameter=None, classes=None):
        self.mode = mode
        self.parameter = parameter
        self.classes = classes

    @classmethod
    def for_resource(cls, estimator, resource, y):
        """The stepper for ``resource``, or None if it cannot continue training."""
        _, last = _last_step(estimator)
        if resource == "partial_fit":
            classes = np.unique(y) if is_classifier(last) and y is not None else None
            return cls("partial_fit", classes=classes)
        name = resource.rsplit("__", 1)[-1]
        if WARM_START_PARAMETERS.get(type(last).__name__) == name:
            return cls("warm_start", parameter=name)
        return None

    def train(self, model, X, y, done, target, fit_params):
        """Train ``model``, which has ``done`` steps, up to ``target`` steps."""
        if self.mode == "partial_fit":
            for step in range(done, target):
                extra = {"classes": self.classes} if step == 0 and self.classes is not None else {}
                model.partial_fit(X, y, **extra, **fit_params)
        else:
            # warm_start only for this call: the caller's estimator (the
            # refitted best_estimator_ among them) keeps its own setting.
            warm_start = model.get_params()["warm_start"]
            model.set_params(**{self.parameter: target, "warm_start": True})
            model.fit(X, y, **fit_params)
            model.set_params(warm_start=warm_start)
        return model


def _split_by_step(params, step):
    """``(params of step, without its prefix; the others)`` for a Pipeline step."""
    if step is None:
        return dict(params), {}
    prefix = step + "__"
    own = {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}
    return own, {k: v for k, v in params.items() if not k.startswith(prefix)}


def _subset(X, indices):
    return None if X is None else _safe_indexing(X, indices)


def _advance_and_score(
    model, fold, params, done, target, stepper, scorer, return_train_score, error_score,
    callback_ctx=None, caller=None,
):
    """Continue one (member, fold) model to ``target`` steps and score it.

    Returns the model (None after a failure) and a result dict shaped like
    ``_fit_and_score``'s, which ``BaseSearchCV._format_results`` reads.
    ``callback_ctx`` (scikit-learn >= 1.9) sees it as one fit task, as
    ``_fit_and_score`` shows a fit and its scoring.
    """
    X_train, y_train, X_test, y_test, fit_params, (train_score_params, score_params) = fold
    out = {"n_test_samples": len(X_test) if y_test is None else len(y_test)}
    if callback_ctx is not None:
        metadata = fit_params.get("sample_weight")
        metadata = None if metadata is None else {"sample_weight": metadata}
        callback_ctx.call_on_fit_task_begin(
            estimator=caller, X=X_train, y=y_train, metadata=metadata
        )
    start = time.time()
    try:
        if model is None:
            raise RuntimeError("this member failed at an earlier step")
        propagate = contextlib.nullcontext()
        if callback_ctx is not None:
            propagate = callback_ctx.propagate_callback_context(model)
        with propagate:
            model = stepper.train(model, X_train, y_train, done, target, fit_params)
    except Exception:
        if error_score == "raise":
            raise
        out["fit_error"] = traceback.format_exc()
        out["fit_time"] = time.time() - start
        out["score_time"] = 0.0
        out["test_scores"] = _error_scores(scorer, error_score)
        if return_train_score:
            out["train_scores"] = _error_scores(scorer, error_score)
        model = None
    else:
        out["fit_error"] = None
        out["fit_time"] = time.time() - start
        start = time.time()
        out["test_scores"] = _score(model, X_test, y_test, scorer, score_params, error_score)
        if return_train_score:
            out["train_scores"] = _score(
                model, X_train, y_train, scorer, train_score_params, error_score
            )
        out["score_time"] = time.time() - start
    finally:
        if callback_ctx is not None:
            callback_ctx.call_on_fit_task_end(
                estimator=caller, X=X_train, y=y_train, metadata=metadata
            )
    return model, out


def _error_scores(scorer, error_score):
    names = getattr(scorer, "_scorers", None)
    if isinstance(names, dict):
        return {name: error_score for name in names}
    return error_score


class _Trainer:
    """Holds the fold data and the members' fold-models of one fit."""

    def __init__(self, search, X, y, splits, scorer, routed, stepper, parallel):
        self.search = search
        self.scorer = scorer
        self.stepper = stepper
        self.parallel = parallel
        score_params_all = routed.scorer.score
        fit_params = routed.estimator.fit
        estimator = search.estimator
        self.last_name, last = _last_step(estimator)
        self.base = clone(last)
        self.folds = []
        for train, test in splits:
            X_train, y_train = _subset(X, train), _subset(y, train)
            X_test, y_test = _subset(X, test), _subset(y, test)
            fold_params = _check_method_params(X, params=fit_params, indices=train)
            score_params = (
                _check_method_params(X, params=score_params_all, indices=train),
                _check_method_params(X, params=score_params_all, indices=test),
            )
            if self.last_name is not None:
                # Fit the steps before the last once per fold; train the last.
                fold_params, head_params = _split_by_step(fold_params, self.last_name)
                head = clone(estimator[:-1]).fit(X_train, y_train, **head_params)
                X_train, X_test = head.transform(X_train), head.transform(X_test)
            self.folds.append((X_train, y_train, X_test, y_test, fold_params, score_params))
        self.models = {}  # member -> list of fold-models (None after a failure)
        self.steps = {}  # member -> steps trained
        self.all_params, self.all_out = [], []
        self.all_more = {}

    def advance(self, candidates, more_results, members, targets, search_ctx=None):
        """Train each member to its target steps on every fold and score it.

        Returns ``cv_results_`` over every row so far, the new rows last.
        With scikit-learn >= 1.9 callbacks, the step is a ``batch`` task of
        ``search_ctx`` and every (member, fold) training a subtask.
        """
        search = self.search
        tasks = []
        for params, member, target in zip(candidates, members, targets):
            models = self.models.get(member)
            if models is None:
                own = _split_by_step(params, self.last_name)[0]
                fresh = clone(self.base).set_params(**own)
                models = [clone(fresh) for _ in self.folds]
            done = self.steps.get(member, 0)
            for k, fold in enumerate(self.folds):
                tasks.append((member, k, models[k], fold, params, done, target))
        if search.verbose > 0:  # BaseSearchCV's line for each batch
            n_folds = len(self.folds)
            print(
                f"Fitting {n_folds} folds for each of {len(candidates)} candidates, "
                f"totalling {n_folds * len(candidates)} fits"
            )
        batch_ctx, contexts = None, [None] * len(tasks)
        if search_ctx is not None:
            batch_ctx = search_ctx.subcontext(
                task_name="batch", max_subtasks=len(tasks), sequential_subtasks=False
            ).call_on_fit_task_begin(estimator=search)
            # Made here, not in the workers, as scikit-learn's own search does.
            contexts = [
                batch_ctx.subcontext(task_name="candidate-split-evaluation", task_id=i)
                for i in range(len(tasks))
            ]
        results = self.parallel(
            delayed(_advance_and_score)(
                model, fold, params, done, target, self.stepper, self.scorer,
                search.return_train_score, search.error_score,
                callback_ctx=ctx, caller=search if ctx is not None else None,
            )
            for (_, _, model, fold, params, done, target), ctx in zip(tasks, contexts)
        )
        if batch_ctx is not None:
            batch_ctx.call_on_fit_task_end(estimator=search)
        outs = []
        for (member, k, *_), (model, out) in zip(tasks, results):
            self.models.setdefault(member, [None] * len(self.folds))[k] = model
            outs.append(out)
        for member, target in zip(members, targets):
            self.steps[member] = target
        failed = sum(out["fit_error"] is not None for out in outs)
        if failed:
            warnings.warn(
                f"{failed} fits failed out of {len(outs)} in this step; their scores "
                f"are set to error_score={search.error_score!r}.",
                FitFailedWarning,
            )
        self.all_params.extend(candidates)
        self.all_out.extend(outs)
        for key, values in more_results.items():
            self.all_more.setdefault(key, []).extend(values)
        return search._format_results(
            self.all_params, len(self.folds), self.all_out, self.all_more
        )

    def drop(self, keep):
        """Free the fold-models of members not in ``keep``."""
        for member in list(self.models):
            if member not in keep:
                del self.models[member]

    def copy_member(self, source, member):
        """Give ``member`` a deep copy of ``source``'s fold-models (PBT's exploit)."""
        self.models[member] = copy.deepcopy(self.models[source])
        self.steps[member] = self.steps[source]


class _IncrementalSearchCV:
    """Mixin: the continued-training fit (Tier 2 in DESIGN.md).

    A subclass of BaseSearchCV that mixes this in provides ``_prepare``,
    ``_start(rng)``, ``_ask_members()`` returning ``(candidates,
    more_results, members, targets)`` or an empty list, ``_tell(candidates,
    scores)``, ``_live_members()`` (members whose models to keep) and
    ``_stepper(y)``; then calls ``self._fit_incremental(X, y, **params)``
    from its ``fit``.
    """

    def _fit_incremental(self, X, y=None, **params):
        self._metric = self._search_metric_name()
        self._prepare()
        scorers, refit_metric = self._get_scorers()
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed = self._get_routed_params_for_fit(params)
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, **routed.splitter.split))
        self.n_splits_ = len(splits)
        self._splits = splits
        stepper = self._stepper(y)
        rng = check_random_state(self.random_state)
        # scikit-learn >= 1.9 callbacks: the same task tree as BaseSearchCV.fit
        # (fit -> search -> batch -> candidate-split-evaluation, and refit).
        metadata = params.get("sample_weight")
        metadata = None if metadata is None else {"sample_weight": metadata}
        root_ctx = search_ctx = None
        if hasattr(self, "_init_callback_context"):
            root_ctx = self._init_callback_context(
                max_subtasks=1 + (self.refit is not False)
            ).call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
            search_ctx = root_ctx.subcontext(
                task_name="search", max_subtasks=None
            ).call_on_fit_task_begin(estimator=self)
        results = None
        with Parallel(n_jobs=self.n_jobs, pre_dispatch=self.pre_dispatch) as parallel:
            trainer = _Trainer(self, X, y, splits, scorers, routed, stepper, parallel)
            self._start(rng)
            while True:
                proposal = self._ask_members()
                if not proposal:
                    break
                candidates, more_results, members, targets = proposal
                results = trainer.advance(
                    candidates, more_results, members, targets, search_ctx
                )
                self._tell(candidates, last_scores(self, results, len(candidates)))
                trainer.drop(self._live_members())
        if search_ctx is not None:
            search_ctx.call_on_fit_task_end(estimator=self)
        self._splits = None
        if results is None:
            raise ValueError("the search evaluated nothing.")
        if all(out["fit_error"] is not None for out in trainer.all_out):
            raise ValueError(
                f"All the {len(trainer.all_out)} fits failed; set error_score='raise' "
                f"to see why."
            )
        first_scores = trainer.all_out[0]["test_scores"]
        self._set_search_attributes(
            results, first_scores, scorers, refit_metric, X, y, routed, stepper,
            (root_ctx, metadata),
        )
        if root_ctx is not None:
            root_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
        return self

    def _set_search_attributes(
        self, results, first_scores, scorers, refit_metric, X, y, routed, stepper,
        callbacks=(None, None),
    ):
        """What BaseSearchCV.fit sets after its search, the same way."""
        first = first_scores
        self.multimetric_ = isinstance(first, dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(first)
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = self._select_best_index(self.refit, refit_metric, results)
            if not callable(self.refit):
                self.best_score_ = results[f"mean_test_{refit_metric}"][self.best_index_]
            self.best_params_ = results["params"][self.best_index_]
        if self.refit:
            self.best_estimator_ = clone(self.estimator).set_params(
                **clone(self.best_params_, safe=False)
            )
            root_ctx, metadata = callbacks
            refit_ctx = propagate = None
            if root_ctx is not None:  # as BaseSearchCV.fit's refit task
                refit_ctx = root_ctx.subcontext(task_name="refit-with-best-params")
                propagate = refit_ctx.propagate_callback_context(self.best_estimator_)
            with propagate or contextlib.nullcontext():
                if refit_ctx is not None:
                    refit_ctx.call_on_fit_task_begin(
                        estimator=self, X=X, y=y, metadata=metadata
                    )
                start = time.time()
                self._refit_best(self.best_estimator_, X, y, routed.estimator.fit, stepper)
                self.refit_time_ = time.time() - start
            if refit_ctx is not None:
                refit_ctx.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
        self.scorer_ = getattr(scorers, "_scorers", scorers)
        self.cv_results_ = results

    def _refit_best(self, estimator, X, y, fit_params, stepper):
        """Train the best configuration from scratch on all data, to full steps."""
        target = self._refit_steps()
        last_name, last = _last_step(estimator)
        if last_name is not None:
            fit_params, head_params = _split_by_step(fit_params, last_name)
            X = estimator[:-1].fit(X, y, **head_params).transform(X)
        stepper.train(last, X, y, 0, target, fit_params)
