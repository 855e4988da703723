"""Bad input, fuzzed with hypothesis across every search.

Every wrong value must raise a ValueError or TypeError that names what was
wrong, before the first fit. The estimators here record every ``fit`` and
``partial_fit`` call, which proves that no fit started; they stop a search
that got past its checks after a few fits, so that a valid but large value
(``n_iter=10**9``) does not run for long.
"""

import re
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from joblib import parallel_config
from sklearn.exceptions import FitFailedWarning
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import StandardScaler
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier

from skhyper import (
    BayesSearchCV,
    DACSearchCV,
    HyperbandSearchCV,
    HypergradientSearchCV,
    PBTSearchCV,
    Real,
)
from skhyper import _compat

FITS = []
MAX_FITS = 30


class Enough(BaseException):
    """Raised by a recording estimator after MAX_FITS fits: the search got past its checks.

    A BaseException, so that ``error_score`` cannot catch it.
    """


def _record(estimator, method):
    FITS.append((type(estimator).__name__, method))
    if len(FITS) > MAX_FITS:
        raise Enough


class RecordingLogisticRegression(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        _record(self, "fit")
        return super().fit(X, y, sample_weight=sample_weight)


class RecordingRidge(Ridge):
    def fit(self, X, y, sample_weight=None):
        _record(self, "fit")
        return super().fit(X, y, sample_weight=sample_weight)


class RecordingSGDClassifier(SGDClassifier):
    def fit(self, X, y, **kwargs):
        _record(self, "fit")
        return super().fit(X, y, **kwargs)

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        _record(self, "partial_fit")
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)


def _data(n=40, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=n) > 0).astype(int)
    return X, y


C = {"C": Real(1e-2, 1e2, prior="log-uniform")}
ALPHA = {"alpha": Real(1e-4, 1e-1, prior="log-uniform")}


def _lr():
    return RecordingLogisticRegression()


def _sgd():
    return RecordingSGDClassifier(random_state=0)


#: name -> a small search whose every parameter is valid
SEARCHES = {
    "bayes": lambda: BayesSearchCV(_lr(), C, n_iter=4, n_initial_points=2, cv=2),
    "hyperband": lambda: HyperbandSearchCV(_lr(), C, factor=2, min_resources=5, cv=2),
    "hyperband-partial_fit": lambda: HyperbandSearchCV(
        _sgd(), ALPHA, resource="partial_fit", max_resources=4, factor=2, cv=2
    ),
    "pbt": lambda: PBTSearchCV(_sgd(), ALPHA, population_size=2, n_steps=2, interval=1, cv=2),
    "dac": lambda: DACSearchCV(_sgd(), ALPHA, n_steps=2, n_iter=2, cv=2),
    "hypergradient": lambda: HypergradientSearchCV(_lr(), C, max_iter=2, cv=2),
}

#: what the generic fuzz leaves to the tests below it
NOT_FUZZED = {"estimator", "search_spaces"}


def _fit(search, X, y, **params):
    """Fit ``search`` on one process; return (exception or None, fits made)."""
    del FITS[:]
    try:
        with parallel_config(backend="sequential"):
            search.fit(X, y, **params)
    except Enough:
        return None, len(FITS)
    except Exception as exc:  # noqa: BLE001 -- the test inspects it
        return exc, len(FITS)
    return None, len(FITS)


def _assert_refused(error, n_fits, *names):
    """``error`` is a ValueError or TypeError naming one of ``names``; nothing was fitted."""
    assert error is not None, f"accepted: no error naming {names}"
    assert isinstance(error, (ValueError, TypeError)), f"{type(error).__name__}: {error}"
    message = str(error)
    assert any(
        re.search(rf"(?<!\w){re.escape(m)}(?!\w)", message) for n in names for m in (n, repr(n))
    ), (
        f"the error does not name {names}: {message}"
    )
    assert n_fits == 0, f"{n_fits} fits before the error: {message}"


def _satisfies(value, constraints):
    return any(_compat.make_constraint(c).is_satisfied_by(value) for c in constraints)


def _values(options):
    """Any value a user might pass by mistake, and the parameter's own options."""
    numbers = st.one_of(
        st.integers(-3, 12),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from([0, 1, 2, -1, 0.0, 0.5, 1.0, 1.5, 1e-12, 1e12]),
    )
    return st.one_of(
        st.none(),
        st.booleans(),
        numbers,
        st.text(max_size=6),
        st.sampled_from(sorted(options) or ["auto"]),
        st.lists(numbers, max_size=3),
        st.tuples(numbers, numbers),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.just(object()),
        st.just(np.array([1.0, 2.0])),
    )


def _options(constraints):
    return {o for c in constraints if hasattr(c, "options") for o in c.options}


FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", SEARCHES)
def test_the_unfuzzed_searches_run(name):
    """The searches the fuzz starts from are valid: they fit, with no error."""
    error, n_fits = _fit(SEARCHES[name](), *_data())
    assert error is None and n_fits > 0


@pytest.mark.slow
@pytest.mark.parametrize("name", SEARCHES)
@FUZZ
@given(data=st.data())
def test_every_constructor_parameter_fuzzed(name, data):
    """A value that no constraint admits is refused before any fit, naming the parameter.

    A value the constraints admit either runs, or is refused the same way.
    """
    search = SEARCHES[name]()
    constraints = type(search)._parameter_constraints
    param = data.draw(st.sampled_from(sorted(set(constraints) - NOT_FUZZED)), label="param")
    value = data.draw(_values(_options(constraints[param])), label="value")
    search.set_params(**{param: value})
    X, y = _data()
    error, n_fits = _fit(search, X, y)
    if not _satisfies(value, constraints[param]) or error is not None:
        _assert_refused(error, n_fits, param)


# -- search spaces ------------------------------------------------------------------------
def _space_values():
    """What a user might put in a space for one parameter, right or wrong."""
    from scipy import stats

    from skhyper import Categorical, Integer

    return st.one_of(
        st.sampled_from([
            Real(1e-3, 1.0), Real(-1.0, 1.0), Real(0.0, 1.0), Integer(-2, 3), Integer(1, 5),
            Categorical([0.1, 1.0]), Categorical(["a", "b"]), Categorical([None]),
            [0.1, 1.0], [-1.0], [], [float("nan")], ["x"], (0.5,), range(1, 3),
            stats.uniform(0, 1), stats.norm(0, 1), stats.randint(-1, 3), stats.loguniform(1e-3, 1),
        ]),
        st.none(),
        st.integers(-2, 2),
        st.floats(allow_nan=True),
        st.text(max_size=4),
        st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=3),
        st.just(object()),
    )


#: parameters whose every valid value fits with the estimator's other defaults
#: (l1_ratio, say, needs another solver: left to the fits, as in GridSearchCV)
INDEPENDENT = ["C", "alpha", "tol", "max_iter", "eta0"]


def _space_names(search):
    params = [p for p in INDEPENDENT if p in search.estimator.get_params()]
    return st.one_of(st.sampled_from(params), st.text(max_size=6), st.just("step__C"))


@pytest.mark.slow
@pytest.mark.parametrize("name", SEARCHES)
@FUZZ
@given(data=st.data())
def test_search_spaces_fuzzed(name, data):
    """A space of any names and values either runs, or is refused before any fit
    with the parameter named: an unknown name, a value the estimator's own
    constraints refuse (C=-1, alpha=nan), an empty or malformed space."""
    search = SEARCHES[name]()
    space = data.draw(st.dictionaries(_space_names(search), _space_values(), max_size=2))
    space = data.draw(st.sampled_from([space, [space], [space, {}]]), label="space")
    search.set_params(search_spaces=space)
    X, y = _data()
    error, n_fits = _fit(search, X, y)
    if n_fits and _all_failed(error):
        # a value that passes the estimator's own constraints but not its fit's
        # checks across parameters (SGD's alpha=0 with learning_rate="optimal"),
        # or a list whose only accepted values fail so: left to the fits and
        # error_score, as in GridSearchCV
        return
    # an empty dict, alone or in a union, means the estimator's defaults, as
    # in GridSearchCV
    if error is not None:
        names = (["search_spaces", "search space"] + list(space if isinstance(space, dict)
                                                         else space[0]))
        _assert_refused(error, n_fits, *[str(n) for n in names])


def _all_failed(error):
    """Whether ``error`` is GridSearchCV's own error when every fit failed."""
    return error is not None and re.match(r"\s*All the \d+ fits failed", str(error))


@pytest.mark.parametrize("name", SEARCHES)
@pytest.mark.parametrize(
    "space, named",
    [
        ({"nonexistent": [1.0]}, "nonexistent"),
        ({"C": [1.0], "alpha": Real(-1.0, -0.5)}, "C"),  # one of the two is foreign
    ],
)
def test_a_name_the_estimator_does_not_have_is_refused(name, space, named):
    search = SEARCHES[name]()
    search.set_params(search_spaces=space)
    error, n_fits = _fit(search, *_data())
    _assert_refused(error, n_fits, named, "alpha")


@pytest.mark.parametrize("name", SEARCHES)
def test_a_value_the_estimator_refuses_is_refused_before_any_fit(name):
    """The estimator's own _parameter_constraints judge the space's values."""
    search = SEARCHES[name]()
    param = "C" if "C" in search.search_spaces else "alpha"
    search.set_params(search_spaces={param: Real(-1.0, 1.0)})  # negative C or alpha
    error, n_fits = _fit(search, *_data())
    _assert_refused(error, n_fits, param)
    assert "refuses" in str(error) and "-0.9999" in str(error)  # just inside -1


def test_the_ends_of_a_real_range_are_not_values_a_draw_gives():
    """Real(0, 1) for C (which must be above 0) is fine: no draw lands on 0."""
    search = BayesSearchCV(_lr(), {"C": Real(0.0, 1.0)}, n_iter=3, n_initial_points=2, cv=2,
                           random_state=0)
    error, n_fits = _fit(search, *_data())
    assert error is None and n_fits > 0


def _fit_recording_warnings(search, X, y, **params):
    """:func:`_fit`, with every warning recorded in FITS among the fits, in
    the order they came."""
    shown = warnings.showwarning

    def record(message, category, *args, **kwargs):
        FITS.append(("warning", category, str(message)))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = record
            error, _ = _fit(search, X, y, **params)
    finally:
        warnings.showwarning = shown
    return error, list(FITS)


def _with_some_refused_values(name):
    """``(search, param, X, y)``: the search over a list of which the
    estimator refuses -1.0 only."""
    search = SEARCHES[name]()
    param = "C" if "C" in search.search_spaces else "alpha"
    space = {param: [0.5, 0.1, 0.05, -1.0]}
    X, y = _data()
    if name == "hypergradient":  # a list is not descended: one beside alpha
        param, space = "tol", {"alpha": Real(1e-3, 1e1, prior="log-uniform"),
                               "tol": [1e-4, -1.0]}
        search.set_params(estimator=RecordingRidge(), max_iter=4)
        y = X[:, 0] + 0.1 * y
    search.set_params(search_spaces=space, random_state=0)
    return search, param, X, y


@pytest.mark.parametrize("name", SEARCHES)
def test_a_list_with_some_refused_values_is_evaluated_as_gridsearchcv_does(name):
    """{"C": [0.5, -1.0]}: the settings with C=-1 fail and score error_score,
    after one warning, before the first fit, naming them (scikit-learn's own
    test_search_cv_timing evaluates LinearSVC with C=0 so)."""
    search, param, X, y = _with_some_refused_values(name)
    error, events = _fit_recording_warnings(search, X, y)
    assert error is None, error
    notes = [e for e in events if e[0] == "warning" and "refuses some values" in e[2]]
    assert len(notes) == 1 and events[0] is notes[0], events[:3]
    assert f"{param!r} = [-1.0]" in notes[0][2]
    assert notes[0][1] is UserWarning
    assert len(events) > 1  # and then it fitted


def test_the_refused_values_score_error_score_as_in_gridsearchcv():
    from sklearn.model_selection import GridSearchCV

    X, y = _data()
    space = {"penalty": ["l2", "l3"], "C": [0.5, 2.0]}
    ours = BayesSearchCV(_lr(), space, n_iter=4, cv=2, error_score=-7.0, random_state=0)
    theirs = GridSearchCV(_lr(), space, cv=2, error_score=-7.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours.fit(X, y)
        theirs.fit(X, y)
    for results in (ours.cv_results_, theirs.cv_results_):
        assert sorted(
            (p["penalty"], p["C"], s) for p, s in zip(results["params"], results["mean_test_score"])
        ) == sorted(
            (p["penalty"], p["C"], s)
            for p, s in zip(theirs.cv_results_["params"], theirs.cv_results_["mean_test_score"])
        )
    assert (theirs.cv_results_["mean_test_score"] == -7.0).sum() == 2


@pytest.mark.parametrize("name", SEARCHES)
@pytest.mark.parametrize("values", [[-1.0], [-1.0, float("nan")]])
def test_a_list_of_only_refused_values_is_refused(name, values):
    """Every fit would fail: refused before the first, naming the parameter."""
    search = SEARCHES[name]()
    param = "C" if "C" in search.search_spaces else "alpha"
    search.set_params(search_spaces={param: values})
    error, n_fits = _fit(search, *_data())
    _assert_refused(error, n_fits, param)
    assert "every value" in str(error)


def test_a_union_with_a_subspace_of_only_refused_values_is_evaluated():
    """[{"C": [0]}, {"C": [1.0]}] for LinearSVC: every fit of the first
    subspace fails, not every fit: evaluated as GridSearchCV does, after one
    warning naming it (found by a review)."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.svm import LinearSVC

    X, y = _data()
    space = [{"C": [0]}, {"C": [1.0]}]
    grid = GridSearchCV(LinearSVC(), space, cv=2, error_score=0).fit(X, y)
    with pytest.warns(UserWarning, match=r"'C' = \[0\] \(subspace 0\)"):
        ours = BayesSearchCV(LinearSVC(), space, n_iter=2, cv=2, error_score=0,
                             random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.cv_results_["mean_test_score"],
                                  grid.cv_results_["mean_test_score"])
    with pytest.raises(ValueError, match="every value of 'C'.*in every subspace"):
        BayesSearchCV(LinearSVC(), [{"C": [0]}, {"C": [-1.0]}], n_iter=2, cv=2).fit(X, y)


class AlwaysFails(RecordingLogisticRegression):
    def fit(self, X, y, sample_weight=None):
        _record(self, "fit")
        raise RuntimeError("fails whatever its C")


def test_known_refused_values_do_not_keep_a_failing_search_going():
    """A space with a refused value still gives up after its initial design
    when the settings without one fail too (it ran every setting: a review)."""
    X, y = _data()
    counts = {}
    for values in ([1.0, 2.0, 3.0, 4.0], [-1.0, 1.0, 2.0, 3.0, 4.0]):
        search = BayesSearchCV(AlwaysFails(), {"C": values}, n_iter=3, n_initial_points=2,
                               cv=2, random_state=0)
        error, n_fits = _fit(search, X, y)
        assert _all_failed(error), error
        counts[len(values)] = n_fits
    assert counts == {4: 4, 5: 4}  # the initial design: 2 settings x 2 folds


@pytest.mark.parametrize("name", SEARCHES)
def test_a_refused_value_under_error_score_raise_is_refused(name):
    """error_score='raise' would stop at the first failing fit: said first."""
    search, param, X, y = _with_some_refused_values(name)
    search.set_params(error_score="raise")
    error, n_fits = _fit(search, X, y)
    _assert_refused(error, n_fits, param)
    assert "error_score='raise'" in str(error)


def test_a_name_settable_but_not_in_get_params_is_accepted():
    """A third-party estimator need not list every settable name in
    get_params: a name is valid when a clone's set_params accepts it (and
    refused, before any fit, when set_params refuses it)."""
    from sklearn.pipeline import Pipeline
    from sklearn.utils._testing import MinimalClassifier, MinimalTransformer

    X, y = _data()
    pipe = Pipeline([("t", MinimalTransformer()), ("p", MinimalClassifier())])
    search = BayesSearchCV(pipe, {"p__parama": [1, 10], "t__param": [1, 10]}, n_iter=4,
                           cv=2, random_state=0)
    error, n_fits = _fit(search, X, y)
    assert error is None, error
    assert sorted(p["p__parama"] for p in search.cv_results_["params"]) == [1, 1, 10, 10]

    class Strict(MinimalClassifier):
        def set_params(self, **params):
            if set(params) - {"param"}:
                raise KeyError(f"no such parameter: {sorted(params)}")
            return super().set_params(**params)

    search.set_params(estimator=Pipeline([("p", Strict())]), search_spaces={"p__nope": [1]})
    error, n_fits = _fit(search, X, y)
    _assert_refused(error, n_fits, "p__nope")
    assert "KeyError" in str(error)


def test_the_space_s_own_objects_are_not_changed_by_the_checks():
    """{"clf": [est], "clf__C": [...]}: the checks set values on a clone, never
    on the objects of the user's space."""
    from sklearn.pipeline import Pipeline

    inner = _lr()
    space = {"clf": [inner], "clf__C": [0.01]}
    search = BayesSearchCV(Pipeline([("clf", _lr())]), space, n_iter=1, cv=2, random_state=0)
    _fit(search, *_data())
    assert inner.C == 1.0 and search.best_estimator_.named_steps["clf"].C == 0.01


def test_a_parameter_of_an_estimator_the_space_chooses_is_left_to_the_fit():
    """{"clf": [SGDClassifier()], "clf__eta0": ...}: eta0 is the chosen step's."""
    from sklearn.pipeline import Pipeline

    pipe = Pipeline([("clf", _lr())])
    space = {"clf": [RecordingSGDClassifier(random_state=0)], "clf__eta0": [0.1, 0.2]}
    search = BayesSearchCV(pipe, space, n_iter=2, n_initial_points=2, cv=2, random_state=0)
    error, n_fits = _fit(search, *_data())
    assert error is None and n_fits > 0


# -- estimator, resource, dynamic ---------------------------------------------------------
def _estimators():
    from sklearn.linear_model import Ridge
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return st.sampled_from([
        _lr(), _sgd(), Ridge(), KNeighborsClassifier(), make_pipeline(StandardScaler(), _sgd()),
    ])


TRAINING = {
    "hyperband": ["n_samples", "partial_fit", "max_iter", "n_neighbors", "alpha", "nope"],
    "hyperband-partial_fit": ["partial_fit", "max_iter", "sgdclassifier__max_iter", "nope"],
    "pbt": ["partial_fit", "max_iter", "sgdclassifier__max_iter", "alpha", "", "nope"],
    "dac": ["partial_fit", "max_iter", "sgdclassifier__max_iter", "alpha", "nope"],
}


@pytest.mark.slow
@pytest.mark.parametrize("name", SEARCHES)
@FUZZ
@given(data=st.data())
def test_incompatible_estimator_resource_and_dynamic(name, data):
    """Any estimator with any resource (and, for DAC, any dynamic list) either
    runs or is refused before any fit, naming what does not fit together."""
    search = SEARCHES[name]()
    estimator = data.draw(_estimators(), label="estimator")
    params = sorted(estimator.get_params())
    space_name = data.draw(st.sampled_from([p for p in params if p.endswith(("alpha", "C",
                                            "n_neighbors", "eta0"))] or params), label="space")
    space = {space_name: [1, 2] if space_name.endswith("n_neighbors") else Real(0.01, 1.0)}
    search.set_params(estimator=estimator, search_spaces=space)
    if name in TRAINING:
        search.set_params(resource=data.draw(st.sampled_from(TRAINING[name]), label="resource"))
    if name == "dac":
        search.set_params(dynamic=data.draw(
            st.sampled_from([None, [], [space_name], ["nope"], [space_name, "nope"]]),
            label="dynamic",
        ))
    y_kind = data.draw(st.sampled_from(["class", "real"]), label="y")
    X, y = _data()
    if y_kind == "real":
        y = X[:, 0] + 0.1
    error, n_fits = _fit(search, X, y)
    if error is not None:
        _assert_refused(error, n_fits, "estimator", "resource", "dynamic", "search_spaces",
                        "safe_to_change", "n_steps", "max_resources", "min_resources",
                        "y", "cv", space_name, type(estimator).__name__)


# -- data ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SEARCHES)
@settings(max_examples=10, deadline=None, derandomize=True)
@given(n_X=st.integers(6, 40), n_y=st.integers(6, 40))
def test_X_and_y_of_different_lengths(name, n_X, n_y):
    X, y = _data(40)
    error, n_fits = _fit(SEARCHES[name](), X[:n_X], y[:n_y])
    if n_X != n_y:
        _assert_refused(error, n_fits, "X")
        assert f"X has {n_X}, y has {n_y}" in str(error)


@pytest.mark.parametrize("name", SEARCHES)
def test_sample_weight_of_another_length(name):
    X, y = _data()
    error, n_fits = _fit(SEARCHES[name](), X, y, sample_weight=np.ones(len(y) - 1))
    _assert_refused(error, n_fits, "sample_weight")


@pytest.mark.parametrize("name", SEARCHES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@settings(max_examples=5, deadline=None, derandomize=True)
@given(where=st.tuples(st.integers(0, 39), st.integers(0, 2)), sparse=st.booleans())
def test_nan_or_inf_in_X_for_an_estimator_that_refuses_them(name, bad, where, sparse):
    import scipy.sparse as sps

    X, y = _data()
    X[where] = bad
    error, n_fits = _fit(SEARCHES[name](), sps.csr_matrix(X) if sparse else X, y)
    _assert_refused(error, n_fits, "X")
    assert ("NaN" if np.isnan(bad) else "inf") in str(error)


def test_nan_in_X_is_left_to_an_estimator_that_takes_it():
    """A Pipeline that imputes, and an estimator whose tags allow NaN, get NaN."""
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline

    X, y = _data()
    X[3, 1] = np.nan
    pipe = make_pipeline(SimpleImputer(), _lr())
    search = BayesSearchCV(pipe, {"recordinglogisticregression__C": Real(0.1, 1.0)}, n_iter=2,
                           cv=2,
                           n_initial_points=2, random_state=0)
    error, n_fits = _fit(search, X, y)
    assert error is None and n_fits > 0

    class NanTolerant(RecordingLogisticRegression):
        def __sklearn_tags__(self):
            tags = super().__sklearn_tags__()
            tags.input_tags.allow_nan = True
            return tags

        def fit(self, X, y, sample_weight=None):
            return super().fit(np.nan_to_num(X), y, sample_weight)

    search = BayesSearchCV(NanTolerant(), C, n_iter=2, cv=2, n_initial_points=2,
                           random_state=0)
    error, n_fits = _fit(search, X, y)
    assert error is None and n_fits > 0


def _imputing_space(choices):
    return {"impute": choices, "recordinglogisticregression__C": Real(0.1, 1.0)}


@pytest.mark.parametrize("choices, outcome", [
    ([SimpleImputer(), SimpleImputer(strategy="median")], "fits"),  # every one imputes
    (["passthrough", SimpleImputer()], "fits"),  # one of them does
    (["passthrough"], "refused"),  # none does
    ([None], "refused"),  # none does: the step is dropped
    # StandardScaler takes NaN and passes it on: the fits fail, as in GridSearchCV
    ([None, StandardScaler()], "fails"),
])
def test_nan_is_judged_by_the_steps_the_space_chooses(choices, outcome):
    """A "passthrough" placeholder that the space replaces with an imputer
    (scikit-learn's own Pipeline idiom): NaN is refused only when every
    estimator that may receive X first refuses it."""
    from sklearn.pipeline import Pipeline

    X, y = _data()
    X[::7, 0] = np.nan
    pipe = Pipeline([("impute", "passthrough"), ("recordinglogisticregression", _lr())])
    search = BayesSearchCV(pipe, _imputing_space(choices), n_iter=4, cv=2, random_state=0)
    error, n_fits = _fit(search, X, y)
    if outcome == "refused":
        _assert_refused(error, n_fits, "X")
        assert "NaN" in str(error)
    else:
        assert n_fits > 0 and (error is None) == (outcome == "fits"), error


@pytest.mark.parametrize("name", SEARCHES)
@pytest.mark.parametrize("label", [0, "a"])
def test_a_single_class_is_left_to_the_fits(name, label):
    """A single class in y does not make every fit fail (a tree or a dummy
    classifier fits it): the fits decide, as in GridSearchCV, whose error
    when they all fail is the one raised."""
    from sklearn.model_selection import GridSearchCV

    X, _ = _data()
    y = np.array([label] * len(X))
    search = SEARCHES[name]()
    error, n_fits = _fit(search, X, y)
    assert n_fits > 0 and _all_failed(error), error
    assert re.search("at least 2 classes|got 1 class", str(error)), error
    with pytest.raises(ValueError, match=r"All the \d+ fits failed"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            GridSearchCV(LogisticRegression(), {"C": [1.0]}, cv=2).fit(X, y)


def test_a_single_class_is_fitted_by_a_classifier_that_can():
    from sklearn.tree import DecisionTreeClassifier

    X, _ = _data()
    search = BayesSearchCV(DecisionTreeClassifier(random_state=0), {"max_depth": [1, 2]},
                           n_iter=2, cv=2, random_state=0)
    search.fit(X, np.zeros(len(X), dtype=int))
    np.testing.assert_array_equal(search.cv_results_["mean_test_score"], 1.0)


@pytest.mark.parametrize("name", SEARCHES)
def test_a_training_fold_with_a_single_class_is_evaluated(name, monkeypatch):
    """Unshuffled KFold(4) on sorted labels: the first fold trains on one class
    only. Not refused: a model fitted by ``fit`` fails there and scores
    error_score, as in GridSearchCV (scikit-learn's
    test_search_cv_results_none_param), and one trained by ``partial_fit``,
    which is told every class, learns it."""
    from sklearn.model_selection import KFold

    monkeypatch.setattr(sys.modules[__name__], "MAX_FITS", 10**6)
    X, _ = _data()
    y = np.r_[np.zeros(10, dtype=int), np.ones(30, dtype=int)]
    cv = KFold(4)
    assert len(np.unique(y[next(cv.split(X))[0]])) == 1
    search = SEARCHES[name]().set_params(cv=cv, random_state=0)
    by_fit = isinstance(search.estimator, LogisticRegression)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error, n_fits = _fit(search, X, y)
    assert error is None and n_fits > 0
    failed = [w for w in caught if issubclass(w.category, FitFailedWarning)]
    assert len(failed) == by_fit
    results = search.cv_results_
    assert np.isnan(results["split0_test_score"]).all() == by_fit
    assert np.isfinite(results["split1_test_score"]).all()


@pytest.mark.parametrize("name", SEARCHES)
def test_a_single_class_is_fine_for_a_regressor(name):
    """A constant target is a classifier's problem only."""
    from sklearn.linear_model import Ridge, SGDRegressor

    search = SEARCHES[name]()
    regressor = SGDRegressor(random_state=0) if isinstance(search.estimator, SGDClassifier) \
        else Ridge()
    param = "alpha"
    search.set_params(estimator=regressor, search_spaces={param: Real(1e-3, 1.0)})
    X, _ = _data()
    error, n_fits = _fit(search, X, np.ones(len(X)))
    assert error is None, error


# -- what a longer, randomly seeded run of the fuzz found ---------------------------------
def test_an_initial_design_larger_than_n_iter_is_not_drawn():
    """n_initial_points=2**31 with n_iter=3 drew a 2**31-point design (32 GiB)."""
    search = BayesSearchCV(_lr(), C, n_iter=3, n_initial_points=2**31, cv=2, random_state=0)
    error, n_fits = _fit(search, *_data())
    assert error is None and len(search.cv_results_["params"]) == 3


@pytest.mark.parametrize("name", ["pbt", "dac"])
def test_safe_to_change_must_hold_names(name):
    """safe_to_change=[0] crashed with "can only concatenate str (not "int") to str"."""
    search = SEARCHES[name]().set_params(safe_to_change=[0])
    error, n_fits = _fit(search, *_data())
    _assert_refused(error, n_fits, "safe_to_change")


def test_a_huge_hyperband_iterations_costs_no_memory():
    """hyperband_iterations=10**12 (to be ended by a stopper) built a list of
    every bracket before the first fit, and the worker ran out of memory."""
    search = SEARCHES["hyperband"]().set_params(hyperband_iterations=10**12)
    error, n_fits = _fit(search, *_data())
    assert error is None and n_fits > 0
    n_per_iteration = len(search.metadata_["brackets"])
    assert search.metadata_["n_brackets"] == 10**12 * n_per_iteration


@settings(max_examples=40, deadline=None, derandomize=True)
@given(costs=st.lists(st.integers(1, 50), min_size=1, max_size=5),
       budget=st.integers(1, 2000))
def test_the_computed_plan_is_the_greedy_one(costs, budget):
    """Brackets in Hyperband's order while the budget pays, one by one."""
    from skhyper import _schedule

    schedule = [f"bracket {k}" for k in range(len(costs))]
    cost = dict(zip(schedule, costs))
    original = _schedule._bracket_units
    try:
        _schedule._bracket_units = lambda bracket, continued: cost[bracket]
        if budget < costs[0]:
            with pytest.raises(ValueError, match="max_budget"):
                _schedule._plan_brackets(schedule, 1, budget, False)
            return
        plan = list(_schedule._plan_brackets(schedule, 1, budget, False))
    finally:
        _schedule._bracket_units = original
    greedy, spent = [], 0
    while spent + costs[len(greedy) % len(costs)] <= budget:
        spent += costs[len(greedy) % len(costs)]
        greedy.append(divmod(len(greedy), len(costs)))
    assert plan == greedy


def test_n_candidates_has_a_ceiling():
    """n_candidates=2**28 ran out of memory in the first ask after the design."""
    search = SEARCHES["bayes"]().set_params(n_candidates=2**28)
    error, n_fits = _fit(search, *_data())
    _assert_refused(error, n_fits, "n_candidates")


def test_generation_size_true_is_one():
    """generation_size=True passes scikit-learn's Integral constraint (as n_jobs=True
    does in GridSearchCV), and crashed with "an integer is required"."""
    search = SEARCHES["dac"]().set_params(generation_size=True)
    error, n_fits = _fit(search, *_data())
    assert error is None and n_fits > 0
