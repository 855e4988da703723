"""One-dimensional search-space dimensions and their unit-cube encodings.

Every dimension maps its values into ``[0, 1]^k`` (``k = n_columns``), the
space in which the surrogate model works, and back. Sampling uniformly in that
cube and mapping back draws from the dimension's prior: log-uniform dimensions
are uniform in log space, logit-uniform ones (fractions) in log-odds space,
scipy.stats distributions are sampled through their
inverse CDF, categories through the arg-max of their one-hot block.

A dimension checks its own arguments lazily, in :meth:`Dimension.check`, so
that the search space that holds it can name the parameter in the error:
first by its ``_parameter_constraints`` (scikit-learn's validation), then
by the rules constraints cannot say (a finite bound that is not a bool,
``low < high``, a log-uniform range above 0, a logit-uniform one inside
``(0, 1)``).
"""

import numbers

import numpy as np
from scipy import special, stats

from .. import _compat

__all__ = ["Categorical", "_CDF_EPS", "Dimension", "Distribution", "Integer", "Real"]

_PRIORS = ("uniform", "log-uniform")
# A Real may also be logit-uniform: uniform in log-odds, for a fraction whose
# interesting values crowd against 0 or 1.
_REAL_PRIORS = (*_PRIORS, "logit-uniform")
# Keep inverse CDFs away from 0 and 1, where unbounded distributions map to
# +-inf and discrete ones to the point below their support.
_CDF_EPS = 1e-12


def _is_integer(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def equal_values(a, b):
    """Whether two parameter values are equal as a search space matches them:
    of the same type, or two real numbers (``np.float64(1)`` and ``1``), and
    ``==``; never for values whose ``==`` has no single truth (arrays)."""
    try:
        return (type(a) is type(b) or (_is_real(a) and _is_real(b))) and bool(a == b)
    except (TypeError, ValueError):  # e.g. arrays: ambiguous truth value
        return False


class Dimension:
    """Base class of a one-dimensional search space.

    Subclasses define how values map to ``n_columns`` unit-interval columns
    (:meth:`transform`) and back (:meth:`inverse_transform`).

    Examples
    --------
    >>> from skhyper import Categorical, Real
    >>> from skhyper.space import Dimension
    >>> C = Real(1e-2, 1e2, prior="log-uniform")
    >>> isinstance(C, Dimension), C.n_columns, C.transform([1.0])
    (True, 1, array([[0.5]]))
    >>> Categorical(["a", "b", "c"]).n_columns  # one-hot
    3
    """

    #: Number of columns this dimension takes in the unit-cube encoding.
    n_columns = 1
    #: Whether the dimension takes a countable set of values.
    is_discrete = False

    _parameter_constraints: dict = {"name": [str, None]}

    def __init__(self, *, name=None):
        self.name = name

    def check(self, name=None):
        """Raise if the dimension's arguments are invalid.

        Parameters
        ----------
        name : str, default=None
            The parameter name to use in error messages; defaults to the
            dimension's own ``name``.

        Returns
        -------
        self : Dimension
        """
        self._check_constraints(name)
        return self

    def _check_constraints(self, name):
        """Check the arguments against ``_parameter_constraints``, in
        scikit-learn's words, prefixed with where the dimension is."""
        params = {key: getattr(self, key) for key in self._parameter_constraints}
        try:
            _compat.validate_constraints(
                self._parameter_constraints, params, caller_name=type(self).__name__
            )
        except _compat.InvalidParameterError as exc:
            raise _compat.InvalidParameterError(f"{self._where(name)}: {exc}") from None

    def _where(self, name):
        name = self.name if name is None else name
        return f"search space parameter {name!r}" if name is not None else repr(self)

    @property
    def cardinality(self):
        """Number of distinct values (``inf`` for continuous dimensions)."""
        return np.inf

    def sample(self, n_samples, random_state=None):
        """Draw ``n_samples`` values from the dimension's prior.

        Parameters
        ----------
        n_samples : int
            Number of values to draw.
        random_state : int, RandomState instance or None, default=None
            Source of randomness.

        Returns
        -------
        values : list
        """
        from sklearn.utils import check_random_state

        self.check()
        rng = check_random_state(random_state)
        return self.inverse_transform(rng.uniform(size=(n_samples, self.n_columns)))

    def transform(self, values):
        """Map values to the unit cube: an array of shape (n, n_columns)."""
        raise NotImplementedError

    def inverse_transform(self, z):
        """Map unit-cube rows (n, n_columns) back to a list of values."""
        raise NotImplementedError

    # Whether snap only clips to [0, 1] (the search space then snaps such
    # dimensions' columns together).
    _snaps_by_clipping = False

    def snap(self, z):
        """Project unit-cube rows onto the encodings of actual values.

        Equivalent to ``transform(inverse_transform(z))``; continuous
        dimensions only clip.
        """
        return self.transform(self.inverse_transform(z))

    def contains(self, value):
        """Whether ``value`` is a value of this dimension."""
        raise NotImplementedError

    def values(self):
        """All values of a finite dimension, in order."""
        raise TypeError(f"{self!r} has infinitely many values.")

    def __eq__(self, other):
        return type(self) is type(other) and self._key() == other._key()

    def __hash__(self):
        return hash((type(self).__name__, repr(self._key())))

    def _key(self):
        raise NotImplementedError


class _Bounded(Dimension):
    """Shared checks of the numeric dimensions with a low, a high and a prior."""

    # low and high: a finite number, never a bool (what constraints cannot say),
    # in check()
    _parameter_constraints: dict = {
        "prior": [_compat.StrOptions(set(_PRIORS))], "name": [str, None],
    }
    _number_check = staticmethod(_is_real)
    _kind = "real number"

    def __init__(self, low, high, prior="uniform", *, name=None):
        super().__init__(name=name)
        self.low = low
        self.high = high
        self.prior = prior

    def check(self, name=None):
        super().check(name)
        where = self._where(name)
        cls = type(self).__name__
        for arg in ("low", "high"):
            value = getattr(self, arg)
            if not self._number_check(value) or not np.isfinite(value):
                raise TypeError(
                    f"{where}: {cls} needs {arg} to be a finite {self._kind}; "
                    f"got {value!r}."
                )
        if not self.low < self.high:
            raise ValueError(
                f"{where}: {cls} needs low < high; got low={self.low!r}, "
                f"high={self.high!r}. Use a one-element list for a constant."
            )
        if self.prior == "log-uniform" and self.low <= 0:
            raise ValueError(
                f"{where}: a log-uniform {cls} needs low > 0; got low={self.low!r}."
            )
        if self.prior == "logit-uniform" and not (0 < self.low and self.high < 1):
            raise ValueError(
                f"{where}: a logit-uniform {cls} needs 0 < low and high < 1; got "
                f"low={self.low!r}, high={self.high!r}."
            )
        return self

    def _key(self):
        return (self.low, self.high, self.prior, self.name)

    def __repr__(self):
        args = f"{self.low!r}, {self.high!r}"
        if self.prior != "uniform":
            args += f", prior={self.prior!r}"
        if self.name is not None:
            args += f", name={self.name!r}"
        return f"{type(self).__name__}({args})"


class Real(_Bounded):
    """A continuous dimension on ``[low, high]``.

    Parameters
    ----------
    low, high : float
        Bounds, ``low < high``; both are included.
    prior : {"uniform", "log-uniform", "logit-uniform"}, default="uniform"
        Distribution of random draws, and the scale on which the surrogate
        model sees the dimension. ``"log-uniform"`` needs ``low > 0``.
        ``"logit-uniform"``, uniform in the log-odds ``log(x / (1 - x))``,
        is for fractions whose interesting values crowd against 0 or 1 (a
        tree's ``min_samples_leaf`` as a fraction, a momentum); it needs
        ``0 < low`` and ``high < 1``.
    name : str, default=None
        Parameter name, needed only when dimensions are given as a list.

    See Also
    --------
    Integer : An integer dimension.
    Categorical : A dimension of unordered choices.

    Examples
    --------
    >>> from skhyper import Real
    >>> C = Real(1e-3, 1e3, prior="log-uniform")
    >>> C.transform([1e-3, 1.0, 1e3]).ravel()
    array([0. , 0.5, 1. ])
    >>> C.inverse_transform([[0.5]])
    [1.0]
    >>> leaf = Real(0.01, 0.5, prior="logit-uniform")
    >>> round(leaf.inverse_transform([[0.5]])[0], 3)  # half the draws below it
    0.091
    """

    _parameter_constraints: dict = {
        **_Bounded._parameter_constraints,
        "prior": [_compat.StrOptions(set(_REAL_PRIORS))],
    }

    def _scale(self, x):
        if self.prior == "log-uniform":
            return np.log(x)
        if self.prior == "logit-uniform":
            return special.logit(x)
        return x

    def _unscale(self, t):
        if self.prior == "log-uniform":
            return np.exp(t)
        if self.prior == "logit-uniform":
            return special.expit(t)
        return t

    def transform(self, values):
        x = self._scale(np.asarray(values, dtype=float).reshape(-1))
        lo, hi = self._scale(np.array([self.low, self.high], dtype=float))
        return ((x - lo) / (hi - lo)).reshape(-1, 1)

    def inverse_transform(self, z):
        z = np.clip(np.asarray(z, dtype=float).reshape(-1), 0.0, 1.0)
        lo, hi = self._scale(np.array([self.low, self.high], dtype=float))
        x = np.clip(self._unscale(lo + z * (hi - lo)), self.low, self.high)
        return [float(v) for v in x]

    _snaps_by_clipping = True

    def snap(self, z):
        return np.clip(np.asarray(z, dtype=float).reshape(-1, 1), 0.0, 1.0)

    def contains(self, value):
        return _is_real(value) and self.low <= value <= self.high


class Integer(_Bounded):
    """An integer dimension on ``{low, ..., high}``.

    Each integer owns an equal slice of the unit interval (of its log scale
    with ``prior="log-uniform"``); the surrogate model sees the centre of the
    slice, so it never tells apart points that round to the same integer.

    Parameters
    ----------
    low, high : int
        Bounds, ``low < high``; both are included.
    prior : {"uniform", "log-uniform"}, default="uniform"
        ``"log-uniform"`` needs ``low > 0`` and favours small values.
    name : str, default=None
        Parameter name, needed only when dimensions are given as a list.

    Examples
    --------
    >>> from skhyper import Integer
    >>> depth = Integer(1, 4)
    >>> depth.transform([1, 4]).ravel()
    array([0.125, 0.875])
    >>> depth.inverse_transform([[0.0], [0.3], [1.0]])
    [1, 2, 4]
    """

    is_discrete = True
    _number_check = staticmethod(_is_integer)
    _kind = "integer"

    def _edges(self):
        if self.prior == "log-uniform":
            return np.log(self.low - 0.5), np.log(self.high + 0.5)
        return self.low - 0.5, self.high + 0.5

    @property
    def cardinality(self):
        return int(self.high - self.low + 1)

    def transform(self, values):
        x = np.asarray(values, dtype=float).reshape(-1)
        lo, hi = self._edges()
        if self.prior == "log-uniform":
            x = np.log(x)
        return ((x - lo) / (hi - lo)).reshape(-1, 1)

    def _to_int(self, z):
        z = np.clip(np.asarray(z, dtype=float).reshape(-1), 0.0, 1.0)
        lo, hi = self._edges()
        x = lo + z * (hi - lo)
        if self.prior == "log-uniform":
            x = np.exp(x)
        return np.clip(np.floor(x + 0.5), self.low, self.high).astype(np.int64)

    def inverse_transform(self, z):
        return [int(v) for v in self._to_int(z)]

    def snap(self, z):
        return self.transform(self._to_int(z))

    def contains(self, value):
        return _is_integer(value) and self.low <= value <= self.high

    def values(self):
        return list(range(int(self.low), int(self.high) + 1))


class Categorical(Dimension):
    """A dimension of unordered choices, encoded one-hot.

    Parameters
    ----------
    categories : sequence
        The choices: any objects (strings, numbers, None, estimators ...),
        compared by identity, then equality.
    name : str, default=None
        Parameter name, needed only when dimensions are given as a list.

    Examples
    --------
    >>> from skhyper import Categorical
    >>> kernel = Categorical(["linear", "rbf", "poly"])
    >>> kernel.transform(["rbf"])
    array([[0., 1., 0.]])
    >>> kernel.inverse_transform([[0.2, 0.1, 0.7]])
    ['poly']
    """

    is_discrete = True
    _parameter_constraints: dict = {"categories": ["array-like"], "name": [str, None]}

    def __init__(self, categories, *, name=None):
        super().__init__(name=name)
        self.categories = categories

    def check(self, name=None):
        super().check(name)
        where = self._where(name)
        if isinstance(self.categories, (str, bytes)) or not hasattr(
            self.categories, "__len__"
        ):
            raise TypeError(
                f"{where}: Categorical needs a list of choices; got "
                f"{self.categories!r}."
            )
        if isinstance(self.categories, np.ndarray) and self.categories.ndim != 1:
            raise ValueError(
                f"{where}: Categorical needs a one-dimensional array of choices; "
                f"got shape {self.categories.shape}."
            )
        if len(self.categories) == 0:
            raise ValueError(f"{where}: the list of choices is empty.")
        return self

    @property
    def n_columns(self):
        return len(self.categories)

    @property
    def cardinality(self):
        return len(self.categories)

    def index(self, value):
        """Position of ``value`` among the categories, or -1."""
        for i, category in enumerate(self.categories):
            if category is value:
                return i
        for i, category in enumerate(self.categories):
            if equal_values(category, value):
                return i
        return -1

    def transform(self, values):
        idx = []
        for value in values:
            i = self.index(value)
            if i < 0:
                raise ValueError(f"{value!r} is not one of {self._where(None)}'s choices.")
            idx.append(i)
        out = np.zeros((len(idx), self.n_columns))
        out[np.arange(len(idx)), idx] = 1.0
        return out

    def inverse_transform(self, z):
        z = np.asarray(z, dtype=float).reshape(-1, self.n_columns)
        return [self.categories[i] for i in np.argmax(z, axis=1)]

    def snap(self, z):
        z = np.asarray(z, dtype=float).reshape(-1, self.n_columns)
        out = np.zeros_like(z)
        out[np.arange(len(z)), np.argmax(z, axis=1)] = 1.0
        return out

    def contains(self, value):
        return self.index(value) >= 0

    def values(self):
        return list(self.categories)

    def _key(self):
        return (tuple(map(repr, self.categories)), self.name)

    def __repr__(self):
        name = f", name={self.name!r}" if self.name is not None else ""
        return f"Categorical({list(self.categories)!r}{name})"


class Distribution(Dimension):
    """A dimension drawn from a frozen scipy.stats distribution.

    The unit-cube coordinate of a value is its CDF, so the surrogate model
    works on the distribution's quantiles: ``loguniform`` is searched in log
    space and ``norm`` concentrates on its bulk. For discrete distributions
    (``randint``, ``poisson`` ...) each value owns the slice of the unit
    interval between its CDF and the CDF of its predecessor.

    Parameters
    ----------
    dist : frozen scipy.stats distribution
        A univariate distribution with ``rvs``, ``cdf`` and ``ppf``, such as
        ``scipy.stats.loguniform(1e-3, 1e3)`` or ``scipy.stats.randint(1, 10)``.
    name : str, default=None
        Parameter name, needed only when dimensions are given as a list.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from skhyper.space import Distribution
    >>> C = Distribution(loguniform(1e-2, 1e2))
    >>> float(C.transform([1.0])[0, 0])
    0.5
    """

    _parameter_constraints: dict = {
        "dist": [_compat.HasMethods(["rvs", "cdf", "ppf"])], "name": [str, None],
    }

    def __init__(self, dist, *, name=None):
        super().__init__(name=name)
        self.dist = dist

    def check(self, name=None):
        super().check(name)
        where = self._where(name)
        if not isinstance(getattr(self.dist, "dist", None), stats.rv_continuous) and (
            not isinstance(getattr(self.dist, "dist", None), stats.rv_discrete)
        ):
            raise TypeError(
                f"{where}: only univariate scipy.stats distributions are supported; "
                f"got {self.dist!r}."
            )
        return self

    @property
    def is_discrete(self):
        return isinstance(self.dist.dist, stats.rv_discrete)

    @property
    def cardinality(self):
        if not self.is_discrete:
            return np.inf
        low, high = self.dist.support()
        if not (np.isfinite(low) and np.isfinite(high)):
            return np.inf
        return int(high - low + 1)

    def transform(self, values):
        x = np.asarray(values, dtype=float).reshape(-1)
        if self.is_discrete:
            z = 0.5 * (self.dist.cdf(x - 1) + self.dist.cdf(x))
        else:
            z = self.dist.cdf(x)
        return np.asarray(z, dtype=float).reshape(-1, 1)

    def _ppf(self, z):
        z = np.clip(np.asarray(z, dtype=float).reshape(-1), _CDF_EPS, 1 - _CDF_EPS)
        return self.dist.ppf(z)

    def inverse_transform(self, z):
        x = self._ppf(z)
        if self.is_discrete:
            return [int(v) for v in x]
        return [float(v) for v in x]

    @property
    def _snaps_by_clipping(self):
        return not self.is_discrete

    def snap(self, z):
        if not self.is_discrete:
            return np.clip(np.asarray(z, dtype=float).reshape(-1, 1), 0.0, 1.0)
        return self.transform(self._ppf(z))

    def contains(self, value):
        if not _is_real(value):
            return False
        if self.is_discrete and not float(value).is_integer():
            return False
        low, high = self.dist.support()
        return bool(low <= value <= high)

    def values(self):
        if not np.isfinite(self.cardinality):
            return super().values()
        low, _ = self.dist.support()
        return [int(low) + i for i in range(self.cardinality)]

    def _key(self):
        return (id(self.dist), self.name)

    def __repr__(self):
        d = self.dist
        args = ", ".join(map(repr, getattr(d, "args", ())))
        kwds = ", ".join(f"{k}={v!r}" for k, v in getattr(d, "kwds", {}).items())
        inner = ", ".join(a for a in (args, kwds) if a)
        name = f", name={self.name!r}" if self.name is not None else ""
        return f"Distribution({d.dist.name}({inner}){name})"
