"""Which estimators have a hypergradient, and how to compute it.

A hypergradient function takes an estimator already fitted by scikit-learn
on a training fold and returns the loss on a test fold together with its
gradient with respect to some hyperparameters. The gradient follows from the
optimality conditions of the training objective by the implicit function
theorem [1]_, restricted to the active set for the Lasso-type models [2]_:
no model is refitted, except that a Lasso-type fit solved more loosely than
the gradient needs is first solved further, warm-started, on a copy. The
training objectives are scikit-learn 1.9's, with its own scalings. The
functions are in :mod:`._regression` (squared error: Ridge, KernelRidge,
Lasso, ElasticNet) and :mod:`._logistic` (log-loss: LogisticRegression,
OneVsRestClassifier), each beside the check of its estimator's configuration.

:data:`HYPERGRADIENTS` maps estimator classes to a :class:`HyperSpec`, and is
searched along the MRO by :func:`hyperspec`, so that subclasses inherit
their parent's hypergradient and users may register their own estimators.

References
----------
.. [1] F. Pedregosa, "Hyperparameter optimization with approximate gradient",
   ICML 2016.
.. [2] Q. Bertrand, Q. Klopfenstein, M. Blondel, S. Vaiter, A. Gramfort,
   J. Salmon, "Implicit differentiation of Lasso-type models for
   hyperparameter optimization", ICML 2020.
"""

from dataclasses import dataclass
from typing import Callable

from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import (
    ElasticNet,
    Lasso,
    LogisticRegression,
    LogisticRegressionCV,
    MultiTaskElasticNet,
    MultiTaskLasso,
    Ridge,
)
from sklearn.multiclass import OneVsRestClassifier

from ._common import _check_names
from ._logistic import _check_logistic, logistic_hypergradient, one_vs_rest_hypergradient
from ._regression import (
    _check_elastic_net,
    _check_kernel_ridge,
    _check_lasso,
    _check_ridge,
    elastic_net_hypergradient,
    kernel_ridge_hypergradient,
    ridge_hypergradient,
)

__all__ = ["HYPERGRADIENTS", "HyperSpec", "hyperspec", "supported"]


@dataclass(frozen=True)
class HyperSpec:
    """How to differentiate one estimator's validation loss.

    Attributes
    ----------
    function : callable
        ``function(model, X_train, y_train, X_test, y_test, names)`` returns
        ``(loss, grad)``: the validation loss of the fitted ``model`` on the
        test fold, and a float array of shape ``(len(names),)`` holding its
        derivatives with respect to the hyperparameters ``names``, in that
        order and in the coordinates of ``scales``.
    scales : dict
        Each differentiable parameter's coordinate: ``"log"`` (the gradient
        is ``d loss / d log(param)``) or ``"linear"`` (``d loss / d param``).
    check : callable
        ``check(params, names)`` raises ValueError, naming the parameter at
        fault, when the estimator configured by ``params`` (its
        ``get_params(deep=False)``) cannot be differentiated in ``names``.
    loss : str
        The validation loss: ``"squared error"`` or ``"log-loss"``.
    """

    function: Callable
    scales: dict
    check: Callable
    loss: str


def _check_one_vs_rest(params, names):
    """Refuses any estimator but a LogisticRegression the search can
    differentiate (see :func:`_check_logistic`): one the registry maps to
    LogisticRegression's spec, which is why this check lives beside it."""
    _check_names(names, ("estimator__C",), "OneVsRestClassifier")
    inner = params.get("estimator")
    if hyperspec(inner) is not _LOGISTIC:
        raise ValueError(
            f"OneVsRestClassifier has a hypergradient only around a "
            f"LogisticRegression; got estimator={inner!r} (put other steps in a "
            f"Pipeline before the OneVsRestClassifier)."
        )
    inner_names = [name[len("estimator__"):] for name in names]
    _check_logistic(inner.get_params(deep=False), inner_names)


# -- the registry -------------------------------------------------------------------

_RIDGE = HyperSpec(ridge_hypergradient, {"alpha": "log"}, _check_ridge, "squared error")
_KERNEL_RIDGE = HyperSpec(
    kernel_ridge_hypergradient,
    {"alpha": "log", "gamma": "log"},
    _check_kernel_ridge,
    "squared error",
)
_LOGISTIC = HyperSpec(logistic_hypergradient, {"C": "log"}, _check_logistic, "log-loss")
_ONE_VS_REST = HyperSpec(
    one_vs_rest_hypergradient, {"estimator__C": "log"}, _check_one_vs_rest, "log-loss"
)
_LASSO = HyperSpec(
    elastic_net_hypergradient, {"alpha": "log"}, _check_lasso, "squared error"
)
_ELASTIC_NET = HyperSpec(
    elastic_net_hypergradient,
    {"alpha": "log", "l1_ratio": "linear"},
    _check_elastic_net,
    "squared error",
)

#: Estimator class -> HyperSpec, or None for a subclass that is a different
#: model (it stops the MRO lookup of :func:`hyperspec`). Users may add entries.
HYPERGRADIENTS = {
    Ridge: _RIDGE,
    KernelRidge: _KERNEL_RIDGE,
    LogisticRegression: _LOGISTIC,
    OneVsRestClassifier: _ONE_VS_REST,
    Lasso: _LASSO,
    ElasticNet: _ELASTIC_NET,
    # scikit-learn subclasses of the above with other objectives
    LogisticRegressionCV: None,
    MultiTaskElasticNet: None,
    MultiTaskLasso: None,
}

# Conditions on a parameter, for supported().
_CONDITIONS = {
    (KernelRidge, "gamma"): 'with kernel="rbf"',
    (OneVsRestClassifier, "estimator__C"): "of a LogisticRegression",
}


def hyperspec(estimator_or_class):
    """The HyperSpec of an estimator or estimator class, if it has one.

    Parameters
    ----------
    estimator_or_class : estimator object or class
        Looked up along its class's MRO in :data:`HYPERGRADIENTS`: the
        first class found decides.

    Returns
    -------
    spec : HyperSpec or None
        None if no class of the MRO is registered, or if the first one
        registered is registered as None (a different model).
    """
    cls = estimator_or_class
    if not isinstance(cls, type):
        cls = type(cls)
    for klass in cls.__mro__:
        if klass in HYPERGRADIENTS:
            return HYPERGRADIENTS[klass]
    return None


def supported():
    """The estimators that have a hypergradient, and their parameters.

    Returns
    -------
    text : str
        For error messages, e.g. ``'Ridge (alpha), KernelRidge (alpha, gamma
        with kernel="rbf"), ...'``.
    """
    entries = []
    for cls, spec in HYPERGRADIENTS.items():
        if spec is not None:
            params = [
                " ".join(filter(None, [name, _CONDITIONS.get((cls, name))]))
                for name in spec.scales
            ]
            entries.append(f"{cls.__name__} ({', '.join(params)})")
    return ", ".join(entries)
