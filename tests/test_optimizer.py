import numpy as np
import pytest
from scipy import stats

from skhyper import BayesOptimizer, Categorical, Integer, Real
from skhyper.surrogate import _propose
from skhyper.surrogate._optimize import maximize_acquisition


def branin(x0, x1):
    b, c, t = 5.1 / (4 * np.pi**2), 5 / np.pi, 1 / (8 * np.pi)
    return (x1 - b * x0**2 + c * x0 - 6) ** 2 + 10 * (1 - t) * np.cos(x0) + 10


BRANIN_MIN = 0.397887
BRANIN_SPACE = {"x0": Real(-5.0, 10.0), "x1": Real(0.0, 15.0)}


def _bayes_regret(seed, budget):
    opt = BayesOptimizer(BRANIN_SPACE, random_state=seed)
    for _ in range(budget):
        params = opt.ask()
        opt.tell(params, -branin(**params))
    return -opt.best_score - BRANIN_MIN


def _random_regret(seed, budget):
    rng = np.random.RandomState(seed)
    x0, x1 = rng.uniform(-5, 10, budget), rng.uniform(0, 15, budget)
    return branin(x0, x1).min() - BRANIN_MIN


@pytest.mark.slow
def test_finds_the_optimum_region_far_better_than_random_sampling():
    budget, seeds = 25, range(8)
    bayes = np.array([_bayes_regret(s, budget) for s in seeds])
    random = np.array([_random_regret(s, budget) for s in seeds])
    # Random search at 25 draws typically leaves a regret of ~1; the GP should
    # get within 0.1 of the optimum on nearly every seed.
    assert np.median(bayes) < 0.1 * np.median(random)
    assert np.mean(bayes < 0.1) >= 0.75
    assert stats.mannwhitneyu(bayes, random, alternative="less").pvalue < 0.01


def test_ask_returns_distinct_points_in_a_batch():
    opt = BayesOptimizer({"x": Real(0, 1), "k": Integer(1, 3)}, n_initial_points=3, random_state=0)
    for p in opt.ask(3):
        opt.tell(p, -(p["x"] - 0.5) ** 2 - p["k"])
    for strategy in ("constant_liar", "kriging_believer"):
        opt.batch_strategy = strategy
        batch = opt.ask(4)
        assert len({(p["x"], p["k"]) for p in batch}) == 4
        assert np.isfinite(opt.last_acquisition_).all()
        opt.tell(batch, [-(p["x"] - 0.5) ** 2 - p["k"] for p in batch])


def test_failed_scores_are_told_as_the_worst_seen():
    opt = BayesOptimizer({"x": Real(0, 1)}, n_initial_points=4, random_state=0)
    xs = [0.1, 0.4, 0.6, 0.9]
    opt.tell([{"x": x} for x in xs], [1.0, np.nan, 3.0, np.inf])
    opt.ask()
    y = opt.gp_.y_train_
    assert np.isfinite(y).all()
    # standardized: failures sit at the minimum of the finite scores
    assert y[1] == y[0] == y.min() and y[3] == y.min()
    assert opt.best_score == 3.0 and opt.best_params == {"x": 0.6}


def test_exhausts_a_finite_space_without_repeating():
    opt = BayesOptimizer({"a": Categorical(["x", "y", "z"]), "b": Integer(0, 2)}, random_state=0)
    seen = []
    while not opt.exhausted:
        batch = opt.ask(2)
        seen += [(p["a"], p["b"]) for p in batch]
        opt.tell(batch, [len(p["a"]) + p["b"] for p in batch])
    assert len(seen) == 9 and len(set(seen)) == 9
    assert opt.ask(3) == []
    with pytest.raises(ValueError, match="exhausted"):
        opt.ask()


def test_tell_points_that_were_not_asked():
    opt = BayesOptimizer({"x": Real(0, 1)}, n_initial_points=1, random_state=0)
    opt.tell([{"x": 0.2}, {"x": 0.8}], [0.0, 1.0])
    assert opt.best_params == {"x": 0.8}
    with pytest.raises(ValueError, match="not a point"):
        opt.tell({"x": 2.0}, 1.0)
    with pytest.raises(ValueError, match="2 parameter settings but 1 scores"):
        opt.tell([{"x": 0.1}, {"x": 0.3}], [1.0])


def test_same_seed_same_proposals():
    def run():
        opt = BayesOptimizer({"x": Real(0, 1), "c": ["a", "b"]}, n_initial_points=3, random_state=3)
        out = []
        for _ in range(6):
            p = opt.ask()
            out.append(p)
            opt.tell(p, p["x"] * (p["c"] == "a"))
        return out

    assert run() == run()


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"acq_func": "foo"}, ValueError, "acq_func"),
        ({"batch_strategy": "x"}, ValueError, "batch_strategy"),
        ({"initial_point_generator": "lhs"}, ValueError, "initial_point_generator"),
        ({"n_initial_points": 0}, ValueError, "n_initial_points"),
        ({"n_initial_points": "many"}, ValueError, "n_initial_points"),
        ({"xi": -1}, ValueError, "xi"),
        ({"kappa": np.nan}, ValueError, "kappa"),
        ({"xi": np.inf}, ValueError, "xi"),
        ({"kappa": True}, TypeError, "kappa.*not a bool"),
        ({"n_initial_points": True}, TypeError, "n_initial_points.*not a bool"),
        ({"trust_region": 1}, ValueError, "trust_region"),
        ({"n_candidates": 0}, ValueError, "n_candidates"),
        ({"n_restarts": 1.5}, ValueError, "n_restarts"),
        ({"random_state": "seed"}, ValueError, "random_state"),
        ({"search_space": {"C": (0.01, 10.0, "log-uniform")}}, TypeError, "'C'.*Real"),
        ({"search_space": 5}, TypeError, "search space"),
    ],
)
@pytest.mark.parametrize("first_call", ["ask", "tell"])
def test_invalid_settings_raise_at_first_use_naming_the_parameter(kwargs, error, match, first_call):
    kwargs = {"search_space": {"x": Real(0, 1)}, **kwargs}
    opt = BayesOptimizer(**kwargs)  # stores, does not validate
    with pytest.raises(error, match=match):
        if first_call == "ask":
            opt.ask()
        else:
            opt.tell({"x": 0.5}, 1.0)


@pytest.mark.parametrize("kwargs", [{"kappa": True}, {"n_initial_points": True}])
def test_a_bool_for_a_number_is_a_value_error_and_a_type_error(kwargs):
    # BayesOptimizer raised ValueError for it before it validated with
    # _parameter_constraints, the callbacks TypeError: code catching either
    # still catches it
    for error in (ValueError, TypeError):
        with pytest.raises(error, match="not a bool"):
            BayesOptimizer({"x": Real(0, 1)}, **kwargs).ask()



@pytest.mark.parametrize("n_points", [0, 1.5, True])
def test_ask_refuses_a_batch_size_that_is_not_a_positive_integer(n_points):
    opt = BayesOptimizer({"x": Real(0, 1)}, random_state=0)
    with pytest.raises((ValueError, TypeError), match="n_points"):
        opt.ask(n_points)


def test_init_only_stores_the_parameters():
    space = {"x": Real(0, 1)}
    rng = np.random.RandomState(0)
    opt = BayesOptimizer(space, n_initial_points="auto", kappa=2.0, random_state=rng)
    assert vars(opt) == {
        "search_space": space,
        "n_initial_points": "auto",
        "initial_point_generator": "sobol",
        "acq_func": "log_ei",
        "xi": 0.0,
        "kappa": 2.0,
        "batch_strategy": "monte_carlo",
        "n_candidates": 512,
        "n_restarts": 5,
        "trust_region": True,
        "random_state": rng,
    }
    assert opt.search_space is space and opt.random_state is rng
    assert not hasattr(opt, "n_initial_points_")


def test_a_fresh_optimizer_reports_nothing_observed():
    opt = BayesOptimizer([{"a": [1, 2]}, {"b": Integer(0, 3)}], random_state=0)
    assert opt.space.cardinality == 6 and opt.space.n_subspaces == 2
    assert opt.observed_params == [] and opt.observed_scores.shape == (0,)
    assert opt.exhausted is False and opt.gp_ is None
    with pytest.raises(ValueError, match="no finite score"):
        opt.best_score
    assert not hasattr(opt, "n_initial_points_")


def test_attributes_after_the_first_tell_and_ask():
    opt = BayesOptimizer({"x": Real(0, 1), "c": ["a", "b"]}, n_initial_points=2, random_state=0)
    opt.tell([{"x": 0.2, "c": "a"}, {"x": 0.7, "c": "b"}], [1.0, 2.0])
    assert opt.n_initial_points_ == 2
    assert opt.last_acquisition_.shape == (0,) and opt.gp_ is None
    assert opt.best_params == {"x": 0.7, "c": "b"} and opt.best_score == 2.0
    batch = opt.ask(2)
    assert len(batch) == 2 and opt.last_acquisition_.shape == (2,)
    assert np.isfinite(opt.last_acquisition_).all() and opt.gp_ is not None
    assert opt.observed_params == [{"x": 0.2, "c": "a"}, {"x": 0.7, "c": "b"}]
    np.testing.assert_array_equal(opt.observed_scores, [1.0, 2.0])
    assert not opt.exhausted
    auto = BayesOptimizer({"x": Real(0, 1), "c": ["a", "b"]}, random_state=0)
    auto.ask()
    assert auto.n_initial_points_ == 5


def test_parameters_changed_between_asks_are_checked_again():
    opt = BayesOptimizer({"x": Real(0, 1)}, n_initial_points=2, random_state=0)
    opt.tell(opt.ask(2), [0.0, 1.0])
    opt.acq_func = "nope"
    with pytest.raises(ValueError, match="acq_func"):
        opt.ask()
    opt.acq_func = "ucb"
    assert 0 <= opt.ask()["x"] <= 1


def test_overlapping_union_hands_out_each_setting_once():
    opt = BayesOptimizer([{"a": [1, 2, 3]}, {"a": [2, 3, 4]}], n_initial_points=2, random_state=0)
    assert opt.space.cardinality == 4
    first = opt.ask(3)
    opt.tell(first, [float(p["a"]) for p in first])
    rest = opt.ask(3)
    settings = [p["a"] for p in first + rest]
    assert sorted(settings) == [1, 2, 3, 4]
    assert opt.exhausted
    opt.tell(rest, [float(p["a"]) for p in rest])
    assert not opt._pending
    assert opt.ask(2) == []


@pytest.mark.parametrize("seed", range(3))
def test_overlapping_union_clears_every_asked_point_when_told(seed):
    # {"k": "a"} belongs to both subspaces: a point asked under the second is
    # encoded under the first by transform, yet it must stop being pending.
    space = [{"x": Real(0, 1), "k": ["a", "b"]}, {"x": Real(0, 1), "k": ["a"]}]
    opt = BayesOptimizer(space, n_initial_points=4, n_candidates=128, random_state=seed)
    told, n_shared = [], 0
    for _ in range(5):
        batch = opt.ask(3)
        asked_rows = np.array(list(opt._pending.values()))
        # told as copies: the optimizer matches settings, not dict identity
        opt.tell([dict(p) for p in batch], [p["x"] * (p["k"] == "a") for p in batch])
        assert not opt._pending
        # the model learns each point at the row it was asked with
        np.testing.assert_array_equal(np.array(opt._Z[-3:]), asked_rows)
        n_shared += int((asked_rows[:, 1] == 1).sum())  # asked under the second
        told += batch
    assert n_shared > 0
    assert len({(p["x"], p["k"]) for p in told}) == len(told) == 15


def test_overlapping_union_never_repeats_a_setting_told_without_asking():
    opt = BayesOptimizer([{"a": [1, 2, 3]}, {"a": [2, 3, 4]}], n_initial_points=1, random_state=0)
    opt.tell([{"a": 2}, {"a": 3}], [0.0, 1.0])
    assert sorted(p["a"] for p in opt.ask(4)) == [1, 4]
    assert opt.exhausted


def _warp_scores(y):
    from skhyper.surrogate._warping import OutputWarping

    return OutputWarping(y).transform(y)


def _yeojohnson_grid(z):
    from skhyper.surrogate._warping import yeojohnson, yeojohnson_exponent

    return yeojohnson(z, yeojohnson_exponent(z))


def test_scores_are_warped_monotonically_and_standardized():
    rng = np.random.RandomState(0)
    # A long tail of poor scores, as a log-loss of diverged fits gives.
    y = -np.exp(2 * rng.normal(size=40))
    z = _warp_scores(y)
    assert np.array_equal(np.argsort(z), np.argsort(y))
    assert z.mean() == pytest.approx(0, abs=1e-12) and z.std() == pytest.approx(1)
    # The warp spreads the good scores that standardizing alone crowds together.
    top = np.argsort(y)[-10:]
    plain = (y - y.mean()) / y.std()
    assert np.ptp(z[top]) > 2 * np.ptp(plain[top])
    assert np.array_equal(_warp_scores(np.full(5, 3.0)), np.zeros(5))


def test_the_surrogate_is_fitted_to_the_warped_scores():
    opt = BayesOptimizer({"x": Real(0, 1)}, n_initial_points=6, random_state=0)
    xs = np.linspace(0.05, 0.95, 6)
    scores = -np.exp(8 * xs)  # a tail of very poor scores towards x = 1
    opt.tell([{"x": x} for x in xs], scores)
    opt.ask()
    np.testing.assert_allclose(opt.gp_.y_train_, _warp_scores(scores))


def _told_optimizer(n_told=12, seed=0, **params):
    space = {f"x{i}": Real(0.0, 1.0) for i in range(3)}
    opt = BayesOptimizer(space, n_initial_points=n_told, random_state=seed, **params)
    rng = np.random.RandomState(seed)
    points = rng.uniform(size=(n_told, 3))
    opt.tell(
        [dict(zip(space, p)) for p in points],
        [-np.sum((p - 0.7) ** 2) for p in points],
    )
    return opt, points


def _tell_failures(opt, n, seed=0):
    """Tell ``n`` random settings scored below the best: ``n`` failures in a row."""
    rng = np.random.RandomState(seed)
    for _ in range(n):
        opt.tell({name: rng.uniform() for name in opt.space.subspaces[0]}, opt.best_score - 1.0)


@pytest.fixture
def boxes(monkeypatch):
    """The trust region's box (None: the whole space) of every maximization."""
    recorded = []

    def recording(*args, box=None, **kwargs):
        recorded.append(box)
        return maximize_acquisition(*args, box=box, **kwargs)

    monkeypatch.setattr(_propose, "maximize_acquisition", recording)
    return recorded


def _half_sides(opt, length):
    """Half the sides of the trust region's box of side ``length``, stretched
    along the length scales of the model of the last ask."""
    scales = opt.gp_.kernel_.k1.k2.length_scale
    return length * scales / np.exp(np.mean(np.log(scales))) / 2


def test_the_trust_region_holds_proposals_near_the_best_setting():
    opt, points = _told_optimizer()
    center = points[np.argmax(opt.observed_scores)]
    assert opt.trust_region_length_ is None  # before the first model-based ask
    params = opt.ask()
    z = np.array([params[f"x{i}"] for i in range(3)])
    assert opt.trust_region_length_ == 0.8
    assert np.all(np.abs(z - center) <= _half_sides(opt, 0.8) + 1e-9)


@pytest.mark.slow
def test_the_trust_region_shrinks_after_failures_and_grows_after_successes():
    opt, points = _told_optimizer()
    center = points[np.argmax(opt.observed_scores)]
    best = opt.best_score
    # 4 failures in a row (at least 4, and the space has 3 columns) halve it.
    # None is left in flight, so the share rule sends the next one into the
    # region (with one in flight, it would search the whole space).
    for _ in range(4):
        opt.tell(opt.ask(), best - 1.0)
    params = opt.ask()
    assert opt.trust_region_length_ == pytest.approx(0.4)
    z = np.array([params[f"x{i}"] for i in range(3)])
    assert np.all(np.abs(z - center) <= _half_sides(opt, 0.4) + 1e-9)
    # 3 successes in a row double it back.
    for k in range(3):
        opt.tell(opt.ask(), best + 1.0 + k)
    opt.ask()
    assert opt.trust_region_length_ == pytest.approx(0.8)


def test_the_trust_region_starts_again_when_it_is_tiny():
    opt, points = _told_optimizer()
    center = points[np.argmax(opt.observed_scores)]
    opt.tell(opt.ask(), opt.best_score - 1.0)  # a first failure, and none in flight
    _tell_failures(opt, 6 * 4 - 1)  # halved six times: 0.8 / 64
    params = opt.ask()
    assert opt.trust_region_length_ == pytest.approx(0.0125)
    z = np.array([params[f"x{i}"] for i in range(3)])
    assert np.all(np.abs(z - center) <= _half_sides(opt, 0.0125) + 1e-9)
    # once more is below 0.5**7: the region starts again at 0.8
    _tell_failures(opt, 4, seed=1)
    opt.ask()
    assert opt.trust_region_length_ == 0.8


def test_a_collapsed_trust_region_searches_the_whole_space_before_it_starts_again(
    boxes,
):
    opt, points = _told_optimizer()
    opt.tell(opt.ask(), opt.best_score - 1.0)
    _tell_failures(opt, 7 * 4 - 1)  # halved seven times: below 0.5**7, collapsed
    # As many settings as the region's failures in a row (4 here, 3 columns)
    # search the whole space, each told before the next ...
    boxes.clear()
    for _ in range(4):
        opt.tell(opt.ask(), opt.best_score - 1.0)
    assert boxes == [None] * 4
    # ... then the box starts again around the best setting, at 0.8.
    params = opt.ask()
    assert boxes[-1] is not None and opt.trust_region_length_ == 0.8
    center = points[np.argmax(opt.observed_scores[: len(points)])]
    z = np.array([params[f"x{i}"] for i in range(3)])
    assert np.all(np.abs(z - center) <= _half_sides(opt, 0.8) + 1e-9)


def test_without_a_trust_region_proposals_range_over_the_whole_space():
    opt, _ = _told_optimizer(trust_region=False)
    opt.ask()
    assert opt.trust_region_length_ is None


def test_trust_region_must_be_a_bool():
    opt = BayesOptimizer({"x": Real(0, 1)}, trust_region="yes")
    with pytest.raises(ValueError, match="trust_region"):
        opt.ask()


@pytest.mark.slow
def test_the_trust_region_leaves_discrete_columns_free():
    space = {"x": Real(0.0, 1.0), "k": Integer(0, 20)}
    # the liar's batches alternate between the region and the whole space
    opt = BayesOptimizer(
        space, n_initial_points=8, batch_strategy="constant_liar", random_state=0
    )
    for _ in range(20):
        p = opt.ask()
        opt.tell(p, -((p["x"] - 0.5) ** 2) - abs(p["k"] - 13) / 20)
    best = opt.best_params
    rng = np.random.RandomState(0)
    for _ in range(16):  # shrink the region to a sliver of x
        opt.tell({"x": rng.uniform(), "k": rng.randint(21)}, opt.best_score - 1.0)
    proposals = opt.ask(12)[::2]  # the batch's settings proposed in the region
    half = opt.trust_region_length_ / 2  # one continuous column: not stretched
    assert half < 0.05
    # x is held near the best setting's; k, an integer, ranges beyond the box:
    # a box of half-side < 0.05 on k's unit column would hold k within one
    # integer of the best's (each of the 21 owns 1/21 of it)
    assert all(abs(p["x"] - best["x"]) <= half + 1e-9 for p in proposals)
    assert max(abs(p["k"] - best["k"]) for p in proposals) >= 3


def test_a_liars_batch_proposes_every_other_setting_outside_the_trust_region():
    opt, points = _told_optimizer(batch_strategy="constant_liar")
    center = points[np.argmax(opt.observed_scores)]
    opt.tell(opt.ask(), opt.best_score - 1.0)
    _tell_failures(opt, 4 * 4 - 1)  # halved four times: a box of 0.05
    batch = [np.array([p[f"x{i}"] for i in range(3)]) for p in opt.ask(8)]
    assert opt.trust_region_length_ == pytest.approx(0.05)
    inside = [bool(np.all(np.abs(z - center) <= _half_sides(opt, 0.05) + 1e-9)) for z in batch]
    # At most half the settings in flight come from the region: the first,
    # third, ... of a batch. The others search the whole space, and a box of
    # 0.05 holds none of them.
    assert inside == [True, False] * 4
    # Settings asked one at a time, each told before the next, all come from
    # the region, as do those of a batch of one.
    opt.tell(opt.ask(8), [opt.best_score - 1.0] * 8)
    for _ in range(2):
        params = opt.ask()
        z = np.array([params[f"x{i}"] for i in range(3)])
        half = _half_sides(opt, opt.trust_region_length_)
        assert np.all(np.abs(z - center) <= half + 1e-9)
        opt.tell(params, opt.best_score - 1.0)


def test_settings_proposed_outside_the_trust_region_are_not_its_failures():
    opt, _ = _told_optimizer(batch_strategy="constant_liar")
    # The first model-based ask starts the region at 0.8; a batch of 8
    # misses follows.
    opt.tell(opt.ask(8), [opt.best_score - 1.0] * 8)
    params = opt.ask()
    # Four of the eight came from the region: four failures in a row (at
    # least 4, and 3 columns) halve it once. The four that searched the
    # whole space are not its failures; counted, they would halve it twice.
    assert opt.trust_region_length_ == pytest.approx(0.4)
    # Settings asked one at a time come from the region, and fail it.
    for _ in range(3):
        opt.tell(params, opt.best_score - 1.0)
        params = opt.ask()
        assert opt.trust_region_length_ == pytest.approx(0.4)
    opt.tell(params, opt.best_score - 1.0)
    opt.ask()
    assert opt.trust_region_length_ == pytest.approx(0.2)


def test_improvements_found_outside_the_trust_region_are_its_successes():
    opt, _ = _told_optimizer(batch_strategy="constant_liar")
    # Three batches of 2 in flight at once: each batch's second setting
    # searched the whole space.
    batches = [opt.ask(2) for _ in range(3)]
    assert opt.trust_region_length_ == pytest.approx(0.8)
    for k, (_, outside) in enumerate(batches):
        opt.tell(outside, opt.best_score + 1.0 + k)
    opt.ask()
    # Three improvements in a row double the region.
    assert opt.trust_region_length_ == pytest.approx(1.6)


def test_a_monte_carlo_batch_searches_the_whole_space(boxes):
    opt, points = _told_optimizer()
    assert opt.batch_strategy == "monte_carlo"
    opt.tell(opt.ask(), opt.best_score - 1.0)
    _tell_failures(opt, 4 * 4 - 1)  # halved four times: a box of 0.05
    boxes.clear()
    batch = opt.ask(8)
    # The draws spread a batch by themselves: no setting of it, not even the
    # first, is held in the box, nor one asked while others are in flight.
    assert boxes == [None] * 8
    batch.append(opt.ask())
    assert boxes[-1] is None
    # Alone in flight, a setting comes from the region.
    opt.tell(batch, [opt.best_score - 1.0] * 9)
    params = opt.ask()
    assert boxes[-1] is not None
    center = points[np.argmax(opt.observed_scores[: len(points)])]
    z = np.array([params[f"x{i}"] for i in range(3)])
    half = _half_sides(opt, opt.trust_region_length_)
    assert np.all(np.abs(z - center) <= half + 1e-9)


@pytest.mark.parametrize(
    "batch, n_params, expected", [(None, 1, 5), (1, 6, 7), (8, 3, 16), (3, 9, 10)]
)
def test_the_auto_design_holds_two_of_the_first_batches(batch, n_params, expected):
    opt = BayesOptimizer({f"x{i}": Real(0, 1) for i in range(n_params)}, random_state=0)
    first = opt.ask(batch)
    assert opt.n_initial_points_ == expected
    opt.tell(first, [0.0] * (batch or 1))
    opt.ask(2 * expected)  # a later, larger batch leaves the design as it was
    assert opt.n_initial_points_ == expected
    fixed = BayesOptimizer({"x": Real(0, 1)}, n_initial_points=3, random_state=0)
    fixed.ask(8)
    assert fixed.n_initial_points_ == 3


@pytest.mark.parametrize("seed", range(5))
def test_the_warp_matches_scipys_yeo_johnson(seed):
    rng = np.random.RandomState(seed)
    y = rng.choice([-1, 1]) * np.exp(rng.uniform(0.3, 1.5) * rng.normal(size=50))
    z = (y - y.mean()) / y.std()
    lmbda = stats.yeojohnson_normmax(z)
    if -2 <= lmbda <= 4:
        # the grid's best exponent is within a step of scipy's optimum, so
        # the transforms agree to that step's effect
        expected = [stats.yeojohnson(z, lmbda + d) for d in (-0.1, 0.1)]
        low, high = np.minimum(*expected), np.maximum(*expected)
        got = _yeojohnson_grid(z)
        assert np.all((got >= low - 1e-9) & (got <= high + 1e-9))
    else:
        edge = -2.0 if lmbda < -2 else 4.0
        np.testing.assert_allclose(_yeojohnson_grid(z), stats.yeojohnson(z, edge))


def test_each_model_ask_continues_one_sobol_sequence():
    opt, _ = _told_optimizer()
    opt.tell(opt.ask(), opt.best_score - 1.0)
    engine = opt._sobol
    drawn = engine.num_generated
    opt.tell(opt.ask(), opt.best_score - 1.0)
    assert opt._sobol is engine
    assert engine.num_generated == drawn + 2 ** int(np.ceil(np.log2(opt.n_candidates)))
