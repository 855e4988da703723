"""Benchmark tasks for the hyperparameter-search benchmarks.

A task is an estimator, a search space, data, and a fixed cross-validation
splitter, so that every tool scores every candidate on identical folds.

Synthetic test functions are wrapped as :class:`FunctionEstimator`, a tiny
estimator whose ``score`` is minus the function at its hyperparameters
``x0, ..., x4``: a search over those hyperparameters (on dummy data, ``cv=2``)
minimizes the function through each tool's ordinary ``fit``.

The search space is written once, tool-neutrally, as :class:`Dim` objects;
the benchmark script translates it into each tool's own space objects.

References
----------
.. [1] S. Surjanovic and D. Bingham, "Virtual Library of Simulation
   Experiments: Test Functions and Datasets", https://www.sfu.ca/~ssurjano/.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import load_diabetes, load_digits
from sklearn.linear_model import Lasso, Ridge
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.svm import SVC

__all__ = [
    "Dim",
    "FunctionEstimator",
    "TASKS",
    "TEST_FUNCTIONS",
    "Task",
    "TestFunction",
    "grid_points",
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


@dataclass(frozen=True)
class Dim:
    """A tool-neutral search dimension: a real interval, maybe log-scaled."""

    name: str
    low: float
    high: float
    log: bool = False


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
}

_MAX_DIMS = max(f.n_dims for f in TEST_FUNCTIONS.values())


class FunctionEstimator(BaseEstimator):
    """Stand-in estimator whose score is minus a test function.

    Parameters
    ----------
    function : str, default="branin"
        Key of :data:`TEST_FUNCTIONS`. Only the first ``n_dims`` of the
        coordinates below are used.
    x0, x1, x2, x3, x4 : float, default=0.0
        The point at which the function is evaluated.
    """

    def __init__(self, function="branin", x0=0.0, x1=0.0, x2=0.0, x3=0.0, x4=0.0):
        self.function = function
        self.x0 = x0
        self.x1 = x1
        self.x2 = x2
        self.x3 = x3
        self.x4 = x4

    def fit(self, X, y=None):
        self.is_fitted_ = True
        return self

    def score(self, X, y=None):
        test_function = TEST_FUNCTIONS[self.function]
        coords = [self.x0, self.x1, self.x2, self.x3, self.x4]
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

    @property
    def is_synthetic(self):
        return self.test_function is not None

    def score(self, params, X, y):
        """Mean CV score of one configuration, as a search would report it."""
        estimator = clone(self.estimator).set_params(**params)
        return float(np.mean(cross_val_score(estimator, X, y, cv=self.cv)))


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


TASKS = {name: _synthetic_task(name) for name in TEST_FUNCTIONS}
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
