"""Benchmark tasks for the hyperparameter-search benchmarks.

A task is an estimator, a search space, data, and a fixed cross-validation
splitter, so that every tool scores every candidate on identical folds.

Synthetic test functions are wrapped as :class:`FunctionEstimator`, a tiny
estimator whose ``score`` is minus the function at its hyperparameters
``x0, ..., x9``: a search over those hyperparameters (on dummy data, ``cv=2``)
minimizes the function through each tool's ordinary ``fit``.

The search space is written once, tool-neutrally, as :class:`Dim` objects
(real, integer or categorical); the benchmark script translates it into each
tool's own space objects. Categories are plain strings, which every tool
accepts, so an estimator whose choices are objects (a scaler, say) takes
their names: see :class:`ScaledSVC`.

References
----------
.. [1] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
   Experiments: Test Functions and Datasets", https://www.sfu.ca/~ssurjano/.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import Lasso, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC

__all__ = [
    "Dim",
    "FunctionEstimator",
    "TASKS",
    "TEST_FUNCTIONS",
    "Task",
    "TestFunction",
    "ScaledSVC",
    "grid_points",
    "random_params",
    "random_points",
]


# ---------------------------------------------------------------------------
# Test functions. Each takes an array of shape (n, d) and returns shape (n,),
# so the reference (median random score) is one vectorized call.


def branin(x):
    """Branin-Hoo function on ``x0 in [-5, 10]``, ``x1 in [0, 15]`` [1]_."""
    x0, x1 = x[:, 0], x[:, 1]
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x1 - b * x0**2 + c * x0 - 6) ** 2 + 10 * (1 - t) * np.cos(x0) + 10


def six_hump_camel(x):
    """Six-hump camel function on ``[-3, 3] x [-2, 2]`` [1]_."""
    x0, x1 = x[:, 0], x[:, 1]
    return (4 - 2.1 * x0**2 + x0**4 / 3) * x0**2 + x0 * x1 + (-4 + 4 * x1**2) * x1**2


_HARTMANN3_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])
_HARTMANN3_A = np.array([[3.0, 10, 30], [0.1, 10, 35], [3.0, 10, 30], [0.1, 10, 35]])
_HARTMANN3_P = 1e-4 * np.array(
    [[3689, 1170, 2673], [4699, 4387, 7470], [1091, 8732, 5547], [381, 5743, 8828]]
)


def hartmann3(x):
    """Hartmann 3-D function on the unit cube [1]_."""
    # (n, 1, 3) - (4, 3) -> (n, 4, 3); sum over the 3 coordinates.
    inner = np.sum(_HARTMANN3_A * (x[:, None, :] - _HARTMANN3_P) ** 2, axis=2)
    return -np.sum(_HARTMANN3_ALPHA * np.exp(-inner), axis=1)


def ackley(x):
    """Ackley function in any dimension (a=20, b=0.2, c=2*pi) [1]_."""
    d = x.shape[1]
    sq = np.sqrt(np.sum(x**2, axis=1) / d)
    cos = np.sum(np.cos(2 * math.pi * x), axis=1) / d
    return -20 * np.exp(-0.2 * sq) - np.exp(cos) + 20 + math.e


_HARTMANN6_A = np.array(
    [
        [10, 3, 17, 3.5, 1.7, 8],
        [0.05, 10, 17, 0.1, 8, 14],
        [3, 3.5, 1.7, 10, 17, 8],
        [17, 8, 0.05, 10, 0.1, 14],
    ]
)
_HARTMANN6_P = 1e-4 * np.array(
    [
        [1312, 1696, 5569, 124, 8283, 5886],
        [2329, 4135, 8307, 3736, 1004, 9991],
        [2348, 1451, 3522, 2883, 3047, 6650],
        [4047, 8828, 8732, 5743, 1091, 381],
    ]
)


def hartmann6(x):
    """Hartmann 6-D function on the unit cube: six local minima [1]_."""
    inner = np.sum(_HARTMANN6_A * (x[:, None, :] - _HARTMANN6_P) ** 2, axis=2)
    return -np.sum(_HARTMANN3_ALPHA * np.exp(-inner), axis=1)


def levy(x):
    """Levy function in any dimension: many local minima, minimum 0 at 1 [1]_."""
    w = 1 + (x - 1) / 4
    head = np.sin(math.pi * w[:, 0]) ** 2
    body = np.sum(
        (w[:, :-1] - 1) ** 2 * (1 + 10 * np.sin(math.pi * w[:, :-1] + 1) ** 2), axis=1
    )
    tail = (w[:, -1] - 1) ** 2 * (1 + np.sin(2 * math.pi * w[:, -1]) ** 2)
    return head + body + tail


def styblinski_tang(x):
    """Styblinski-Tang function: 2^d local minima, one global [1]_."""
    return 0.5 * np.sum(x**4 - 16 * x**2 + 5 * x, axis=1)


def rosenbrock(x):
    """Rosenbrock function: a narrow curved valley, minimum 0 at 1 [1]_."""
    return np.sum(
        100 * (x[:, 1:] - x[:, :-1] ** 2) ** 2 + (x[:, :-1] - 1) ** 2, axis=1
    )


@dataclass(frozen=True)
class Dim:
    """A tool-neutral search dimension.

    ``kind`` is ``"real"`` (an interval, maybe log-scaled), ``"int"`` (the
    integers of ``[low, high]``, maybe log-scaled) or ``"cat"`` (the strings
    of ``choices``; ``low``, ``high`` and ``log`` unused).
    """

    name: str
    low: float = 0.0
    high: float = 1.0
    log: bool = False
    kind: str = "real"
    choices: tuple = ()


@dataclass(frozen=True)
class TestFunction:
    """A test function, its domain, and a point where it is minimal."""

    func: Callable
    bounds: tuple
    argmin: tuple

    @property
    def n_dims(self):
        return len(self.bounds)

    @property
    def minimum(self):
        return float(self.func(np.array([self.argmin]))[0])


TEST_FUNCTIONS = {
    "branin": TestFunction(branin, ((-5.0, 10.0), (0.0, 15.0)), (math.pi, 2.275)),
    "camel": TestFunction(
        six_hump_camel, ((-3.0, 3.0), (-2.0, 2.0)), (0.0898, -0.7126)
    ),
    "hartmann3": TestFunction(
        hartmann3, ((0.0, 1.0),) * 3, (0.114614, 0.555649, 0.852547)
    ),
    # Ackley on [-5, 10]^5, not the usual [-32.768, 32.768]^5: on the full box
    # 30 evaluations cannot resolve anything, and the asymmetric box keeps the
    # optimum off the centre, which a space-filling design would otherwise hit.
    "ackley5": TestFunction(ackley, ((-5.0, 10.0),) * 5, (0.0,) * 5),
    # Six to ten dimensions (issue 11): several local optima or a narrow valley.
    "hartmann6": TestFunction(
        hartmann6,
        ((0.0, 1.0),) * 6,
        (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573),
    ),
    "levy8": TestFunction(levy, ((-10.0, 10.0),) * 8, (1.0,) * 8),
    "styblinski-tang8": TestFunction(
        styblinski_tang, ((-5.0, 5.0),) * 8, (-2.903534,) * 8
    ),
    "rosenbrock6": TestFunction(rosenbrock, ((-2.048, 2.048),) * 6, (1.0,) * 6),
    "ackley10": TestFunction(ackley, ((-5.0, 10.0),) * 10, (0.0,) * 10),
}

_MAX_DIMS = max(f.n_dims for f in TEST_FUNCTIONS.values())


class FunctionEstimator(BaseEstimator):
    """Stand-in estimator whose score is minus a test function.

    Parameters
    ----------
    function : str, default="branin"
        Key of :data:`TEST_FUNCTIONS`. Only the first ``n_dims`` of the
        coordinates below are used.
    x0, ..., x9 : float, default=0.0
        The point at which the function is evaluated.
    """

    def __init__(
        self,
        function="branin",
        x0=0.0,
        x1=0.0,
        x2=0.0,
        x3=0.0,
        x4=0.0,
        x5=0.0,
        x6=0.0,
        x7=0.0,
        x8=0.0,
        x9=0.0,
    ):
        self.function = function
        self.x0, self.x1, self.x2, self.x3, self.x4 = x0, x1, x2, x3, x4
        self.x5, self.x6, self.x7, self.x8, self.x9 = x5, x6, x7, x8, x9

    def fit(self, X, y=None):
        self.is_fitted_ = True
        return self

    def score(self, X, y=None):
        test_function = TEST_FUNCTIONS[self.function]
        coords = [getattr(self, f"x{i}") for i in range(_MAX_DIMS)]
        x = np.array([coords[: test_function.n_dims]], dtype=float)
        return -float(test_function.func(x)[0])


# ---------------------------------------------------------------------------
# Tasks.


@dataclass(frozen=True)
class Task:
    """A search problem every tool solves identically.

    Attributes
    ----------
    name : str
    estimator : estimator
        Unfitted; tools clone it.
    space : tuple of Dim
    load_data : callable
        Returns ``(X, y)``.
    cv : cross-validation splitter
        Deterministic (no shuffling), so every tool sees the same folds.
    test_function : TestFunction or None
        For synthetic tasks, the function; ``None`` for real ML tasks.
    """

    name: str
    estimator: BaseEstimator
    space: tuple
    load_data: Callable
    cv: object
    test_function: Optional[TestFunction] = None
    scoring: Optional[str] = None

    @property
    def is_synthetic(self):
        return self.test_function is not None

    @property
    def is_real(self):
        """Whether every dimension is a real interval."""
        return all(d.kind == "real" for d in self.space)

    def score(self, params, X, y):
        """Mean CV score of one configuration, as a search would report it."""
        estimator = clone(self.estimator).set_params(**params)
        return float(
            np.mean(cross_val_score(estimator, X, y, cv=self.cv, scoring=self.scoring))
        )


def _dummy_data():
    return np.zeros((4, 1)), np.zeros(4)


def _synthetic_task(name):
    test_function = TEST_FUNCTIONS[name]
    space = tuple(
        Dim(f"x{i}", low, high) for i, (low, high) in enumerate(test_function.bounds)
    )
    return Task(
        name=name,
        estimator=FunctionEstimator(function=name),
        space=space,
        load_data=_dummy_data,
        cv=KFold(n_splits=2),
        test_function=test_function,
    )


def _load_digits():
    return load_digits(return_X_y=True)


def _load_diabetes():
    return load_diabetes(return_X_y=True)


def _load_breast_cancer():
    return load_breast_cancer(return_X_y=True)


class ScaledSVC(ClassifierMixin, BaseEstimator):
    """Scaler, PCA and SVC in one estimator whose parameters are all plain values.

    Every tool can search a string; not every tool can search an estimator
    object, so the scaler is chosen by name.

    Parameters
    ----------
    scaler : {"standard", "minmax", "none"}, default="standard"
    n_components : int, default=32
        PCA components kept (at most the number of features).
    C, gamma : float, default=1.0, "scale"
        Of :class:`~sklearn.svm.SVC`.
    kernel : {"rbf", "sigmoid"}, default="rbf"
    """

    _SCALERS = {"standard": StandardScaler, "minmax": MinMaxScaler}

    def __init__(self, scaler="standard", n_components=32, C=1.0, gamma="scale", kernel="rbf"):
        self.scaler = scaler
        self.n_components = n_components
        self.C = C
        self.gamma = gamma
        self.kernel = kernel

    def fit(self, X, y):
        scaler = self._SCALERS[self.scaler]() if self.scaler != "none" else "passthrough"
        n_components = min(int(self.n_components), X.shape[1])
        self.pipeline_ = make_pipeline(
            scaler,
            PCA(n_components, random_state=0),
            SVC(C=self.C, gamma=self.gamma, kernel=self.kernel),
        ).fit(X, y)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict(self, X):
        return self.pipeline_.predict(X)


TASKS = {name: _synthetic_task(name) for name in TEST_FUNCTIONS}
# Real estimators with five or more hyperparameters of mixed kinds (issue 11).
TASKS["hgb-breast-cancer"] = Task(
    name="hgb-breast-cancer",
    estimator=HistGradientBoostingClassifier(early_stopping=False, random_state=0),
    space=(
        Dim("learning_rate", 1e-2, 1.0, log=True),
        Dim("max_iter", 10, 200, log=True, kind="int"),
        Dim("max_leaf_nodes", 2, 64, log=True, kind="int"),
        Dim("min_samples_leaf", 1, 100, log=True, kind="int"),
        Dim("l2_regularization", 1e-4, 10.0, log=True),
        Dim("max_features", 0.1, 1.0),
    ),
    load_data=_load_breast_cancer,
    cv=StratifiedKFold(n_splits=3),
    scoring="neg_log_loss",
)
TASKS["svc-pipeline-digits"] = Task(
    name="svc-pipeline-digits",
    estimator=ScaledSVC(),
    space=(
        Dim("scaler", kind="cat", choices=("standard", "minmax", "none")),
        Dim("n_components", 2, 64, log=True, kind="int"),
        Dim("C", 1e-2, 1e3, log=True),
        Dim("gamma", 1e-5, 1.0, log=True),
        Dim("kernel", kind="cat", choices=("rbf", "sigmoid")),
    ),
    load_data=_load_digits,
    cv=StratifiedKFold(n_splits=3),
)
TASKS["svc-digits"] = Task(
    name="svc-digits",
    estimator=SVC(kernel="rbf"),
    space=(Dim("C", 1e-2, 1e3, log=True), Dim("gamma", 1e-5, 1e-1, log=True)),
    load_data=_load_digits,
    cv=StratifiedKFold(n_splits=3),
)
TASKS["ridge-diabetes"] = Task(
    name="ridge-diabetes",
    estimator=Ridge(),
    space=(Dim("alpha", 1e-4, 1e3, log=True),),
    load_data=_load_diabetes,
    cv=KFold(n_splits=5),
)
TASKS["lasso-diabetes"] = Task(
    name="lasso-diabetes",
    estimator=Lasso(),
    space=(Dim("alpha", 1e-4, 10.0, log=True),),
    load_data=_load_diabetes,
    cv=KFold(n_splits=5),
)


# ---------------------------------------------------------------------------
# Points drawn from a space's prior (uniform, or uniform in log space).


def _from_unit(space, u):
    """Map points of the unit cube, shape (n, d), into the space."""
    columns = []
    for dim, column in zip(space, u.T):
        if dim.log:
            low, high = math.log(dim.low), math.log(dim.high)
            columns.append(np.exp(low + column * (high - low)))
        else:
            columns.append(dim.low + column * (dim.high - dim.low))
    return np.stack(columns, axis=1)


def random_points(space, n, rng):
    """``n`` points drawn from the space's prior, shape (n, d)."""
    return _from_unit(space, rng.uniform(size=(n, len(space))))


def grid_points(space, n_per_dim):
    """A full grid, evenly spaced on each dimension's prior scale."""
    axes = [np.linspace(0.0, 1.0, n_per_dim)] * len(space)
    u = np.stack([a.ravel() for a in np.meshgrid(*axes, indexing="ij")], axis=1)
    return _from_unit(space, u)


def as_params(space, point):
    """One point (a row) as a ``{name: float}`` dict."""
    return {d.name: float(v) for d, v in zip(space, point)}


def random_params(space, n, rng):
    """``n`` parameter dicts drawn from a (mixed) space's prior.

    Integers are drawn uniformly (or log-uniformly) on ``[low - 0.5, high +
    0.5]`` and rounded, categories uniformly.
    """
    u = rng.uniform(size=(n, len(space)))
    out = [{} for _ in range(n)]
    for j, dim in enumerate(space):
        if dim.kind == "cat":
            idx = np.minimum((u[:, j] * len(dim.choices)).astype(int), len(dim.choices) - 1)
            values = [dim.choices[i] for i in idx]
        elif dim.kind == "int":
            # Each integer owns the unit interval around it.
            low = dim.low - 0.5
            widened = Dim(dim.name, max(low, 0.5) if dim.log else low, dim.high + 0.5, dim.log)
            v = _from_unit((widened,), u[:, j : j + 1])[:, 0]
            values = [int(np.clip(round(x), dim.low, dim.high)) for x in v]
        else:
            values = [float(x) for x in _from_unit((dim,), u[:, j : j + 1])[:, 0]]
        for row, value in zip(out, values):
            row[dim.name] = value
    return out
