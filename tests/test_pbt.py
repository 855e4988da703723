import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import KFold
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils import check_random_state

from skhyper import Categorical, Integer, PBTSearchCV, Real, SearchSpace
from skhyper._training import Stepper, replay
from skhyper._pbt import explore_perturb, perturb_value

from ._estimators import ConstantClassifier, DivergesAbove, block_problem


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def _sgd():
    return SGDClassifier(learning_rate="constant", shuffle=False, random_state=0)


SPACE = {
    "eta0": Real(1e-4, 1e-1, prior="log-uniform"),
    "alpha": Real(1e-6, 1e-2, prior="log-uniform"),
}


# -- explore ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "dim, value, factor, expected",
    [
        (Real(1e-4, 1.0, prior="log-uniform"), 0.01, 1.2, 0.012),
        (Real(1e-4, 1.0, prior="log-uniform"), 0.01, 0.8, 0.008),
        (Real(0.5, 2.0), 1.0, 1.2, 1.2),  # a positive range moves by the ratio
        (Real(0.5, 2.0), 1.9, 1.2, 2.0),  # clipped
        (Real(-1.0, 1.0), 0.0, 1.2, 0.4),  # reaching zero: a fifth of the width
        (Real(-1.0, 1.0), 0.0, 0.8, -0.4),
        (Integer(1, 100), 50, 1.2, 60),
        (Integer(1, 10), 2, 1.2, 3),  # 2.4 rounds back to 2: the neighbour
        (Integer(1, 10), 2, 0.8, 1),
        (Integer(1, 10), 10, 1.2, 10),  # the neighbour is clipped
    ],
)
def test_perturb_value(dim, value, factor, expected):
    assert perturb_value(dim.check("p"), value, factor) == pytest.approx(expected)


def test_perturb_value_of_distributions_and_categories():
    from skhyper.space._dimensions import Distribution

    log = Distribution(loguniform(1e-3, 1e1)).check("p")
    assert perturb_value(log, 0.1, 1.2) == pytest.approx(0.12)
    ints = Distribution(stats.randint(1, 20)).check("p")
    moved = perturb_value(ints, 10, 1.2)
    assert moved == 12 and float(moved).is_integer()
    cat = Categorical(["a", "b", "c"]).check("p")
    draws = {perturb_value(cat, "a", 1.2, seed) for seed in range(30)}
    assert draws == {"a", "b", "c"}


def test_explore_resamples_or_moves_every_parameter():
    space = SearchSpace({"x": Real(0.1, 10.0, prior="log-uniform"), "k": Integer(1, 50)})
    params = {"x": 1.0, "k": 20}
    rng = check_random_state(0)
    for _ in range(20):
        moved = explore_perturb(space, params, rng, 0.0, (0.8, 1.2))
        assert moved["x"] in (pytest.approx(0.8), pytest.approx(1.2))
        assert moved["k"] in (16, 24)
    resampled = [explore_perturb(space, params, rng, 1.0, (0.8, 1.2)) for _ in range(20)]
    assert len({p["x"] for p in resampled}) == 20


def _randint(low, high):
    """``randint(low, high + 1)``: the integers low..high, as Integer(low, high)."""
    return SearchSpace({"k": stats.randint(low, high + 1)}).subspaces[0]["k"]


@pytest.mark.parametrize("value, factor, expected", [
    (2, 1.2, 3), (3, 1.2, 4), (4, 1.2, 5), (6, 1.2, 7),  # floored, they stayed
    (2, 0.8, 1), (3, 0.8, 2), (6, 0.8, 5), (8, 0.8, 6),  # 4.8 was floored to 4
    (10, 1.2, 10), (1, 0.8, 1),  # the neighbour is clipped to the support
])
def test_a_scipy_integer_distribution_moves_as_integer_does(value, factor, expected):
    integer = Integer(1, 10).check("k")
    assert perturb_value(_randint(1, 10), value, factor) == expected
    assert perturb_value(integer, value, factor) == expected
    assert isinstance(perturb_value(_randint(1, 10), value, factor), int)


_POISSON = SearchSpace({"k": stats.poisson(6)}).subspaces[0]["k"]  # support from 0
_BINOM = SearchSpace({"k": stats.binom(20, 0.5)}).subspaces[0]["k"]  # 0..20


@pytest.mark.slow
@pytest.mark.parametrize("dim, starts", [
    (Integer(1, 10), (3, 5, 8)),
    (_randint(1, 10), (3, 5, 8)),
    (Integer(1, 100, prior="log-uniform"), (3, 8, 40)),
    (_randint(1, 100), (3, 8, 40)),
    # ranges from 0 move by a fifth of their width: interior values only
    (_POISSON, (8, 10)),
    (_BINOM, (6, 10, 14)),
], ids=["Integer", "randint", "Integer-log", "randint-wide", "poisson", "binom"])
def test_explore_of_an_integer_is_unbiased_in_the_interior(dim, starts):
    # one explore step (no resampling) from an interior value: the mean of
    # many draws is the value, as x0.8 and x1.2 average to x1
    space = SearchSpace({"k": dim})
    for start in starts:
        rng = check_random_state(start)
        moves = [
            explore_perturb(space, {"k": start}, rng, 0.0, (0.8, 1.2))["k"]
            for _ in range(2000)
        ]
        assert all(isinstance(k, int) and k != start for k in moves)
        # within four standard errors (the draws are seeded: no flakiness)
        assert abs(np.mean(moves) - start) < 4 * np.std(moves) / np.sqrt(len(moves))


def _walk(space, seed, start=5, n=30):
    rng, params = check_random_state(seed), {"k": start}
    for _ in range(n):
        params = explore_perturb(space, params, rng, 0.0, (0.8, 1.2))
    return params["k"]


@pytest.mark.slow
def test_a_walk_of_explores_on_randint_is_the_walk_on_integer():
    # randint used to be floored at every move and drifted to its lower bound
    integer = SearchSpace({"k": Integer(1, 10)})
    dist = SearchSpace({"k": _randint(1, 10)})
    ends = [_walk(dist, seed) for seed in range(100)]
    assert ends == [_walk(integer, seed) for seed in range(100)]
    assert 3 < np.mean(ends) < 7


def test_explore_stays_in_the_subspace_of_a_union():
    space = SearchSpace([{"a": Real(1.0, 2.0)}, {"b": Real(1.0, 2.0), "c": ["u", "v"]}])
    moved = explore_perturb(space, {"b": 1.5, "c": "u"}, 0, 0.5, (0.8, 1.2))
    assert set(moved) == {"b", "c"}


# -- the search -------------------------------------------------------------------
def _train_from_scratch(est, params, X, y, n_steps, fold):
    train, test = fold
    model = clone(est).set_params(**params)
    stepper = Stepper("partial_fit", classes=np.unique(y))
    stepper.train(model, X[train], y[train], 0, n_steps, {})
    return model.score(X[test], y[test])


@pytest.mark.slow
def test_interval_equal_to_n_steps_is_random_search_at_equal_compute(digits):
    X, y = digits
    search = PBTSearchCV(
        _sgd(), SPACE, population_size=5, n_steps=4, interval=4, cv=KFold(3),
        random_state=0,
    ).fit(X, y)
    res = search.cv_results_
    assert len(res["params"]) == 5
    assert list(res["parent"]) == [-1] * 5 and set(res["n_resources"]) == {4}
    # the population is five draws from the space, each trained 4 epochs
    assert res["params"] == SearchSpace(SPACE).sample(5, check_random_state(0))
    folds = list(KFold(3).split(X))
    for row, params in enumerate(res["params"]):
        for k, fold in enumerate(folds):
            assert res[f"split{k}_test_score"][row] == pytest.approx(
                _train_from_scratch(_sgd(), params, X, y, 4, fold), abs=1e-12
            )
    assert search.best_schedule_ == [(0, search.best_params_)]


def _pbt(**params):
    return PBTSearchCV(
        _sgd(), SPACE, **{"population_size": 6, "n_steps": 6, "interval": 2,
                          "cv": KFold(2), "random_state": 0, **params},
    )


@pytest.mark.slow
def test_rows_lineage_and_replayed_schedule(digits):
    X, y = digits
    search = _pbt().fit(X, y)
    res = search.cv_results_
    assert len(res["params"]) == 6 * 3
    np.testing.assert_array_equal(res["iter"], np.repeat([0, 1, 2], 6))
    np.testing.assert_array_equal(res["n_resources"], np.repeat([2, 4, 6], 6))
    # ceil(0.25 * 6) = 2 members exploit at each of the two exploits
    assert [(res["parent"][res["iter"] == r] >= 0).sum() for r in range(3)] == [0, 2, 2]
    # a copied member starts from its parent's params, explored
    for row in np.flatnonzero(res["parent"] >= 0):
        assert res["params"][row] != res["params"][row - 6]
    assert res["n_resources"][search.best_index_] == 6
    assert search.best_params_ == res["params"][search.best_index_]
    assert search.best_schedule_[-1][1] == search.best_params_
    assert [step for step, _ in search.best_schedule_] == sorted(
        step for step, _ in search.best_schedule_
    )
    # Replaying the schedule from scratch on a fold's training data gives that
    # fold's final model: the same held-out score, exactly.
    stepper = Stepper("partial_fit", classes=np.unique(y))
    for k, (train, test) in enumerate(KFold(2).split(X)):
        model = replay(stepper, _sgd(), X[train], y[train], search.best_schedule_, 6, {})
        assert model.score(X[test], y[test]) == res[f"split{k}_test_score"][search.best_index_]
    # and the refit is the same replay on all the data
    model = replay(stepper, _sgd(), X, y, search.best_schedule_, 6, {})
    np.testing.assert_array_equal(search.best_estimator_.coef_, model.coef_)
    assert search.best_estimator_.t_ == model.t_


@pytest.mark.slow
def test_same_seed_same_results_for_any_n_jobs(digits):
    X, y = digits
    one = _pbt(n_jobs=1).fit(X, y).cv_results_
    two = _pbt(n_jobs=2).fit(X, y).cv_results_
    np.testing.assert_array_equal(one["mean_test_score"], two["mean_test_score"])
    assert one["params"] == two["params"]
    np.testing.assert_array_equal(one["parent"], two["parent"])


@pytest.mark.slow
def test_pipeline_and_multimetric(digits):
    X, y = digits
    pipe = Pipeline([("scale", StandardScaler()), ("clf", _sgd())])
    search = PBTSearchCV(
        pipe, {"clf__" + k: v for k, v in SPACE.items()}, population_size=4, n_steps=4,
        interval=2, scoring=["accuracy", "balanced_accuracy"], refit="balanced_accuracy",
        cv=3, random_state=0,
    ).fit(X, y)
    assert search.multimetric_
    assert set(search.best_params_) == {"clf__eta0", "clf__alpha"}
    assert search.best_estimator_.named_steps["clf"].t_ > 1
    assert search.score(X, y) > 0.8


def test_warm_start_resource_with_histogram_gradient_boosting():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    search = PBTSearchCV(
        HistGradientBoostingClassifier(max_iter=6, early_stopping=False, random_state=0),
        {"learning_rate": Real(0.01, 0.5, prior="log-uniform")},
        population_size=4, interval=2, cv=2, random_state=0,
    ).fit(X, y)
    assert search.n_steps_ == 6
    assert search.best_estimator_.n_iter_ == 6
    assert set(search.cv_results_["n_resources"]) == {2, 4, 6}


def test_a_failed_member_ranks_last_and_is_replaced():
    X, y = make_classification(n_samples=60, random_state=0)
    search = PBTSearchCV(
        DivergesAbove(), {"eta0": Real(0.01, 0.6)}, population_size=8, n_steps=4,
        interval=1, safe_to_change=["eta0"], cv=2, random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    first = res["iter"] == 0
    failed = np.flatnonzero(first & np.isnan(res["mean_test_score"]))
    assert 1 <= len(failed) <= 2  # at most the bottom group, ceil(0.25 * 8)
    # the failed members are the ones that exploit next round
    replaced = set(np.flatnonzero(res["parent"][res["iter"] == 1] >= 0))
    assert set(res["member"][failed]) <= replaced
    assert np.isfinite(search.best_score_)


def _failed_rows(res, error_score):
    scores = res["split0_test_score"]
    return np.isnan(scores) if np.isnan(error_score) else scores == error_score


@pytest.mark.parametrize("high", [0.6, 0.9])  # a few failed members, or half of them
@pytest.mark.parametrize("error_score", [np.nan, 0.0, 1.0])
def test_failed_members_rank_last_are_never_copied_and_never_best(error_score, high):
    # DivergesAbove scores below zero: error_score=0 or 1 told as a score
    # would rank a failed member first, and exploit would spread the failure.
    X, y = make_classification(n_samples=60, random_state=0)
    search = PBTSearchCV(
        DivergesAbove(), {"eta0": Real(0.01, high)}, population_size=8, n_steps=5,
        interval=1, safe_to_change=["eta0"], cv=2, random_state=0,
        error_score=error_score, refit=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    res = search.cv_results_
    failed = _failed_rows(res, error_score)
    assert failed[res["iter"] == 0].sum() >= (1 if high < 0.9 else 3)
    for r in range(1, res["iter"].max() + 1):
        before, now = res["iter"] == r - 1, res["iter"] == r
        failed_before = set(res["member"][before & failed])
        parents = res["parent"][now]
        # never copied, and every failed member replaced at the next exploit
        assert not failed_before & set(parents[parents >= 0])
        assert failed_before <= set(res["member"][now & (res["parent"] >= 0)])
    # the failure does not spread: no round has more failed members than the first
    counts = [failed[res["iter"] == r].sum() for r in range(res["iter"].max() + 1)]
    assert max(counts) == counts[0]
    assert not failed[search.best_index_]
    assert res["n_resources"][search.best_index_] == 5
    assert search.best_score_ < 0


@pytest.mark.parametrize(
    "params, error, match",
    [
        ({"estimator": SVC()}, ValueError, "neither"),
        ({"population_size": 1}, ValueError, "population_size"),
        ({"interval": 0}, ValueError, "interval"),
        ({"interval": 9, "n_steps": 4}, ValueError, "interval=9 is more than n_steps=4"),
        ({"quantile": 0.0}, ValueError, "quantile"),
        ({"quantile": 0.6}, ValueError, "quantile"),
        ({"resample_probability": 1.5}, ValueError, "resample_probability"),
        ({"perturbation_factors": (0.8, -1.2)}, ValueError, "perturbation_factors"),
        ({"perturbation_factors": ()}, ValueError, "perturbation_factors"),
        ({"explore": "bogus"}, ValueError, "explore"),
        ({"search_spaces": {"loss": ["hinge", "log_loss"]}}, ValueError,
         r"\['loss'\] cannot safely change"),
        ({"n_steps": "auto"}, ValueError, "needs n_steps"),
        ({"estimator": MultinomialNB(), "resource": "alpha",
          "search_spaces": {"fit_prior": [True, False]}}, ValueError,
         "resource='alpha': PBTSearchCV trains by"),
        ({"estimator": HistGradientBoostingClassifier(),
          "search_spaces": {"max_iter": [5, 10]}}, ValueError, "also in search_spaces"),
    ],
)
def test_bad_input_raises_before_any_fit(params, error, match):
    class ForbiddenFit(SGDClassifier):
        def partial_fit(self, *args, **kwargs):
            raise AssertionError("fitted despite bad input")

    X, y = make_classification(n_samples=40, random_state=0)
    params = {"estimator": ForbiddenFit(), "search_spaces": SPACE, "n_steps": 4, **params}
    with pytest.raises(error, match=match):
        PBTSearchCV(cv=2, **params).fit(X, y)


# -- PBT learns a schedule where a fixed setting cannot be best ---------------------
@pytest.mark.slow
def test_pbt_beats_random_search_at_equal_compute_on_the_block_problem():
    from scipy.stats import wilcoxon

    space = {"eta0": Real(1e-2, 2.0, prior="log-uniform")}
    est = SGDRegressor(penalty=None, fit_intercept=False, learning_rate="constant",
                       tol=None, shuffle=False, random_state=0)
    mse = {"pbt": [], "random": []}
    for seed in range(10):
        X, y = block_problem(seed)
        # the same population and steps; random search never exploits
        for name, interval in (("pbt", 1), ("random", 4)):
            search = PBTSearchCV(
                est, space, population_size=8, n_steps=4, interval=interval,
                scoring="neg_mean_squared_error", cv=KFold(2), refit=False,
                random_state=seed,
            ).fit(X, y)
            mse[name].append(-search.best_score_)
    pbt, random = np.array(mse["pbt"]), np.array(mse["random"])
    assert np.all(random > 1e-3)  # no fixed step size solves it
    # PBT keeps its top members as random search does, so it rarely loses; on
    # seeds 0-29 it won 7-8 of every 10 and lost none, with medians 0.46-0.67x
    assert (pbt < random).sum() >= 7 and (pbt > random).sum() <= 1
    assert wilcoxon(pbt, random, alternative="less").pvalue < 0.02
    assert np.median(pbt) < 0.7 * np.median(random)


# -- PB2 -----------------------------------------------------------------------------
class Climber(ConstantClassifier):
    """Each partial_fit adds a gain that depends on (x, k, kind); scores the total."""

    def __init__(self, x=0.5, k=1, kind="a"):
        self.x = x
        self.k = k
        self.kind = kind

    def partial_fit(self, X, y, classes=None):
        if not hasattr(self, "total_"):
            self.classes_ = np.asarray(classes)
            self.total_ = 0.0
        self.total_ += (
            1 - 4 * (self.x - 0.3) ** 2 - 0.01 * (self.k - 7) ** 2
            - (0.0 if self.kind == "b" else 0.3)
        )
        return self

    def score(self, X, y, sample_weight=None):
        return self.total_


MIXED = {"x": Real(0.0, 1.0), "k": Integer(1, 10), "kind": Categorical(["a", "b", "c"])}


def _climb(explore, seed, **params):
    X, y = make_classification(n_samples=40, random_state=0)
    return PBTSearchCV(
        Climber(), MIXED, population_size=8, n_steps=10, interval=1, explore=explore,
        safe_to_change=["x", "k", "kind"], cv=2, random_state=seed, **params,
    ).fit(X, y)


@pytest.mark.slow
def test_pb2_proposes_near_the_best_setting_on_a_mixed_space():
    distance = {"pb2": [], "resample": []}
    for seed in range(3):
        for name, explore, params in (
            ("pb2", "pb2", {}), ("resample", "perturb", {"resample_probability": 1.0})
        ):
            res = _climb(explore, seed, **params).cv_results_
            later = (res["parent"] >= 0) & (res["iter"] >= 5)
            proposed = [p for p, keep in zip(res["params"], later) if keep]
            assert proposed
            for p in proposed:  # every proposal is a point of the space
                assert 0 <= p["x"] <= 1 and isinstance(p["k"], int) and 1 <= p["k"] <= 10
                assert p["kind"] in ("a", "b", "c")
            distance[name].append(np.median([abs(p["x"] - 0.3) for p in proposed]))
            if name == "pb2":
                assert np.mean([p["kind"] == "b" for p in proposed]) > 0.6
    assert np.median(distance["pb2"]) < 0.1 < np.median(distance["resample"])


@pytest.mark.slow
def test_pb2_is_reproducible():
    one, two = _climb("pb2", 0).cv_results_, _climb("pb2", 0).cv_results_
    assert one["params"] == two["params"]


def test_mlp_learning_rate_needs_warm_start_training(digits):
    from sklearn.neural_network import MLPClassifier

    X, y = digits
    mlp = MLPClassifier(hidden_layer_sizes=(16,), random_state=0, max_iter=4)
    space = {"learning_rate_init": Real(1e-4, 1e-1, prior="log-uniform")}
    with pytest.raises(ValueError, match="resource='max_iter'"):
        PBTSearchCV(mlp, space, n_steps=4, cv=2).fit(X, y)
    search = PBTSearchCV(
        mlp, space, resource="max_iter", population_size=4, interval=2, cv=2,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning per step
        search.fit(X, y)
    assert search.n_steps_ == 4
    assert search.best_estimator_.t_ == 4 * len(y)


@pytest.mark.slow
def test_verbose_prints_a_line_per_round(digits, capsys):
    X, y = digits
    _pbt(verbose=1).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == [
        f"[PBTSearchCV] round {r}/3" for r in (1, 2, 3)
    ]
    assert "6 candidates x 2 folds to n_resources=2 (0 exploited)" in lines[0]
    assert "(2 exploited)" in lines[1] and "best so far" in lines[2]


@pytest.mark.slow
def test_callbacks_see_every_fit_task_on_sklearn_1_9(digits):
    pytest.importorskip("sklearn.callback")
    from ._estimators import CallbackRecorder

    X, y = digits
    recorder = CallbackRecorder()
    search = _pbt()
    search.set_callbacks(recorder)
    search.fit(X, y)
    # 3 rounds of 6 members on 2 folds, then the refit
    assert recorder.names.count("batch") == 3
    assert recorder.names.count("candidate-split-evaluation") == 36
    assert recorder.names.count("refit-with-best-params") == 1


class AlwaysDiverges(DivergesAbove):
    calls = []

    def partial_fit(self, X, y, classes=None):
        AlwaysDiverges.calls.append(self.eta0)
        raise RuntimeError("diverged on purpose")


def test_a_search_whose_every_fit_fails_stops_after_the_first_round():
    X, y = make_classification(n_samples=60, random_state=0)
    AlwaysDiverges.calls = []
    search = PBTSearchCV(
        AlwaysDiverges(), {"eta0": Real(0.01, 1.0)}, population_size=4, n_steps=6,
        interval=2, safe_to_change=["eta0"], cv=2, random_state=0,
    )
    with pytest.raises(ValueError, match="diverged on purpose"):
        search.fit(X, y)
    assert len(AlwaysDiverges.calls) == 4 * 2
