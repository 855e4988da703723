import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.svm import SVC

from skhyper import Categorical, Integer, Real, SearchSpace
from skhyper.space import Distribution

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def real_dims(draw):
    low = draw(finite)
    width = draw(st.floats(1e-3, 1e6))
    if draw(st.booleans()):
        low = abs(low) + 1e-3
        return Real(low, low + width, prior="log-uniform")
    return Real(low, low + width)


@st.composite
def integer_dims(draw):
    low = draw(st.integers(-1000, 1000))
    high = low + draw(st.integers(1, 1000))
    if draw(st.booleans()) and low > 0:
        return Integer(low, high, prior="log-uniform")
    return Integer(low, high)


categorical_dims = st.lists(
    st.one_of(st.integers(), st.text(max_size=3), st.none()), min_size=1, max_size=6,
    unique=True,
).map(Categorical)

dims = st.one_of(real_dims(), integer_dims(), categorical_dims)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(dim=dims, seed=st.integers(0, 2**31 - 1))
def test_sampled_values_lie_in_the_dimension_and_round_trip(dim, seed):
    values = dim.sample(20, random_state=seed)
    assert all(dim.contains(v) for v in values)
    z = dim.transform(values)
    assert z.shape == (20, dim.n_columns)
    assert np.all((z >= -1e-9) & (z <= 1 + 1e-9))
    back = dim.inverse_transform(z)
    if isinstance(dim, Real):
        np.testing.assert_allclose(back, values, rtol=1e-9, atol=1e-9 * dim.high)
    else:
        assert back == values
    # snapping an encoding is idempotent
    np.testing.assert_allclose(dim.snap(z), z, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(dim=integer_dims(), z=st.lists(st.floats(0, 1), min_size=1, max_size=20))
def test_integer_snap_equals_round_trip(dim, z):
    z = np.array(z).reshape(-1, 1)
    np.testing.assert_allclose(dim.snap(z), dim.transform(dim.inverse_transform(z)))


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_log_uniform_real_is_uniform_in_log_space(seed):
    dim = Real(1e-3, 1e3, prior="log-uniform")
    logs = np.log10(dim.sample(2000, random_state=seed))
    # Kolmogorov-Smirnov against U(-3, 3): a wrong prior fails by miles.
    assert stats.kstest(logs, stats.uniform(-3, 6).cdf).pvalue > 1e-4


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_logit_uniform_real_is_uniform_in_log_odds(seed):
    dim = Real(0.01, 0.5, prior="logit-uniform")
    odds = stats.logistic.ppf(dim.sample(2000, random_state=seed))
    low, high = stats.logistic.ppf([0.01, 0.5])
    assert stats.kstest(odds, stats.uniform(low, high - low).cdf).pvalue > 1e-4


def test_logit_uniform_real_maps_its_bounds_and_log_odds_midpoint():
    dim = Real(0.01, 0.99, prior="logit-uniform")
    np.testing.assert_allclose(dim.transform([0.01, 0.5, 0.99]).ravel(), [0.0, 0.5, 1.0])
    np.testing.assert_allclose(dim.inverse_transform([[0.0], [0.5], [1.0]]), [0.01, 0.5, 0.99])
    # a quarter of the cube reaches log-odds -2.3, a value of 0.09: the
    # small fractions get the room a linear scale gives to 0.01-0.25
    assert dim.inverse_transform([[0.25]])[0] == pytest.approx(0.0909, abs=1e-3)


def test_integer_sampling_is_uniform():
    counts = np.bincount(Integer(0, 4).sample(5000, random_state=0), minlength=5)
    assert stats.chisquare(counts).pvalue > 1e-3


def test_categorical_sampling_is_uniform_and_keeps_objects():
    svc = SVC()
    dim = Categorical(["a", None, svc])
    values = dim.sample(3000, random_state=0)
    assert any(v is svc for v in values)
    counts = [sum(v is c for v in values) for c in ("a", None, svc)]
    assert stats.chisquare(counts).pvalue > 1e-3


@pytest.mark.parametrize(
    "dist",
    [stats.loguniform(1e-2, 1e2), stats.uniform(2, 3), stats.norm(1, 2), stats.expon()],
)
def test_continuous_distribution_is_sampled_through_its_cdf(dist):
    dim = Distribution(dist).check("x")
    values = dim.sample(2000, random_state=0)
    assert stats.kstest(values, dist.cdf).pvalue > 1e-4
    np.testing.assert_allclose(dim.transform(values).ravel(), dist.cdf(values))
    np.testing.assert_allclose(dim.inverse_transform(dim.transform(values)), values)


@pytest.mark.parametrize("dist", [stats.randint(1, 6), stats.poisson(3), stats.binom(5, 0.3)])
def test_discrete_distribution_round_trips_and_matches_pmf(dist):
    dim = Distribution(dist).check("k")
    values = dim.sample(4000, random_state=0)
    assert all(isinstance(v, int) and dim.contains(v) for v in values)
    assert dim.inverse_transform(dim.transform(values)) == values
    support = np.arange(min(values), max(values) + 1)
    counts = np.array([values.count(k) for k in support])
    expected = dist.pmf(support) * len(values)
    keep = expected > 5
    assert stats.chisquare(counts[keep], expected[keep] * counts[keep].sum() / expected[keep].sum()).pvalue > 1e-3


def test_randint_encodes_like_integer():
    dist_dim = Distribution(stats.randint(1, 5)).check("k")
    int_dim = Integer(1, 4)
    np.testing.assert_allclose(dist_dim.transform([1, 2, 3, 4]), int_dim.transform([1, 2, 3, 4]))
    assert dist_dim.cardinality == 4 and dist_dim.values() == [1, 2, 3, 4]


def test_gridsearch_style_dict_and_pipeline_names():
    space = SearchSpace(
        {"svc__C": [0.1, 1, 10], "svc__gamma": stats.loguniform(1e-3, 1), "pca__n": range(1, 4)}
    )
    (sub,) = space.subspaces
    assert list(sub) == ["svc__C", "svc__gamma", "pca__n"]
    assert isinstance(sub["svc__C"], Categorical)
    assert isinstance(sub["svc__gamma"], Distribution)
    for params in space.sample(10, random_state=0):
        assert set(params) == {"svc__C", "svc__gamma", "pca__n"}


def test_a_tuple_is_a_list_of_choices_not_bounds():
    (sub,) = SearchSpace({"C": (1, 5)}).subspaces
    assert sub["C"] == Categorical([1, 5])


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_union_round_trip_and_membership(seed):
    space = SearchSpace(
        [
            {"kernel": ["linear"], "C": Real(1e-2, 1e2, prior="log-uniform")},
            {"kernel": ["rbf"], "C": Real(1e-2, 1e2), "gamma": Integer(1, 9)},
        ]
    )
    z = space.sample_unit(16, random_state=seed)
    params = space.inverse_transform(z)
    for p in params:
        assert ("gamma" in p) == (p["kernel"] == "rbf")
    np.testing.assert_allclose(space.transform(params), z, atol=1e-9)


def test_union_sobol_design_balances_subspaces():
    space = SearchSpace([{"a": Real(0, 1)}, {"b": Real(0, 1)}, {"c": Real(0, 1)}])
    params = space.inverse_transform(space.sample_unit(9, random_state=0, method="sobol"))
    assert sorted(next(iter(p)) for p in params) == ["a"] * 3 + ["b"] * 3 + ["c"] * 3


def test_grid_and_cardinality():
    space = SearchSpace([{"a": [1, 2], "b": Integer(0, 2)}, {"c": stats.randint(0, 2)}])
    assert space.cardinality == 8
    grid = space.grid()
    assert len(grid) == 8
    assert {"c": 1} in grid and {"a": 2, "b": 0} in grid
    assert SearchSpace({"x": Real(0, 1)}).cardinality == np.inf


def test_named_dimensions_list():
    space = SearchSpace([Real(0, 1, name="x"), Integer(1, 3, name="n")])
    assert list(space.subspaces[0]) == ["x", "n"]


def test_an_empty_dict_is_one_point_the_estimator_s_own_parameters():
    """As GridSearchCV's ParameterGrid({}): one setting, which sets nothing."""
    from sklearn.model_selection import ParameterGrid

    space = SearchSpace({})
    assert space.cardinality == len(ParameterGrid({})) == 1
    assert space.grid() == list(ParameterGrid({})) == [{}]
    assert space.sample(3, random_state=0) == [{}, {}, {}]
    assert space.transform([{}]).shape == (1, 0)


@pytest.mark.parametrize(
    "spaces, error, match",
    [
        ([], ValueError, "an empty list has no settings"),
        ({"C": []}, ValueError, "'C'.*empty"),
        ({"C": Real(2, 1)}, ValueError, "'C'.*low < high"),
        ({"C": Real(1, 1)}, ValueError, "'C'.*low < high"),
        ({"C": Real(0, 1, prior="log-uniform")}, ValueError, "'C'.*low > 0"),
        ({"C": Integer(-1, 5, prior="log-uniform")}, ValueError, "'C'.*low > 0"),
        ({"f": Real(0, 0.5, prior="logit-uniform")}, ValueError, "'f'.*0 < low and high < 1"),
        ({"f": Real(0.5, 1, prior="logit-uniform")}, ValueError, "'f'.*0 < low and high < 1"),
        ({"n": Integer(1, 5, prior="logit-uniform")}, ValueError, "'n'.*prior"),
        ({"n": Integer(1.5, 5)}, TypeError, "'n'.*integer"),
        ({"C": Real(0, np.inf)}, TypeError, "'C'.*finite"),
        ({"C": 1.0}, TypeError, "'C'.*float 1.0"),
        ({"C": object()}, TypeError, "'C'"),
        ({"C": "rbf"}, TypeError, "'C'.*string"),
        ({"C": np.zeros((2, 2))}, TypeError, "'C'"),
        ({"C": stats.multivariate_normal([0, 0])}, TypeError, "'C'"),
        ({1: [1, 2]}, TypeError, "names must be non-empty strings"),
        ([{"a": [1]}, 5], TypeError, "item 1"),
        ([Real(0, 1, name="x"), Integer(0, 3, name="x")], ValueError, "'x' is used twice"),
        ([Real(0, 1)], ValueError, "needs a name"),
        ({"x": Real(0, 1, name="y")}, ValueError, "'x'.*named 'y'"),
        ("C", TypeError, "expected a dict"),
    ],
)
def test_invalid_spaces_name_the_parameter(spaces, error, match):
    with pytest.raises(error, match=match):
        SearchSpace(spaces)


@pytest.mark.parametrize(
    "dimension, match",
    [
        (Real(0, 1, prior="log"), r"'C': The 'prior' parameter of Real must be a str among"),
        (Integer(1, 5, prior=None), r"'C': The 'prior' parameter of Integer must be"),
        (Categorical("abc"), r"'C': The 'categories' parameter of Categorical must be an "
                             r"array-like"),
        (Distribution(3), r"'C': The 'dist' parameter of Distribution must be an object "
                          r"implementing 'rvs', 'cdf' and 'ppf'"),
        (Real(0, 1, name=3), r"The 'name' parameter of Real must be"),
    ],
)
def test_a_dimension_checks_its_parameter_constraints_in_scikit_learns_words(
    dimension, match
):
    # the types and options of a dimension's arguments are its
    # _parameter_constraints, prefixed with where it is in the space
    with pytest.raises(ValueError, match=match):
        dimension.check("C" if dimension.name is None else None)


@pytest.mark.parametrize(
    "value, replacement",
    [
        ((0.01, 10.0, "log-uniform"), "Real(0.01, 10.0, prior='log-uniform')"),
        ((1, 50, "log-uniform"), "Integer(1, 50, prior='log-uniform')"),
        ((0.0, 1.0, "uniform"), "Real(0.0, 1.0)"),
        ((1e-3, 1.0, "log-uniform", 2), "Real(0.001, 1.0, prior='log-uniform')"),
        ([2, 8, "uniform"], "Integer(2, 8)"),
    ],
)
def test_a_scikit_optimize_interval_tuple_is_refused_with_the_replacement(value, replacement):
    # In scikit-optimize (low, high, prior) is an interval; read as three
    # choices it would silently fit with C="log-uniform".
    with pytest.raises(TypeError) as info:
        SearchSpace({"C": value})
    message = str(info.value)
    assert "'C'" in message and replacement in message
    assert f"Categorical({list(value)!r})" in message


@pytest.mark.parametrize(
    "value",
    [
        ("distance", "uniform"),  # KNeighborsClassifier(weights=...)
        ("uniform", "log-uniform", "normal"),
        (0.01, 10.0, "gini"),
        (True, False, "uniform"),
        (0.1, "x", "uniform"),
    ],
)
def test_a_tuple_of_ordinary_categories_ending_in_a_prior_name_stays_choices(value):
    (sub,) = SearchSpace({"p": value}).subspaces
    assert sub["p"] == Categorical(list(value))


def _random_overlapping_union(rng):
    """Two to four subspaces over the same names, of Integer and int choices."""
    names = ["a", "b"][: rng.randint(1, 3)]
    subspaces = []
    for _ in range(rng.randint(2, 5)):
        sub = {}
        for name in names:
            low = int(rng.randint(0, 4))
            if rng.uniform() < 0.5:
                sub[name] = Integer(low, low + int(rng.randint(1, 4)))
            else:
                choices = rng.choice(8, size=rng.randint(1, 4), replace=False)
                sub[name] = Categorical([int(c) for c in choices])
        subspaces.append(sub)
    return subspaces


@pytest.mark.parametrize("seed", range(40))
def test_union_cardinality_and_grid_count_each_setting_once(seed):
    space = SearchSpace(_random_overlapping_union(np.random.RandomState(seed)))
    settings = {
        tuple(sorted(p.items())) for k in range(space.n_subspaces)
        for p in SearchSpace(space.subspaces[k]).grid()
    }
    grid = space.grid()
    assert space.cardinality == len(settings)
    assert len(grid) == len(settings)
    assert {tuple(sorted(p.items())) for p in grid} == settings


def test_overlapping_union_cardinality_without_enumerating():
    n = 10**9
    space = SearchSpace(
        [
            {"a": Integer(0, n), "b": ["x"]},
            {"a": Integer(5, 2 * n), "b": ["x", "y"]},
            {"a": stats.randint(0, 10), "b": ["y", "z"]},
        ]
    )
    # second minus its overlap with the first (a in 5..n, b="x"); third minus
    # its overlap with the second (a in 5..9, b="y")
    expected = (n + 1) + (2 * n - 4) * 2 - (n - 4) + 10 * 2 - 5
    assert space.cardinality == expected
    assert SearchSpace([{"a": [1, 2, 3]}, {"a": [2, 3, 4]}]).cardinality == 4
    assert SearchSpace([{"a": [1, 2]}, {"b": [1, 2]}]).cardinality == 4


# -- a two-tuple of numbers: GridSearchCV's two values, with a warning ---------------


@pytest.mark.parametrize(
    "space, names, replacements",
    [
        ({"C": (1e-3, 1e3)}, ["C"], ["Real(0.001, 1000.0)"]),
        ({"max_depth": (1, 10)}, ["max_depth"], ["Integer(1, 10)"]),
        ([{"C": (0.1, 10.0), "kernel": ["rbf"]}, {"gamma": (np.float64(1e-4), 1)}],
         ["C", "gamma"], ["Real(0.1, 10.0)", "Real(0.0001, 1.0)"]),
    ],
)
def test_a_two_tuple_of_numbers_is_named_as_the_range_it_may_mean(space, names, replacements):
    from skhyper.space._space import warn_two_tuple_ranges

    with pytest.warns(UserWarning, match="a tuple") as caught:
        warn_two_tuple_ranges(space)
    assert len(caught) == 1
    message = str(caught[0].message)
    for name, replacement in zip(names, replacements):
        assert repr(name) in message and replacement in message
    assert "GridSearchCV" in message and "list" in message
    # and the space is still GridSearchCV's: the two values
    subspaces = space if isinstance(space, list) else [space]
    for sub, parsed in zip(subspaces, SearchSpace(space).subspaces):
        for name, value in sub.items():
            assert parsed[name] == Categorical(list(value))


@pytest.mark.parametrize(
    "value",
    [
        [1e-3, 1e3],  # a list is a list of values
        ("rbf", "linear"),
        (True, False),
        (1e-3, 1e-2, 1e-1),
        ((1, 1), (1, 2)),  # ngram_range choices
        (10.0, 1.0),  # not increasing: not a range
        (1.0, float("nan")),
        Real(1e-3, 1e3),
    ],
)
def test_no_warning_for_what_is_not_a_two_tuple_range(value):
    import warnings

    from skhyper.space._space import warn_two_tuple_ranges

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_two_tuple_ranges({"p": value})
        warn_two_tuple_ranges(SearchSpace({"p": [1, 2]}))
        warn_two_tuple_ranges([Real(0, 1, name="x")])


class _FitWarns(SVC):
    """An SVC whose every fit leaves a mark among the warnings."""

    def fit(self, X, y, sample_weight=None):
        import warnings

        warnings.warn("fitted", RuntimeWarning)
        return super().fit(X, y, sample_weight=sample_weight)


def test_a_search_warns_once_per_fit_before_any_fit():
    import warnings

    from sklearn.datasets import make_classification

    from skhyper import BayesSearchCV, BayesOptimizer

    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    search = BayesSearchCV(_FitWarns(), {"C": (1e-3, 1e3)}, n_iter=6, cv=2, random_state=0)
    for _ in range(2):  # every fit
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            search.fit(X, y)
        order = [str(w.message) for w in caught if "fitted" in str(w.message)
                 or "Real(0.001, 1000.0)" in str(w.message)]
        assert "Real(0.001, 1000.0)" in order[0] and order[1:] == ["fitted"] * (len(order) - 1)
        assert [p["C"] for p in search.cv_results_["params"]] == [0.001, 1000.0]
    with pytest.warns(UserWarning, match=r"Real\(0.001, 1000.0\)") as caught:
        BayesOptimizer({"C": (1e-3, 1e3)}, random_state=0).ask()
    assert len([w for w in caught if "Real(" in str(w.message)]) == 1


@pytest.mark.slow
@pytest.mark.parametrize("name", ["bayes", "hyperband", "pbt", "dac", "hypergradient"])
def test_every_search_warns_once(name):
    import warnings

    from sklearn.datasets import make_classification

    from ._searches import every_search

    X, y = make_classification(n_samples=90, n_features=4, random_state=0)
    search = every_search()[name]
    ((param, dim),) = search.search_spaces.items()
    search.set_params(search_spaces={param: (dim.low, dim.high)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            search.fit(X, y)
        except ValueError as error:
            # a search that cannot use two values refuses them, and the error
            # (not a warning before it) names the range to write instead
            assert "Real(0.001, 1000" in str(error) or "range" in str(error), error
            assert not [w for w in caught if "a tuple" in str(w.message)]
            return
    assert len([w for w in caught if "a tuple" in str(w.message)]) == 1


@pytest.mark.parametrize("union", [False, True])
def test_space_snap_is_each_dimensions_snap_of_its_rows_columns(union):
    first = {
        "a": Real(0, 1),
        "k": Integer(1, 9),
        "c": Categorical(["x", "y", "z"]),
        "b": Real(1e-3, 1, prior="log-uniform"),
        "d": stats.uniform(0, 3),
        "e": stats.randint(0, 5),
    }
    space = SearchSpace([first, {"f": Real(1, 2), "g": Integer(0, 3)}] if union else first)
    z = np.random.RandomState(0).uniform(-0.2, 1.2, size=(40, space.n_columns))
    snapped = space.snap(z)
    subs = space.subspace_of(snapped)
    dimensions = [dim for sub in space.subspaces for dim in sub.values()]
    slices = [s for s in space.dimension_slices() if s[0] >= 0]
    assert len(slices) == len(dimensions) == (8 if union else 6)
    for dim, (k, start, stop, _) in zip(dimensions, slices):
        rows = subs == k
        assert rows.any()
        expected = dim.snap(z[rows, start:stop])
        np.testing.assert_array_equal(snapped[rows, start:stop], expected)


def test_sample_unit_continues_a_sobol_engine_block_by_block():
    space = SearchSpace({"a": Real(0, 1), "b": Real(1e-3, 1, prior="log-uniform")})
    engine = space.sobol_engine(np.random.RandomState(0))
    first = space.sample_unit(8, None, method="sobol", engine=engine)
    second = space.sample_unit(5, None, method="sobol", engine=engine)  # of a block of 8
    # The two draws are the first 8 and the next 5 of 8 points of one sequence.
    whole = space.sobol_engine(np.random.RandomState(0)).random(16)
    np.testing.assert_array_equal(first, whole[:8])
    np.testing.assert_array_equal(second, whole[8:13])
    assert engine.num_generated == 16
    # Without an engine, the same seed scrambles the same first block.
    fresh = space.sample_unit(8, np.random.RandomState(0), method="sobol")
    np.testing.assert_array_equal(fresh, first)
