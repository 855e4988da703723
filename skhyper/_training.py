"""How an estimator trains step by step: one place for Hyperband, PBT and DAC.

A training step is one ``partial_fit`` call (an epoch), or, for estimators
whose ``warm_start`` continues where they stopped, one unit of a cumulative
iteration parameter (``n_estimators`` of forests and gradient boosting,
``max_iter`` of histogram gradient boosting), or one more warm-start fit of
the missing iterations (a multi-layer perceptron's ``max_iter``). For a
Pipeline only the last step trains (its head is fitted once per fold, see
``_folds.py``).

This module holds the registries (which parameter continues an estimator
under warm start; which parameters are safe to change between steps), both
read through the MRO by :func:`_lookup`; :class:`Stepper`, which trains a
model by more steps; :func:`replay`, which trains one from scratch by a
schedule; and the checks, before any fit, of how a search trains
(:func:`resolve_resource`, :func:`prepare_training` and the checks they share
with Hyperband), each with one message.
"""

import warnings
from numbers import Integral
from typing import NamedTuple

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron, SGDClassifier, SGDRegressor
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

__all__ = [
    "_last_step", "mutable_parameters", "MUTABLE_PARAMETERS", "prepare_training",
    "replay", "resolve_resource", "_split_by_step", "Stepper", "Stretch",
    "WARM_START_EPOCHS", "warm_start_parameter", "WARM_START_PARAMETERS",
]

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
#: Each entry is backed by a test in tests/test_training.py. Not listed,
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


def _lookup(registry, estimator, mode=None):
    """``registry``'s entry for the first class in ``estimator``'s MRO that
    it names (keyed ``(class, mode)`` when ``mode`` is given), or None."""
    for cls in type(estimator).__mro__:
        key = cls if mode is None else (cls, mode)
        if key in registry:
            return registry[key]
    return None


def mutable_parameters(estimator, mode):
    """The parameters of ``estimator`` safe to change between ``mode`` steps.

    Looked up through the MRO, so subclasses of scikit-learn's estimators are
    known; an empty set for an estimator the registry does not know.
    """
    return set(_lookup(MUTABLE_PARAMETERS, estimator, mode) or ())


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


class Stretch(NamedTuple):
    """One batch's training of a model: from ``done`` to ``target`` steps
    by ``stepper``, with ``params`` (the trained model's own names) set."""

    params: dict
    done: int
    target: int
    stepper: object


def _split_by_step(params, step):
    """``(params of step, without its prefix; the others)`` for a Pipeline step."""
    if step is None:
        return dict(params), {}
    prefix = step + "__"
    own = {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix)}
    return own, {k: v for k, v in params.items() if not k.startswith(prefix)}


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


# -- how a search trains, checked before any fit ---------------------------------------
def resolve_resource(search):
    """``search.resource``, with ``"auto"`` resolved for the estimator:
    ``"partial_fit"`` when its trained model has one, else its warm-start
    iteration parameter (prefixed with a Pipeline step's name)."""
    name, last = _last_step(search.estimator)
    if search.resource != "auto":
        return search.resource
    if hasattr(last, "partial_fit"):
        return "partial_fit"
    parameter = warm_start_parameter(last)
    if parameter is None:
        raise ValueError(
            f"{type(search).__name__} needs an estimator that continues training: "
            f"one with partial_fit, or a warm-start iteration parameter it knows "
            f"(such as HistGradientBoosting's max_iter); got {type(last).__name__}, "
            f"which has neither. Name its iteration parameter with resource='...' "
            f"if warm_start continues it."
        )
    return parameter if name is None else f"{name}__{parameter}"


def check_resource_exists(search, resource, keywords=("partial_fit",)):
    """``resource`` is ``"partial_fit"`` of an estimator that has it, one of
    the search's other ``keywords`` (Hyperband's ``"n_samples"``), or a
    parameter of the estimator."""
    _, last = _last_step(search.estimator)
    others = [repr(k) for k in keywords if k != "partial_fit"]
    use = " or ".join(others + ["one of its iteration parameters such as 'max_iter'"])
    if resource == "partial_fit":
        if not hasattr(last, "partial_fit"):
            raise ValueError(
                f"resource='partial_fit' needs an estimator with partial_fit; "
                f"got {type(last).__name__}, which has none. Use {use}."
            )
    elif resource not in keywords and resource not in search.estimator.get_params():
        raise ValueError(
            f"resource={resource!r} is neither {keywords[0]!r} "
            f"nor a parameter of {type(search.estimator).__name__}; use "
            f"{', '.join(map(repr, keywords))} or an iteration parameter such as "
            f"'max_iter'."
        )


def check_resource_not_searched(search, resource, searched):
    """A resource parameter is the search's to set, not the space's."""
    if resource != "partial_fit" and resource in searched:
        raise ValueError(
            f"resource={resource!r} is also in search_spaces: "
            f"{type(search).__name__} sets the resource itself; remove it from the space."
        )


def check_last_step_searched(search, resource, searched):
    """Continued training trains a Pipeline's last step and fits the steps
    before it once per fold: only the last step's parameters can be searched."""
    name, _ = _last_step(search.estimator)
    if name is None:
        return
    foreign = sorted(p for p in searched if not p.startswith(name + "__"))
    if foreign:
        raise ValueError(
            f"With resource={resource!r} {type(search).__name__} trains the "
            f"Pipeline's last step {name!r} and fits the steps before it once per "
            f"fold, so only {name!r}'s parameters can be searched; got {foreign}."
        )


def steps_from_estimator(search, resource, setting, meaning):
    """The number of training steps the estimator's own ``resource`` value
    gives, for the search's ``setting`` left at ``"auto"`` (``meaning``:
    what that number is, for the message of ``"partial_fit"``, which has no
    value)."""
    if resource == "partial_fit":
        raise ValueError(
            f"resource='partial_fit' needs {setting}, the number of partial_fit "
            f"epochs {meaning}; got 'auto'."
        )
    value = search.estimator.get_params()[resource]
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"{setting}='auto' takes the estimator's {resource}={value!r}, which "
            f"is not a positive integer: set {setting}."
        )
    return int(value)


def prepare_training(search, searched, changing):
    """Check, before any fit, how a search that changes hyperparameters during
    training trains: ``(resource, n_steps)``.

    ``searched`` are all the searched parameter names, ``changing`` those that
    change between steps (they must be safe to change: the registry, or the
    search's ``safe_to_change``). Used by PBTSearchCV and DACSearchCV.
    """
    cls = type(search).__name__
    resource = resolve_resource(search)
    name, last = _last_step(search.estimator)
    check_resource_exists(search, resource)
    try:  # a named parameter must continue training by warm start
        mode = Stepper.for_resource(search.estimator, resource, None, True).mode
    except ValueError:
        raise ValueError(
            f"resource={resource!r}: {cls} trains by 'partial_fit' or by a "
            f"warm-start iteration parameter of the trained estimator "
            f"({type(last).__name__}), which needs a warm_start parameter; "
            f"{resource!r} is not one."
        ) from None
    check_last_step_searched(search, resource, searched)
    check_resource_not_searched(search, resource, searched)
    prefix = "" if name is None else name + "__"
    if search.safe_to_change == "auto":
        safe = mutable_parameters(last, mode)
    else:
        wrong = [p for p in search.safe_to_change if not isinstance(p, str)]
        if wrong:
            raise TypeError(
                f"safe_to_change must be 'auto' or a list of parameter names; got "
                f"{search.safe_to_change!r}, with {wrong!r} not a string."
            )
        safe = set(search.safe_to_change)
    # an unknown name is reported as such, by the engine's check of the space
    params = search.estimator.get_params()
    unsafe = [p for p in changing if p[len(prefix):] not in safe and p in params]
    if unsafe:
        hint = ""
        parameter = warm_start_parameter(last)
        if mode == "partial_fit" and parameter is not None and search.safe_to_change == "auto":
            other = Stepper.for_resource(last, parameter, None).mode
            if {p[len(prefix):] for p in unsafe} <= mutable_parameters(last, other):
                hint = f" They can with warm-start training: resource={prefix + parameter!r}."
        raise ValueError(
            f"{cls} changes hyperparameters during training, and {unsafe} cannot "
            f"safely change while {type(last).__name__} trains by {mode}; the "
            f"parameters that can are {sorted(prefix + p for p in safe) or 'none known'}."
            f"{hint} If you know better, list them in safe_to_change."
        )
    if search.n_steps != "auto":
        return resource, search.n_steps
    return resource, steps_from_estimator(
        search, resource, "n_steps", "every member trains"
    )
