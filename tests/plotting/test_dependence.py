"""ScoreDependenceDisplay: binned from cv_results_, or the surrogate's partial
dependence."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper.plotting import ScoreDependenceDisplay  # noqa: E402

from .._searches import every_search  # noqa: E402
from ._searches import sklearn_searches, svc_search, told_quadratic  # noqa: E402


@pytest.mark.slow
def test_surrogate_dependence_is_in_the_metrics_units():
    import matplotlib.pyplot as plt

    from skhyper.surrogate._warping import OutputWarping

    search = svc_search()
    opt = search.optimizer_
    display = ScoreDependenceDisplay.from_estimator(search, n_points=11)
    model = ScoreDependenceDisplay.from_estimator(search, n_points=11, units="model")
    scores = search.cv_results_["mean_test_score"]
    warping = OutputWarping(opt.observed_scores)
    posterior = opt.posterior()
    for i, name in enumerate(display.params):
        np.testing.assert_array_equal(display.points[i][1], scores)
        x = display.values[i][4]
        mu = posterior.predict([{**p, name: x} for p in opt.observed_params])[0]
        # the model's mean over the evaluations, mapped back to the metric
        assert display.averages[i][4] == pytest.approx(
            warping.inverse_transform(mu.mean()))
        assert model.averages[i][4] == pytest.approx(mu.mean())
        assert 0.0 <= display.averages[i].min() and display.averages[i].max() <= 1.0
    assert "accuracy" in display.axes_[0].get_ylabel()
    assert "model units" in model.axes_[0].get_ylabel()
    plt.close("all")


@pytest.mark.slow
def test_binned_dependence_is_the_mean_and_best_of_each_value(fitted, data):
    import matplotlib.pyplot as plt

    X, y = data
    search = GridSearchCV(
        LogisticRegression(),
        {"C": [0.01, 0.1, 1.0], "fit_intercept": [True, False]}, cv=3,
    ).fit(X, y)
    display = ScoreDependenceDisplay.from_estimator(search)
    assert display.method == "binned" and display.params == ["C", "fit_intercept"]
    results = search.cv_results_
    scores = results["mean_test_score"]
    for name, values, means, best in zip(
        display.params, display.values, display.averages, display.maxima
    ):
        for v, m, b in zip(values, means, best):
            own = scores[[p[name] == v for p in results["params"]]]
            assert m == pytest.approx(own.mean()) and b == pytest.approx(own.max())
    assert display.values[0] == [0.01, 0.1, 1.0]
    # a random search's continuous values fall in log-spaced bins
    rand = fitted["random"]
    binned = ScoreDependenceDisplay.from_estimator(rand, n_bins=2)
    edges = np.sqrt(np.prod([min(p["C"] for p in rand.cv_results_["params"]),
                             max(p["C"] for p in rand.cv_results_["params"])]))
    low = [s for p, s in zip(rand.cv_results_["params"], rand.cv_results_["mean_test_score"])
           if p["C"] <= edges]
    assert binned.averages[0][0] == pytest.approx(np.mean(low))
    display.figure_.canvas.draw()
    with pytest.raises(ValueError, match="params must name distinct parameters"):
        ScoreDependenceDisplay.from_estimator(search, "nope")
    with pytest.raises(ValueError, match="needs a Gaussian-process surrogate"):
        ScoreDependenceDisplay.from_estimator(search, method="surrogate")
    with pytest.raises(ValueError, match="method must be"):
        ScoreDependenceDisplay.from_estimator(search, method="pdp")
    plt.close("all")


@pytest.mark.slow
def test_surrogate_dependence_averages_the_model_over_the_evaluations():
    import matplotlib.pyplot as plt

    opt = told_quadratic()
    display = ScoreDependenceDisplay.from_estimator(opt, n_points=51, units="model")
    assert display.method == "surrogate" and display.params == ["x", "y"]
    x = display.values[0][10]
    rows = [{**p, "x": x} for p in opt.observed_params]
    mean = opt.posterior().predict(rows)[0].mean()
    assert display.averages[0][10] == pytest.approx(mean)
    # x matters, y hardly: the dependence peaks at x=0.3 and is flat in y
    assert display.values[0][int(np.argmax(display.averages[0]))] == pytest.approx(
        0.3, abs=0.06
    )
    assert np.ptp(display.averages[1]) < 0.25 * np.ptp(display.averages[0])
    plt.close("all")


@pytest.mark.slow
@pytest.mark.parametrize("name", [*every_search(), *sklearn_searches()])
def test_binned_dependence_of_every_kind_of_search_matches_cv_results(fitted, name):
    import matplotlib.pyplot as plt

    search = fitted[name]
    results = search.cv_results_
    if name == "dac":  # a DAC row's params are the static ones: none here
        assert all(p == {} for p in results["params"])
        with pytest.raises(ValueError, match="no parameter of DACSearchCV's"):
            ScoreDependenceDisplay.from_estimator(search, method="binned")
        return
    display = ScoreDependenceDisplay.from_estimator(search, method="binned", n_bins=3)
    assert display.params and len(display.axes_) == len(display.params)
    scores = np.asarray(results["mean_test_score"], dtype=float)
    for param, (values, row_scores), means, best in zip(
        display.params, display.points, display.averages, display.maxima
    ):
        rows = [i for i, p in enumerate(results["params"]) if param in p]
        assert list(values) == [results["params"][i][param] for i in rows]
        np.testing.assert_array_equal(row_scores, scores[rows])
        # the bins partition the rows: the best of the bins is the best row
        finite = scores[rows][np.isfinite(scores[rows])]
        assert np.nanmax(best) == pytest.approx(finite.max())
        assert np.nanmin(means) <= finite.mean() <= np.nanmax(means)
    display.figure_.canvas.draw()
    plt.close("all")


def test_equal_values_of_different_types_are_one_group(data):
    import matplotlib.pyplot as plt

    X, y = data
    search = GridSearchCV(
        LogisticRegression(),
        [{"C": np.array([0.01, 1.0]), "fit_intercept": [True]},
         {"C": [0.01, 1.0], "fit_intercept": [False]}], cv=3,
    ).fit(X, y)
    display = ScoreDependenceDisplay.from_estimator(search, "C")
    assert display.values[0] == [0.01, 1.0]
    scores = search.cv_results_["mean_test_score"]
    C = np.array([p["C"] for p in search.cv_results_["params"]])
    np.testing.assert_allclose(display.averages[0],
                               [scores[C == 0.01].mean(), scores[C == 1.0].mean()])
    plt.close("all")
