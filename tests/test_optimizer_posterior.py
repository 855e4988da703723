"""BayesOptimizer.posterior: what the surrogate predicts, read through public API."""

import numpy as np
import pytest

from skhyper import BayesOptimizer, Categorical, Real
from skhyper.surrogate import evaluate_acquisition


def _told(n=14, fail=None, acq_func="log_ei"):
    opt = BayesOptimizer(
        {"x": Real(-2.0, 2.0), "kind": Categorical(["a", "b"])}, acq_func=acq_func,
        n_initial_points=6, random_state=0,
    )
    for i in range(n):
        p = opt.ask()
        score = -((p["x"] - 0.5) ** 2) + (0.3 if p["kind"] == "b" else 0.0)
        opt.tell(p, np.nan if i == fail else score)
    return opt


def test_the_posterior_is_the_model_of_the_last_ask_on_what_was_told():
    opt = _told()
    opt.ask()  # a model-based ask: gp_ is its model, on every score told
    posterior = opt.posterior()
    settings = [{"x": x, "kind": k} for x in np.linspace(-2, 2, 9) for k in "ab"]
    mean, std = posterior.predict(settings)
    assert mean.shape == std.shape == (len(settings),) and np.all(std >= 0)
    np.testing.assert_allclose(
        mean, opt.gp_.predict(opt.space.transform(settings)), rtol=1e-6, atol=1e-8
    )


def test_the_metric_units_are_the_scores_told():
    opt = _told()
    posterior = opt.posterior()
    assert posterior.observed_params == opt.observed_params
    np.testing.assert_array_equal(posterior.observed_scores, opt.observed_scores)
    # model units are increasing in the scores, and map back onto them
    order = np.argsort(opt.observed_scores)
    assert np.all(np.diff(posterior.model_scores[order]) > 0)
    np.testing.assert_allclose(
        posterior.to_metric(posterior.model_scores), opt.observed_scores, atol=1e-9
    )
    # at a setting told, the model's median is near the score told there
    mean, std = posterior.predict(opt.observed_params)
    median = posterior.to_metric(mean)
    np.testing.assert_allclose(median, opt.observed_scores, atol=0.05)
    low, high = posterior.to_metric(mean - 2 * std), posterior.to_metric(mean + 2 * std)
    assert np.all(low <= median) and np.all(median <= high)


def test_a_failed_evaluation_is_the_worst_model_score():
    opt = _told(fail=3)
    posterior = opt.posterior()
    assert np.isnan(posterior.observed_scores[3])
    assert posterior.model_scores[3] == posterior.model_scores.min()
    assert np.all(np.isfinite(posterior.model_scores))


@pytest.mark.parametrize("acq_func", ["log_ei", "ei", "pi", "ucb"])
def test_the_acquisition_is_the_optimizers_at_the_models_prediction(acq_func):
    opt = _told(acq_func=acq_func)
    posterior = opt.posterior()
    assert posterior.acq_func == acq_func
    settings = [{"x": x, "kind": "b"} for x in np.linspace(-2, 2, 7)]
    mean, std = posterior.predict(settings)
    # of the score an evaluation returns: the model's noise added
    noise = posterior.noise_variance
    assert noise == pytest.approx(opt.gp_.kernel_.k2.noise_level, rel=1e-9)
    expected = evaluate_acquisition(
        acq_func, mean, np.sqrt(std**2 + noise), posterior.model_scores.max(),
        opt.xi, opt.kappa,
    )[0]
    np.testing.assert_allclose(posterior.acquisition(settings), expected)


@pytest.mark.slow
def test_reading_the_posterior_changes_nothing():
    read, untouched = _told(), _told()
    read.posterior()
    assert read.ask(3) == untouched.ask(3)


def test_no_posterior_before_a_finite_score():
    opt = BayesOptimizer({"x": Real(0.0, 1.0)}, random_state=0)
    with pytest.raises(ValueError, match="no finite score"):
        opt.posterior()
    opt.tell({"x": 0.5}, np.nan)
    with pytest.raises(ValueError, match="no finite score"):
        opt.posterior()
