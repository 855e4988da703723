import numpy as np
import pytest
from scipy.special import ndtr

from skhyper.surrogate import evaluate_acquisition, fit_gp, log_h, log_marginal_likelihood
from skhyper.surrogate._gp import HyperparameterPrior, SurrogateGP, _squared_differences
from skhyper.surrogate._acquisition import ACQUISITIONS


def _h_direct(z):
    phi = np.exp(-0.5 * z**2) / np.sqrt(2 * np.pi)
    return phi + z * ndtr(z)


def test_log_h_matches_direct_formula_where_it_is_accurate():
    z = np.linspace(-5, 8, 200)
    value, deriv = log_h(z)
    np.testing.assert_allclose(value, np.log(_h_direct(z)), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(deriv, ndtr(z) / _h_direct(z), rtol=1e-7)


def test_log_h_is_finite_smooth_and_asymptotic_in_the_far_tail():
    z = -np.logspace(0.5, 12, 400)
    value, deriv = log_h(z)
    assert np.all(np.isfinite(value)) and np.all(np.isfinite(deriv))
    assert np.all(np.diff(value) < 0)  # h is increasing, so log h falls with z
    # h(z) ~ phi(z) / z^2 for z -> -inf
    asymptote = -0.5 * z**2 - 0.5 * np.log(2 * np.pi) - 2 * np.log(-z)
    far = z < -100
    np.testing.assert_allclose(value[far], asymptote[far], rtol=1e-6)
    # continuity across the branch points
    for point in (-1.0, -1 / np.sqrt(np.finfo(float).eps)):
        left, right = log_h(np.array([point * (1 + 1e-9), point * (1 - 1e-9)]))[0]
        assert abs(left - right) < 1e-6 * max(1.0, abs(left))


def test_log_h_of_one_branch_alone_is_its_value_among_the_others():
    # Arrays within one branch take a shortcut past the masks; the values
    # must be those of the same points mixed with the other branches.
    upper, mid, tail = np.array([-0.5, 0.0, 3.0]), np.array([-1.5, -40.0]), np.array([-1e9])
    mixed_value, mixed_deriv = log_h(np.concatenate([upper, mid, tail]))
    alone = [log_h(part) for part in (upper, mid, tail)]
    np.testing.assert_array_equal(mixed_value, np.concatenate([v for v, _ in alone]))
    np.testing.assert_array_equal(mixed_deriv, np.concatenate([d for _, d in alone]))
    np.testing.assert_allclose(alone[1][0][0], np.log(_h_direct(mid[0])), rtol=1e-9)


@pytest.mark.parametrize("name", ACQUISITIONS)
def test_acquisition_partial_derivatives_match_finite_differences(name):
    rng = np.random.RandomState(0)
    mu, sigma = rng.normal(size=50), rng.uniform(0.05, 2, size=50)
    best, eps = 0.7, 1e-6
    value, d_mu, d_sigma = evaluate_acquisition(name, mu, sigma, best, xi=0.01)
    up = evaluate_acquisition(name, mu + eps, sigma, best, xi=0.01)[0]
    down = evaluate_acquisition(name, mu - eps, sigma, best, xi=0.01)[0]
    np.testing.assert_allclose(d_mu, (up - down) / (2 * eps), rtol=1e-5, atol=1e-7)
    up = evaluate_acquisition(name, mu, sigma + eps, best, xi=0.01)[0]
    down = evaluate_acquisition(name, mu, sigma - eps, best, xi=0.01)[0]
    np.testing.assert_allclose(d_sigma, (up - down) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_log_ei_is_the_log_of_ei():
    rng = np.random.RandomState(1)
    mu, sigma = rng.normal(size=20), rng.uniform(0.1, 1, size=20)
    log_value = evaluate_acquisition("log_ei", mu, sigma, 0.5)[0]
    value = evaluate_acquisition("ei", mu, sigma, 0.5)[0]
    np.testing.assert_allclose(np.exp(log_value), value, rtol=1e-10)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(30, 3))
    y = np.sin(6 * X[:, 0]) + X[:, 1] ** 2 + 0.1 * rng.normal(size=30)
    y = (y - y.mean()) / y.std()
    return fit_gp(X, y), rng


def test_posterior_matches_sklearn_predict_without_noise(fitted):
    gp, rng = fitted
    Z = rng.uniform(size=(40, 3))
    mu, sigma = gp.predict(Z)
    ref_mu, ref_sigma = gp.to_sklearn().predict(Z, return_std=True)
    noise = gp.noise
    np.testing.assert_allclose(mu, ref_mu, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(sigma**2 + noise, ref_sigma**2, rtol=1e-7, atol=1e-10)


def test_posterior_gradients_match_finite_differences(fitted):
    gp, rng = fitted
    post = gp.predict
    Z = rng.uniform(size=(6, 3))
    _, _, d_mu, d_sigma = post(Z, return_grad=True)
    eps = 1e-6
    for j in range(3):
        step = np.zeros(3)
        step[j] = eps
        mu_up, s_up = post(Z + step)
        mu_down, s_down = post(Z - step)
        np.testing.assert_allclose(d_mu[:, j], (mu_up - mu_down) / (2 * eps), rtol=1e-5, atol=1e-7)
        np.testing.assert_allclose(d_sigma[:, j], (s_up - s_down) / (2 * eps), rtol=1e-5, atol=1e-7)


def test_map_prior_keeps_length_scales_finite_on_flat_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(10, 2))
    gp = fit_gp(X, np.zeros(10))
    assert np.all(np.isfinite(gp.theta))


def test_log_marginal_likelihood_matches_sklearn():
    from sklearn.gaussian_process import GaussianProcessRegressor

    rng = np.random.RandomState(0)
    X, y = rng.uniform(size=(25, 3)), rng.normal(size=25)
    gp = fit_gp(X, y)
    reference = GaussianProcessRegressor(gp.kernel_, alpha=1e-10, optimizer=None).fit(X, y)
    for theta in (gp.theta, np.log([2.0, 0.3, 1.5, 4.0, 0.01])):
        value, grad = log_marginal_likelihood(theta, _squared_differences(X), y)
        ref_value, ref_grad = reference.log_marginal_likelihood(theta, eval_gradient=True)
        assert value == pytest.approx(ref_value, rel=1e-10)
        np.testing.assert_allclose(grad, ref_grad, rtol=1e-7, atol=1e-9)


def test_fit_is_a_map_optimum():
    rng = np.random.RandomState(2)
    X = rng.uniform(size=(20, 2))
    y = np.sin(5 * X[:, 0]) + 0.05 * rng.normal(size=20)
    y = (y - y.mean()) / y.std()
    gp = fit_gp(X, y)
    prior, sq = HyperparameterPrior(2), _squared_differences(X)

    def posterior(theta):
        return log_marginal_likelihood(theta, sq, y, eval_gradient=False) + prior.log_prior(theta)[0]

    best = posterior(gp.theta)
    for step in np.eye(4) * 0.05:
        for sign in (1, -1):
            theta = np.clip(gp.theta + sign * step, *prior.bounds().T)
            assert posterior(theta) <= best + 1e-6
    # the flat direction x1 gets a long length scale
    assert gp.length_scale[1] > 3 * gp.length_scale[0]


# -- the batch loop (surrogate/_propose.py) ------------------------------------
def _batch_model(fantasy="kriging_believer", context=(0.5,), **kwargs):
    from skhyper import Categorical, Real
    from skhyper.space import SearchSpace
    from skhyper.surrogate._propose import BatchModel

    space = SearchSpace({"x": Real(0, 1), "c": Categorical(["a", "b", "c"])})
    rng = np.random.RandomState(0)
    Z = space.sample_unit(12, rng)
    X = np.column_stack([Z, np.full((len(Z), len(context)), 0.2)]) if context else Z
    y = np.sin(5 * X[:, 0]) + 0.1 * rng.normal(size=len(X))
    gp = fit_gp(X, (y - y.mean()) / y.std())
    return BatchModel(gp, space, set(), rng, context=context, fantasy=fantasy, **kwargs)


def _assert_acquisition_gradient(model):
    """The model's acquisition gradient against central differences."""
    Z = model.space.sample_unit(4, np.random.RandomState(1))
    value, grad = model.acquisition(Z, return_grad=True)
    assert grad.shape == Z.shape
    np.testing.assert_array_equal(value, model.acquisition(Z))
    eps = 1e-6
    for j in range(Z.shape[1]):
        up, down = Z.copy(), Z.copy()
        up[:, j] += eps
        down[:, j] -= eps
        numeric = (model.acquisition(up) - model.acquisition(down)) / (2 * eps)
        np.testing.assert_allclose(grad[:, j], numeric, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("acq_func", ["ucb", "log_ei"])
def test_batch_model_gradient_is_the_space_columns_part_of_the_models(acq_func):
    _assert_acquisition_gradient(_batch_model(acq_func=acq_func, best=0.5))


def test_batch_model_acquisition_holds_the_context_columns():
    model = _batch_model(context=(0.9,))
    Z = model.space.sample_unit(5, np.random.RandomState(2))
    mu, sigma = model.gp.predict(np.column_stack([Z, np.full(len(Z), 0.9)]))
    np.testing.assert_array_equal(model.acquisition(Z), mu + 1.96 * sigma)


@pytest.mark.parametrize("fantasy", ["kriging_believer", "constant_liar"])
def test_a_fantasy_is_the_prediction_or_the_worst_score(fantasy):
    model = _batch_model(fantasy=fantasy)
    z = model.space.sample_unit(1, np.random.RandomState(3))[0]
    expected = (
        model.gp.predict(np.r_[z, 0.5][None, :])[0][0]
        if fantasy == "kriging_believer" else model.gp.y_train_.min()
    )
    n = len(model.y)
    model.add_fantasy(z)
    assert len(model.gp.y_train_) == n + 1
    assert model.gp.y_train_[-1] == expected
    np.testing.assert_array_equal(model.gp.X_train_[-1], np.r_[z, 0.5])


def _drawn_model(acq_func="log_ei", n_fantasies=2):
    model = _batch_model(fantasy="monte_carlo", acq_func=acq_func, best=0.5)
    for z in model.space.sample_unit(n_fantasies, np.random.RandomState(4)):
        model.add_fantasy(z)
    return model


def test_monte_carlo_fantasies_are_joint_draws_of_the_scores():
    from skhyper.surrogate._propose import N_DRAWS

    model = _batch_model(fantasy="monte_carlo", acq_func="log_ei", best=0.5)
    observed = model.y.copy()
    z1, z2 = model.space.sample_unit(2, np.random.RandomState(4))
    x1 = np.r_[z1, 0.5][None, :]
    mu1, sigma1 = model.gp.predict(x1)
    model.add_fantasy(z1)
    # one column of scores per draw: the observed scores, then the draw's
    assert model.gp.y_train_.shape == (len(observed) + 1, N_DRAWS)
    np.testing.assert_array_equal(model.y[:-1], np.tile(observed[:, None], N_DRAWS))
    draws = model.y[-1]
    spread = np.sqrt(sigma1[0] ** 2 + model.gp.noise)
    assert abs(draws.mean() - mu1[0]) < 4 * spread / np.sqrt(N_DRAWS)
    assert 0.5 * spread < draws.std() < 1.5 * spread
    np.testing.assert_array_equal(model.best, np.maximum(0.5, draws))
    # The next draw at z2 is from each draw's own model: its mean moves with
    # the score drawn at z1 (the chain rule of the joint predictive).
    x2 = np.r_[z2, 0.5][None, :]
    per_draw_mean = model.gp.predict(x2)[0][0]
    assert per_draw_mean.shape == (N_DRAWS,) and np.ptp(per_draw_mean) > 0
    model.add_fantasy(z2)
    assert model.gp.y_train_.shape == (len(observed) + 2, N_DRAWS)


@pytest.mark.parametrize("acq_func", ["log_ei", "ei", "pi", "ucb"])
def test_monte_carlo_acquisition_is_the_mean_over_each_draws_model(acq_func):
    from skhyper.surrogate._acquisition import evaluate_acquisition

    model = _drawn_model(acq_func)
    Z = model.space.sample_unit(6, np.random.RandomState(5))
    Zc = np.column_stack([Z, np.full(6, 0.5)])
    per_draw = []
    for j in range(model.y.shape[1]):
        # the draw's own model: one column of scores, its own best
        gp = SurrogateGP(model.gp.theta, model.X, model.y[:, j].copy())
        mu, sigma = gp.predict(Zc)
        per_draw.append(
            evaluate_acquisition(acq_func, mu, sigma, model.best[j], 0.0, 1.96)[0]
        )
    per_draw = np.array(per_draw)
    expected = (
        np.log(np.mean(np.exp(per_draw), axis=0)) if acq_func in ("log_ei", "pi")
        else per_draw.mean(axis=0)
    )
    np.testing.assert_allclose(model.acquisition(Z), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("acq_func", ["log_ei", "ei", "pi", "ucb"])
def test_monte_carlo_acquisition_gradient(acq_func):
    _assert_acquisition_gradient(_drawn_model(acq_func))


@pytest.mark.parametrize("acq_func", ["log_ei", "ucb"])
def test_monte_carlo_acquisition_before_any_fantasy_is_the_models(acq_func):
    # The first setting of a batch is the one a sequential search picks.
    drawn = _batch_model(fantasy="monte_carlo", acq_func=acq_func, best=0.5)
    believer = _batch_model(fantasy="kriging_believer", acq_func=acq_func, best=0.5)
    Z = drawn.space.sample_unit(5, np.random.RandomState(6))
    np.testing.assert_array_equal(drawn.acquisition(Z), believer.acquisition(Z))


@pytest.mark.parametrize("acq_func", ["log_ei", "ei", "pi", "ucb"])
@pytest.mark.parametrize("fantasies", [0, 2])
def test_an_observed_acquisition_is_of_the_returned_score(acq_func, fantasies):
    # The spread of the score an evaluation returns: the model's noise added
    # to its latent variance; the mean and the best score as before.

    if fantasies:
        model, latent = _drawn_model(acq_func), _drawn_model(acq_func)
    else:
        model = _batch_model(acq_func=acq_func, best=0.5)
        latent = _batch_model(acq_func=acq_func, best=0.5)
    model.observed = True
    Z = model.space.sample_unit(6, np.random.RandomState(5))
    Zc = np.column_stack([Z, np.full(6, 0.5)])
    mu, sigma = model.gp.predict(Zc)
    assert model.gp.noise > 1e-3  # else the two would agree
    spread = np.sqrt(sigma**2 + model.gp.noise)
    if not fantasies:
        expected = evaluate_acquisition(acq_func, mu, spread, 0.5, 0.0, 1.96)[0]
        np.testing.assert_allclose(model.acquisition(Z), expected, rtol=1e-12)
    assert not np.allclose(model.acquisition(Z), latent.acquisition(Z))
    _assert_acquisition_gradient(model)


def test_an_observed_acquisition_of_a_noiseless_model_is_the_latent_one():
    from skhyper import Real
    from skhyper.space import SearchSpace
    from skhyper.surrogate._propose import BatchModel

    space = SearchSpace({"x": Real(0, 1), "z": Real(0, 1)})
    rng = np.random.RandomState(0)
    X = space.sample_unit(12, rng)
    y = np.sin(5 * X[:, 0]) + X[:, 1]
    gp = fit_gp(X, (y - y.mean()) / y.std())
    Z = space.sample_unit(50, rng)
    values = [
        BatchModel(gp, space, set(), rng, acq_func="log_ei", best=gp.y_train_.max(),
                   observed=observed).acquisition(Z)
        for observed in (False, True)
    ]
    assert gp.noise < 1e-4
    # where the improvement is not negligible (the log differs far out in
    # the tail, where both are astronomically small)
    top = values[0] > values[0].max() - 8
    assert top.sum() >= 4
    np.testing.assert_allclose(values[1][top], values[0][top], rtol=0, atol=1e-2)
    assert np.argmax(values[1]) == np.argmax(values[0])


def test_a_gp_with_columns_of_scores_predicts_each_columns_model():
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(15, 2))
    Y = np.column_stack([np.sin(4 * X[:, 0]), X[:, 1] ** 2, rng.normal(size=15)])
    theta = fit_gp(X, Y[:, 0]).theta
    both = SurrogateGP(theta, X, Y)
    Z = rng.uniform(size=(4, 2))
    mu, sigma, d_mu, d_sigma = both.predict(Z, return_grad=True)
    assert mu.shape == (4, 3) and d_mu.shape == (4, 3, 2)
    for j in range(3):
        one = SurrogateGP(theta, X, Y[:, j].copy()).predict(Z, return_grad=True)
        for got, want in zip((mu[:, j], sigma, d_mu[:, j], d_sigma), one):
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(both.predict(Z)[0], mu, rtol=1e-12, atol=1e-14)


def test_propose_batch_proposes_distinct_unseen_points_until_the_space_runs_out():
    from skhyper import Categorical
    from skhyper.space import SearchSpace
    from skhyper.surrogate._optimize import row_key
    from skhyper.surrogate._propose import BatchModel, propose_batch

    space = SearchSpace({"c": Categorical(["a", "b", "c", "d"])})
    Z = space.transform([{"c": "a"}])
    gp = fit_gp(np.vstack([Z, Z]), np.array([-1.0, 1.0]))
    model = BatchModel(gp, space, {row_key(Z[0])}, np.random.RandomState(0))
    fantasies = []
    points, values = propose_batch(
        10, model.maximize, lambda z: (fantasies.append(z), model.add_fantasy(z))
    )
    chosen = [space.inverse_transform(z)[0]["c"] for z in points]
    assert sorted(chosen) == ["b", "c", "d"] and len(values) == 3
    assert len(fantasies) == 3  # each believed before the next: the batch is not full


def test_fit_model_keeps_the_hyperparameters_until_the_data_grow():
    from skhyper.surrogate._propose import _ALWAYS_REFIT_BELOW, _REFIT_GROWTH, fit_model

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(_ALWAYS_REFIT_BELOW + 20, 2))
    y = np.sin(4 * X[:, 0]) + X[:, 1]
    y = (y - y.mean()) / y.std()
    gp, optimized = fit_model(X[:50], y[:50])
    assert optimized
    gp, optimized = fit_model(X[:51], y[:51], (gp.theta, 50))
    assert optimized  # few observations: always optimized
    n = _ALWAYS_REFIT_BELOW
    last = (gp.theta, n)
    grown = int(np.ceil(n * (1 + _REFIT_GROWTH)))
    kept, optimized = fit_model(X[: grown - 1], y[: grown - 1], last)
    assert not optimized and np.array_equal(kept.theta, gp.theta)
    _, optimized = fit_model(X[:grown], y[:grown], last)
    assert optimized


def test_fit_model_beyond_max_exact_is_the_local_model_of_the_nearest_rows():
    from skhyper.surrogate._propose import fit_model

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(60, 2))
    y = np.sin(4 * X[:, 0]) + X[:, 1]
    y = (y - y.mean()) / y.std()
    theta = np.log([1.0, 1.0, 0.1, 1e-3])  # length scales 1 and 0.1
    gp, _ = fit_model(X, y, (theta, 60), max_exact=20)
    # The 20 rows nearest the best one, in the last fit's length scales.
    distance = np.sum(((X - X[np.argmax(y)]) / [1.0, 0.1]) ** 2, axis=1)
    nearest = np.sort(np.argsort(distance)[:20])
    kept = np.sort([int(np.flatnonzero((X == row).all(axis=1))[0]) for row in gp.X_train_])
    assert np.array_equal(kept, nearest)
    # Its scores keep the standardization of all of them.
    assert np.array_equal(np.sort(gp.y_train_), np.sort(y[nearest]))
    assert len(fit_model(X, y, (theta, 60), max_exact=60)[0].y_train_) == 60


def test_bayes_optimizer_models_at_most_max_exact_observations(monkeypatch):
    from skhyper import BayesOptimizer, Real
    from skhyper.surrogate import _propose

    monkeypatch.setattr(_propose, "MAX_EXACT", 15)
    rng = np.random.RandomState(0)
    xs = rng.uniform(-2, 2, size=25)
    opt = BayesOptimizer({"x": Real(-2.0, 2.0)}, random_state=0)
    opt.tell([{"x": x} for x in xs], -(xs - 0.5) ** 2)
    asked = opt.ask(n_points=3)
    assert len(asked) == 3 and opt.gp_.X_train_.shape == (15, 1)
    best = opt.space.transform([{"x": xs[np.argmax(-(xs - 0.5) ** 2)]}])[0]
    assert (opt.gp_.X_train_ == best).all(axis=1).any()
    # What is read back is still conditioned on every score told.
    assert len(opt.posterior().model_scores) == 25


def test_fit_model_optimizes_hyperparameters_on_max_fit_rows_spread_by_distance():
    from skhyper.surrogate import fit_gp
    from skhyper.surrogate._propose import fit_model

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(70, 2))
    y = np.sin(4 * X[:, 0]) + X[:, 1]
    y = (y - y.mean()) / y.std()
    gp, optimized = fit_model(X, y, max_fit=10)
    # Conditioned on all 70, with the hyperparameters of 10 of them: the
    # nearest the best, the farthest, and 8 spread between in distance.
    assert optimized and len(gp.y_train_) == 70
    order = np.argsort(np.sum((X - X[np.argmax(y)]) ** 2, axis=1), kind="stable")
    spread = order[np.round(np.linspace(0, 69, 10)).astype(int)]
    assert np.allclose(gp.theta, fit_gp(X[spread], y[spread]).theta)
    assert not np.allclose(gp.theta, fit_gp(X, y).theta)
    # Hyperparameters kept: no optimization, so nothing is left out.
    kept, optimized = fit_model(X, y, (gp.theta, 70), max_fit=10)
    assert not optimized and np.array_equal(kept.X_train_, X)


def _concave(center, curvature):
    """A separable concave quadratic per row and its gradient."""

    def acquisition(Z, return_grad=False):
        diff = Z - center
        value = -0.5 * np.sum(curvature * diff**2, axis=1)
        if not return_grad:
            return value
        return value, -curvature * diff

    return acquisition


def test_refine_reaches_each_rows_maximum_or_its_projection_on_the_box():
    from skhyper.surrogate._optimize import _refine

    rng = np.random.RandomState(0)
    # Curvatures a thousand-fold apart: one joint curvature estimate would
    # suit neither; one per row must.
    curvature = np.array([1.0, 1000.0, 30.0])
    center = np.array([0.3, 1.4, -0.2])  # the last two outside [0, 1]
    starts = rng.uniform(size=(4, 3))
    movable = np.ones_like(starts, dtype=bool)
    lower, upper = np.zeros_like(starts), np.ones_like(starts)
    refined = _refine(_concave(center, curvature), starts, movable, lower, upper)
    np.testing.assert_allclose(refined, np.tile([0.3, 1.0, 0.0], (4, 1)), atol=1e-4)


def test_refine_holds_fixed_columns_and_keeps_to_narrow_bounds():
    from skhyper.surrogate._optimize import _refine

    center = np.array([0.5, 0.5, 0.5])
    acquisition = _concave(center, np.ones(3))
    starts = np.array([[0.1, 0.9, 0.2], [0.8, 0.1, 0.7]])
    movable = np.array([[True, False, True], [True, True, True]])
    lower = np.array([[0.0, 0.9, 0.0], [0.0, 0.1, 0.6]])
    upper = np.array([[1.0, 0.9, 0.3], [1.0, 0.1, 0.9]])  # 0.1 == 0.1: fixed
    refined = _refine(acquisition, starts, movable, lower, upper)
    np.testing.assert_allclose(refined, [[0.5, 0.9, 0.3], [0.5, 0.1, 0.6]], atol=1e-4)


def test_refine_ends_at_a_local_maximum_of_a_posterior_acquisition(fitted):
    from skhyper.surrogate._optimize import _refine

    gp = fitted[0]
    best = gp.y_train_.max()

    def acquisition(Z, return_grad=False):
        mu, sigma, d_mu, d_sigma = gp.predict(Z, return_grad=True)
        value, a_mu, a_sigma = evaluate_acquisition("log_ei", mu, sigma, best)
        grad = a_mu[:, None] * d_mu + a_sigma[:, None] * d_sigma
        return (value, grad) if return_grad else value

    rng = np.random.RandomState(1)
    starts = rng.uniform(size=(6, gp.X_train_.shape[1]))
    ones = np.ones_like(starts)
    refined = _refine(acquisition, starts, ones > 0, 0 * ones, ones)
    value, grad = acquisition(refined, return_grad=True)
    assert np.all(value > acquisition(starts))
    # First-order optimality in the box: the projected gradient step is nil...
    projected = np.clip(refined + grad, 0.0, 1.0) - refined
    assert np.abs(projected).max() < 1e-2  # one joint L-BFGS-B run left 0.05
    # ...and no nearby point is better.
    for _ in range(20):
        nearby = np.clip(refined + rng.normal(scale=1e-2, size=refined.shape), 0, 1)
        assert np.all(acquisition(nearby) <= value + 1e-6)


def test_refine_leaves_a_row_without_a_finite_value_where_it_started():
    from skhyper.surrogate._optimize import _refine

    inner = _concave(np.array([0.5, 0.5]), np.ones(2))

    def acquisition(Z, return_grad=False):
        value, grad = inner(Z, True)
        # No value left of 0.2 in the first column: a step there is refused.
        value = np.where(Z[:, 0] < 0.2, np.nan, value)
        return (value, grad) if return_grad else value

    starts = np.array([[0.1, 0.5], [0.9, 0.9], [0.21, 0.9]])
    ones = np.ones_like(starts)
    refined = _refine(acquisition, starts, ones > 0, 0 * ones, ones)
    np.testing.assert_array_equal(refined[0], starts[0])
    np.testing.assert_allclose(refined[1:], [[0.5, 0.5], [0.5, 0.5]], atol=1e-4)
