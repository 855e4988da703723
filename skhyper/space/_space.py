"""A search space: named dimensions, or a union of such subspaces."""

import functools
import itertools
import math
import warnings

import numpy as np
from sklearn.utils import check_random_state

from ._dimensions import (
    _PRIORS,
    Categorical,
    Dimension,
    Distribution,
    Integer,
    Real,
    _is_integer,
    _is_real,
)

__all__ = ["SearchSpace", "as_dimension", "warn_two_tuple_ranges"]

# Value given to the columns of the subspaces a point does not belong to.
_INACTIVE = 0.5


def as_dimension(value, name):
    """Turn one value of a parameter grid or distribution dict into a Dimension.

    A list, tuple or 1-D array means a choice among its items, as in
    GridSearchCV and RandomizedSearchCV; a frozen scipy.stats distribution
    means itself. Nothing is guessed from a tuple's length or contents, but
    scikit-optimize's interval ``(low, high, prior[, base])`` is refused with
    the dimension to write instead, rather than searched as three choices,
    and the searches warn about its ``(low, high)`` (see
    :func:`warn_two_tuple_ranges`), which stays two choices.
    """
    if isinstance(value, Dimension):
        dim = value
    elif isinstance(value, (str, bytes)):
        raise TypeError(
            f"search space parameter {name!r}: got the string {value!r}; put a "
            f"single value in a list ([{value!r}]) or give a list of choices."
        )
    elif hasattr(value, "rvs"):
        dim = Distribution(value)
    elif _is_skopt_interval(value):
        raise TypeError(_skopt_interval_message(value, name))
    elif isinstance(value, (list, tuple, range)) or (
        isinstance(value, np.ndarray) and value.ndim == 1
    ):
        dim = Categorical(list(value))
    else:
        raise TypeError(
            f"search space parameter {name!r}: expected a list of choices, a "
            f"scipy.stats distribution or a skhyper dimension (Real, Integer, "
            f"Categorical); got {type(value).__name__} {value!r}."
        )
    if dim.name is not None and dim.name != name:
        raise ValueError(
            f"search space parameter {name!r}: its dimension is named {dim.name!r}."
        )
    return dim.check(name)


def _is_skopt_interval(value):
    """Whether ``value`` is scikit-optimize's ``(low, high, prior[, base])``."""
    return (
        isinstance(value, (list, tuple))
        and len(value) in (3, 4)
        and _is_real(value[0])
        and _is_real(value[1])
        and isinstance(value[2], str)
        and value[2] in _PRIORS
        and (len(value) == 3 or _is_integer(value[3]))
    )


def _skopt_interval_message(value, name):
    low, high, prior = value[:3]
    cls = Integer if _is_integer(low) and _is_integer(high) else Real
    base = (
        " (the base of the logarithm does not change a log-uniform prior)"
        if len(value) == 4
        else ""
    )
    return (
        f"search space parameter {name!r}: {value!r} is an interval in "
        f"scikit-optimize, but here a {type(value).__name__} is a list of "
        f"choices, as in GridSearchCV, and {name!r} would be set to {prior!r}. "
        f"For the interval write {cls(low, high, prior=prior)!r}{base}; for "
        f"these {len(value)} choices write Categorical({list(value)!r})."
    )


def _two_tuple_range(value):
    """Whether ``value`` is a tuple of two increasing real numbers (not
    bools): scikit-optimize's way to write a range."""
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and all(_is_real(v) for v in value)
        and bool(value[0] < value[1])
    )


def warn_two_tuple_ranges(spaces):
    """Warn, once, about every two-tuple of numbers in the raw ``spaces``.

    A tuple is a list of values, as in GridSearchCV: ``{"C": (1e-3, 1e3)}``
    searches two values. scikit-optimize reads the same tuple as a range, so
    one warning names, for each such tuple, the :class:`Real` (or
    :class:`Integer`) it probably meant, and the list that keeps the two
    values without a warning. A parsed :class:`SearchSpace`, dimensions and
    lists are not looked at. The searches call it once per ``fit``, before
    the first fit; :class:`~skhyper.BayesOptimizer` when it parses its space.
    """
    if isinstance(spaces, dict):
        subspaces = [spaces]
    elif isinstance(spaces, (list, tuple)):
        subspaces = [s for s in spaces if isinstance(s, dict)]
    else:
        return
    found = {}
    for sub in subspaces:
        for name, value in sub.items():
            if _two_tuple_range(value):
                found.setdefault(name, value)
    if not found:
        return
    ranges = []
    for name, value in found.items():
        integers = all(_is_integer(v) for v in value)
        cls = Integer if integers else Real
        low, high = (int(v) if integers else float(v) for v in value)
        ranges.append(
            f"{name!r}: {(low, high)!r} evaluates {name}={low!r} and {name}={high!r} "
            f"only; for the range write {cls(low, high)!r}"
            + (" (prior='log-uniform' for a range over decades)"
               if low > 0 and high >= 100 * low else "")
            + f", to keep the two values write the list {[low, high]!r}"
        )
    warnings.warn(
        "search space: a tuple of two numbers is a list of two values here, as "
        "in GridSearchCV, not a range as in scikit-optimize. "
        + "; ".join(ranges) + ".",
        UserWarning,
        stacklevel=3,
    )


class SearchSpace:
    """The space a search draws hyperparameters from.

    Accepts everything GridSearchCV's ``param_grid`` and RandomizedSearchCV's
    ``param_distributions`` accept, plus skhyper's own dimensions:

    - a dict ``{name: values}`` where values is a list of choices, a frozen
      scipy.stats distribution, or a :class:`Real`, :class:`Integer` or
      :class:`Categorical`;
    - a list of such dicts, meaning the union of the subspaces (a draw first
      picks a subspace uniformly at random, as RandomizedSearchCV does);
    - a list of named dimensions, ``[Real(0, 1, name="x"), ...]``.

    Parameter names pass through untouched, so Pipeline names such as
    ``"clf__C"`` work.

    Points are encoded in a unit cube for the surrogate model: each subspace
    has its own block of columns (the other blocks are held at 0.5) and, for a
    union, a one-hot block says which subspace a point belongs to.

    Parameters
    ----------
    spaces : dict, list of dict, list of Dimension or SearchSpace
        The space, as described above.

    Attributes
    ----------
    subspaces : list of dict
        One ``{name: Dimension}`` dict per subspace.
    n_columns : int
        Width of the unit-cube encoding.
    cardinality : int or float
        Number of distinct points, ``inf`` if any dimension is continuous; a
        point that several subspaces of a union contain counts once.

    Examples
    --------
    >>> from scipy.stats import loguniform
    >>> from skhyper import SearchSpace, Integer
    >>> space = SearchSpace({"C": loguniform(1e-2, 1e2), "degree": Integer(1, 4)})
    >>> space.sample(2, random_state=0)  # doctest: +SKIP
    [{'C': ..., 'degree': ...}, {'C': ..., 'degree': ...}]
    >>> space.transform([{"C": 1.0, "degree": 1}])
    array([[0.5  , 0.125]])
    """

    def __init__(self, spaces):
        if isinstance(spaces, SearchSpace):
            self.subspaces = [dict(s) for s in spaces.subspaces]
        else:
            self.subspaces = _parse(spaces)
        self._layout()

    def _layout(self):
        n_sub = len(self.subspaces)
        self._n_indicator = n_sub if n_sub > 1 else 0
        self._blocks = []  # per subspace: list of (name, dim, start, stop)
        start = self._n_indicator
        for sub in self.subspaces:
            block = []
            for name, dim in sub.items():
                block.append((name, dim, start, start + dim.n_columns))
                start += dim.n_columns
            self._blocks.append(block)
        self.n_columns = start
        # Per subspace: the columns that snap by clipping to the unit interval
        # (continuous dimensions), clipped in one operation, and the others.
        self._snap_plans = []
        for block in self._blocks:
            clipped = [np.arange(a, b) for _, dim, a, b in block if dim._snaps_by_clipping]
            others = [(dim, a, b) for _, dim, a, b in block if not dim._snaps_by_clipping]
            clipped = np.concatenate(clipped) if clipped else np.empty(0, dtype=int)
            self._snap_plans.append((clipped, others))

    # -- structure -------------------------------------------------------
    @property
    def n_subspaces(self):
        return len(self.subspaces)

    @functools.cached_property
    def cardinality(self):
        """Number of distinct parameter settings, ``inf`` if any is continuous.

        A setting that several subspaces of a union contain counts once.
        """
        sizes = [
            math.prod(dim.cardinality for dim in sub.values()) for sub in self.subspaces
        ]
        if not np.isfinite(sum(sizes)):
            return np.inf
        total = 0
        for k, sub in enumerate(self.subspaces):
            # Subspaces with other parameter names hold other settings.
            earlier = [j for j in range(k) if self.subspaces[j].keys() == sub.keys()]
            total += sizes[k] - self._n_in_union(sub, earlier)
        return total

    def _n_in_union(self, sub, others):
        """Number of points of ``sub`` that any of the subspaces ``others`` contains.

        Inclusion-exclusion over the sets of ``others``; a point lies in all of
        them when each of its values does, so each term is a product over
        the parameters. A set whose term is zero is not extended.
        """
        total = 0
        stack = [(i + 1, (j,)) for i, j in enumerate(others)]
        while stack:
            start, chosen = stack.pop()
            n = math.prod(
                _n_contained(dim, [self.subspaces[j][name] for j in chosen])
                for name, dim in sub.items()
            )
            if n:
                total += n if len(chosen) % 2 else -n
                stack += [
                    (i + 1, chosen + (j,)) for i, j in enumerate(others) if i >= start
                ]
        return total

    def dimension_slices(self):
        """``(subspace, start, stop, is_discrete)`` for every column group.

        The indicator block of a union comes first, with subspace -1.
        """
        groups = [(-1, 0, self._n_indicator, True)] if self._n_indicator else []
        for k, block in enumerate(self._blocks):
            for _, dim, start, stop in block:
                groups.append((k, start, stop, dim.is_discrete))
        return groups

    def subspace_of(self, z):
        """Subspace index of each unit-cube row."""
        return self._subspace_of_rows(np.atleast_2d(z))

    def grid(self):
        """Every distinct point of a finite space, as a list of dicts."""
        if not np.isfinite(self.cardinality):
            raise TypeError("the search space is not finite.")
        points = []
        for k, sub in enumerate(self.subspaces):
            names = list(sub)
            for combo in itertools.product(*(sub[n].values() for n in names)):
                point = dict(zip(names, combo))
                if self.which_subspace(point) == k:  # not listed already
                    points.append(point)
        return points

    # -- encoding --------------------------------------------------------
    def which_subspace(self, params):
        """Index of the first subspace ``params`` belongs to, or -1."""
        return next(self._containing(params), -1)

    def _containing(self, params):
        for k, sub in enumerate(self.subspaces):
            if set(sub) == set(params) and all(
                dim.contains(params[name]) for name, dim in sub.items()
            ):
                yield k

    def encodings(self, params):
        """Every unit-cube row of ``params``: one per subspace that contains it.

        Subspaces of a union may overlap; :meth:`transform` gives the row of
        the first, which is the first row here. An empty array means that
        ``params`` is not a point of the space.
        """
        ks = list(self._containing(params))
        out = np.full((len(ks), self.n_columns), _INACTIVE)
        for row, k in zip(out, ks):
            self._write(row, k, params)
        return out

    def transform(self, params_list):
        """Encode a list of parameter dicts as rows of the unit cube."""
        params_list = list(params_list)
        out = np.full((len(params_list), self.n_columns), _INACTIVE)
        for i, params in enumerate(params_list):
            k = self.which_subspace(params)
            if k < 0:
                raise ValueError(f"{params!r} is not a point of the search space.")
            self._write(out[i], k, params)
        return out

    def _write(self, row, k, params):
        if self._n_indicator:
            row[: self._n_indicator] = 0.0
            row[k] = 1.0
        for name, dim, start, stop in self._blocks[k]:
            row[start:stop] = dim.transform([params[name]])[0]

    def _subspace_of_rows(self, z):
        if not self._n_indicator:
            return np.zeros(len(z), dtype=int)
        return np.argmax(z[:, : self._n_indicator], axis=1)

    def inverse_transform(self, z):
        """Decode unit-cube rows into a list of parameter dicts."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        subs = self._subspace_of_rows(z)
        out = [None] * len(z)
        for k, block in enumerate(self._blocks):
            rows = np.flatnonzero(subs == k)
            if not len(rows):
                continue
            columns = {
                name: dim.inverse_transform(z[rows, start:stop])
                for name, dim, start, stop in block
            }
            for j, i in enumerate(rows):
                out[i] = {name: values[j] for name, values in columns.items()}
        return out

    def snap(self, z):
        """Project rows onto the encodings of actual points (vectorized)."""
        z = np.atleast_2d(np.asarray(z, dtype=float))
        out = np.full_like(z, _INACTIVE)
        subs = self._subspace_of_rows(z)
        if self._n_indicator:
            out[:, : self._n_indicator] = 0.0
            out[np.arange(len(z)), subs] = 1.0
        for k, (clipped, others) in enumerate(self._snap_plans):
            rows = np.flatnonzero(subs == k)
            if not len(rows):
                continue
            if len(rows) == len(z):
                rows = slice(None)  # one subspace: no row indexing
                cells = (rows, clipped)
            else:
                cells = np.ix_(rows, clipped)
            out[cells] = np.clip(z[cells], 0.0, 1.0)
            for dim, start, stop in others:
                out[rows, start:stop] = dim.snap(z[rows, start:stop])
        return out

    def sobol_engine(self, random_state=None):
        """A scrambled Sobol engine over the space's columns.

        Pass it to :meth:`sample_unit` to continue one sequence from draw to
        draw instead of scrambling a new one each time.

        Parameters
        ----------
        random_state : int, RandomState instance or None, default=None
            Source of the scrambling.

        Returns
        -------
        engine : scipy.stats.qmc.Sobol

        Examples
        --------
        >>> from skhyper import Real, SearchSpace
        >>> space = SearchSpace({"x": Real(0.0, 1.0)})
        >>> engine = space.sobol_engine(0)
        >>> first = space.sample_unit(4, method="sobol", engine=engine)
        >>> second = space.sample_unit(4, method="sobol", engine=engine)
        >>> # The two draws are the sequence's first 8 points: one in each eighth.
        >>> sorted(int(8 * z) for z in [*first[:, 0], *second[:, 0]])
        [0, 1, 2, 3, 4, 5, 6, 7]
        """
        from scipy.stats import qmc

        rng = check_random_state(random_state)
        # Given a RandomState, scipy deep-copies it (a quarter of a
        # millisecond, at every suggestion of a search); a Generator seeded
        # from it scrambles alike without the copy.
        engine_rng = np.random.default_rng(rng.randint(2**31))
        return qmc.Sobol(self.n_columns, scramble=True, seed=engine_rng)

    def sample_unit(self, n_samples, random_state=None, method="random", engine=None):
        """Draw snapped unit-cube rows from the prior.

        Parameters
        ----------
        n_samples : int
            Number of rows.
        random_state : int, RandomState instance or None, default=None
            Source of randomness.
        method : {"random", "sobol"}, default="random"
            Independent uniform draws, or a scrambled Sobol sequence, which
            covers the cube more evenly for an initial design.
        engine : scipy.stats.qmc.Sobol, default=None
            With ``method="sobol"``, an engine of :meth:`sobol_engine` to
            continue: the rows are the first ``n_samples`` of its next
            ``2**m >= n_samples`` points. None scrambles a new sequence.

        Returns
        -------
        z : ndarray of shape (n_samples, n_columns)
        """
        rng = check_random_state(random_state)
        if n_samples == 0:
            return np.empty((0, self.n_columns))
        if method == "sobol":
            if engine is None:
                engine = self.sobol_engine(rng)
            # Whole blocks of 2**m points keep the sequence's balance (scipy
            # warns on others); the sequence holds 2**30 points.
            block = 2 ** max(0, math.ceil(math.log2(n_samples)))
            if engine.num_generated + block > 2**30:
                engine.reset()
            raw = engine.random(block)[:n_samples]
            if self._n_indicator:
                # Balance the subspaces of a union rather than leave them to
                # the arg-max of the Sobol columns.
                which = rng.permutation(n_samples) % self._n_indicator
                raw[:, : self._n_indicator] = np.eye(self._n_indicator)[which]
        else:
            raw = rng.uniform(size=(n_samples, self.n_columns))
        return self.snap(raw)

    def sample(self, n_samples, random_state=None):
        """Draw ``n_samples`` parameter dicts from the prior."""
        return self.inverse_transform(self.sample_unit(n_samples, random_state))

    def __repr__(self):
        if self.n_subspaces == 1:
            return f"SearchSpace({self.subspaces[0]!r})"
        return f"SearchSpace({self.subspaces!r})"


def _integer_bounds(dim):
    """``(low, high)`` of a dimension of all the integers in between, else None."""
    if isinstance(dim, Integer):
        return int(dim.low), int(dim.high)
    if isinstance(dim, Distribution) and dim.is_discrete:
        low, high = dim.dist.support()
        return int(low), int(high)
    return None


def _n_contained(dim, others):
    """Number of values of the finite ``dim`` that every one of ``others`` contains."""
    bounds = _integer_bounds(dim)
    if bounds is None:  # a list of choices: ask about each
        return sum(all(o.contains(v) for o in others) for v in dim.values())
    # A range of integers, maybe too long to list: intersect it with the
    # other ranges, and with the integers among the others' choices.
    low, high = bounds
    candidates = None
    for other in others:
        other_bounds = _integer_bounds(other)
        if other_bounds is None:
            ints = {
                int(v) for v in other.values() if _is_real(v) and float(v).is_integer()
            }
            candidates = ints if candidates is None else candidates & ints
        else:
            low, high = max(low, other_bounds[0]), min(high, other_bounds[1])
    if candidates is None:
        return max(0, high - low + 1)
    return sum(
        low <= v <= high and all(o.contains(v) for o in others) for v in candidates
    )


def _parse(spaces):
    if isinstance(spaces, dict):
        subspaces = [spaces]
    elif isinstance(spaces, (list, tuple)) and spaces and all(
        isinstance(s, Dimension) for s in spaces
    ):
        subspaces = [_named_dimensions(spaces)]
    elif isinstance(spaces, (list, tuple)):
        subspaces = list(spaces)
        for i, sub in enumerate(subspaces):
            if not isinstance(sub, dict):
                raise TypeError(
                    f"search space: a list must hold dicts (a union of subspaces) "
                    f"or named dimensions; item {i} is {type(sub).__name__} {sub!r}."
                )
    else:
        raise TypeError(
            f"search space: expected a dict, a list of dicts or a list of named "
            f"dimensions; got {type(spaces).__name__} {spaces!r}."
        )
    parsed = []
    for sub in subspaces:
        checked = {}
        for name, value in sub.items():
            if not isinstance(name, str) or not name:
                raise TypeError(
                    f"search space: parameter names must be non-empty strings; "
                    f"got {name!r}."
                )
            checked[name] = as_dimension(value, name)
        parsed.append(checked)
    if not parsed:
        raise ValueError(
            f"search space: an empty list has no settings to search; got {spaces!r}. "
            f"An empty dict ({{}}) is one setting, the estimator's own parameters."
        )
    return parsed


def _named_dimensions(dims):
    sub = {}
    for dim in dims:
        if not isinstance(dim.name, str) or not dim.name:
            raise ValueError(
                f"search space: {dim!r} in a list of dimensions needs a name, "
                f"e.g. Real(0, 1, name='x')."
            )
        if dim.name in sub:
            raise ValueError(
                f"search space: the parameter name {dim.name!r} is used twice."
            )
        sub[dim.name] = dim
    return sub
