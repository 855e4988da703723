"""SurrogateDisplay: the posterior of a Bayesian search at a grid, in the
metric's or the model's units, and the refusals of the surrogate displays."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper import (  # noqa: E402
    BayesOptimizer,
    BayesSearchCV,
    Categorical,
    Real,
)
from skhyper.plotting import ScoreDependenceDisplay, SurrogateDisplay  # noqa: E402

from ._searches import svc_search, told_quadratic  # noqa: E402


@pytest.mark.slow
def test_surrogate_shows_the_posterior_at_the_grid_and_the_evaluations(fitted):
    import matplotlib.pyplot as plt

    search = fitted["bayes"]
    opt = search.optimizer_
    display = SurrogateDisplay.from_estimator(search, n_points=40, units="model")
    assert display.params == ["C"] and len(display.grid[0]) == 40
    mean, std = opt.posterior().predict([{"C": c} for c in display.grid[0]])
    np.testing.assert_allclose(display.mean, mean)
    np.testing.assert_allclose(display.std, std)
    assert np.all(np.isfinite(display.acquisition))
    # the evaluated points are cv_results_'s, their model scores in the same order
    results = search.cv_results_
    np.testing.assert_allclose(
        display.observed[0].astype(float), [p["C"] for p in results["params"]]
    )
    scores = results["mean_test_score"]
    assert int(np.argmax(display.observed_scores)) == int(np.argmax(scores))
    assert np.all(np.diff(display.observed_scores[np.argsort(scores)]) >= -1e-12)
    assert display.grid[0][0] == pytest.approx(1e-2) and display.grid[0][-1] == pytest.approx(1e2)
    display.figure_.canvas.draw()
    assert display.axes_[0].get_xscale() == "log"  # a log-uniform range
    plt.close("all")


@pytest.mark.slow
def test_surrogate_of_an_optimizer_peaks_where_the_scores_do():
    import matplotlib.pyplot as plt

    opt = told_quadratic()
    one = SurrogateDisplay.from_estimator(opt, "x", n_points=101, units="model")
    assert one.grid[0][int(np.argmax(one.mean))] == pytest.approx(0.3, abs=0.05)
    assert one.fixed == {"y": opt.best_params["y"]}
    two = SurrogateDisplay.from_estimator(opt, n_points=21, fixed={}, units="model")
    assert two.mean.shape == two.acquisition.shape == (21, 21)  # (y, x)
    row, col = np.unravel_index(np.argmax(two.mean), two.mean.shape)
    assert two.grid[0][col] == pytest.approx(0.3, abs=0.06)
    held = SurrogateDisplay.from_estimator(opt, "x", fixed={"y": 0.9}, n_points=5,
                                           units="model")
    assert held.fixed == {"y": 0.9}
    np.testing.assert_allclose(
        held.mean,
        opt.posterior().predict([{"x": x, "y": 0.9} for x in held.grid[0]])[0],
    )
    plt.close("all")


@pytest.mark.slow
def test_the_surrogate_is_drawn_in_the_metrics_units():
    import matplotlib.pyplot as plt

    from skhyper.surrogate._warping import OutputWarping

    search = svc_search()
    scores = search.cv_results_["mean_test_score"]
    display = SurrogateDisplay.from_estimator(search, "C", n_points=60)
    model = SurrogateDisplay.from_estimator(search, "C", n_points=60, units="model")
    assert display.units == "metric" and model.units == "model"
    # the evaluations at their accuracy, the model in [0, 1] around them
    np.testing.assert_array_equal(display.observed_scores, scores)
    assert np.all(display.lower <= display.mean) and np.all(display.mean <= display.upper)
    assert 0.0 <= display.mean.min() and display.mean.max() <= 1.0
    assert abs(display.mean.max() - scores.max()) < 0.1
    # the same model mapped back: its median and the quantiles of its band
    # (mean -/+ 2 std) through the increasing inverse of the output warping
    warping = OutputWarping(search.optimizer_.observed_scores)
    np.testing.assert_allclose(display.mean, warping.inverse_transform(model.mean))
    np.testing.assert_allclose(display.lower,
                               warping.inverse_transform(model.mean - 2 * model.std))
    np.testing.assert_allclose(display.upper,
                               warping.inverse_transform(model.mean + 2 * model.std))
    np.testing.assert_allclose(model.lower, model.mean - 2 * model.std)
    assert "accuracy" in display.axes_[0].get_ylabel()
    assert "model units" in model.axes_[0].get_ylabel()
    display.figure_.canvas.draw()
    plt.close("all")


@pytest.mark.parametrize("seed", range(4))
def test_the_output_warping_maps_back_to_the_scores(seed):
    from skhyper.surrogate._warping import model_scores as _model_scores
    from skhyper.surrogate._warping import OutputWarping

    rng = np.random.default_rng(seed)
    cases = [
        rng.uniform(0.8, 0.95, 12),                          # accuracies
        -np.exp(rng.normal(0, 2, 15)),                       # a long tail of losses
        np.r_[rng.normal(0, 1, 10), 40.0],                   # one far outlier
        np.r_[rng.uniform(0.5, 0.9, 6), np.nan, np.nan],     # failed fits
        np.array([0.7, 0.9, 0.8]),                           # too few to warp
        np.full(4, 0.5),                                     # all equal
    ]
    for scores in cases:
        warping = OutputWarping(scores)
        z = warping.transform(scores)
        np.testing.assert_array_equal(z, _model_scores(scores))  # what the model sees
        finite = np.isfinite(scores)
        back = warping.inverse_transform(z[finite])
        np.testing.assert_allclose(back, scores[finite], rtol=1e-9, atol=1e-12)
        # increasing, also between and beyond the scores (±inf past its image)
        grid = np.linspace(z.min() - 3, z.max() + 3, 201)
        mapped = warping.inverse_transform(grid)
        assert not np.isnan(mapped).any() and np.all(mapped[1:] >= mapped[:-1])


@pytest.mark.slow
def test_a_slice_marks_the_evaluations_that_lie_off_it():
    import matplotlib.pyplot as plt

    search = svc_search()
    display = SurrogateDisplay.from_estimator(search, "C")
    gammas = np.array([p["gamma"] for p in search.cv_results_["params"]])
    np.testing.assert_array_equal(display.on_slice, gammas == display.fixed["gamma"])
    assert display.on_slice.sum() == 1  # the best setting, which the slice holds
    labels = [c.get_label() for c in display.axes_[0].collections]
    assert "evaluated, on the slice" in labels and "evaluated, off the slice" in labels
    off = next(c for c in display.axes_[0].collections
               if c.get_label() == "evaluated, off the slice")
    assert len(off.get_offsets()) == (~display.on_slice).sum()
    # over the whole (two-parameter) space every point is on the plane
    both = SurrogateDisplay.from_estimator(search, n_points=10)
    assert both.on_slice.all()
    # the map's colours span the scores (a model undershooting far below the
    # worst one, or beyond the warping's image, takes the lowest colour)
    from matplotlib.contour import ContourSet

    (contours,) = [c for c in both.axes_[0].get_children() if isinstance(c, ContourSet)]
    scores = search.cv_results_["mean_test_score"]
    span = scores.max() - scores.min()
    assert scores.min() - 0.2 * span <= contours.levels[0] <= scores.min()
    assert contours.levels[-1] <= max(scores.max(), np.nanmax(both.mean)) + 0.2 * span
    plt.close("all")


@pytest.mark.slow
def test_surrogate_over_a_categorical_and_the_refusals(data):
    import matplotlib.pyplot as plt

    X, y = data
    search = BayesSearchCV(
        LogisticRegression(),
        {"C": Real(1e-2, 1e2, prior="log-uniform"),
         "fit_intercept": Categorical([True, False]),
         "tol": Real(1e-5, 1e-3, prior="log-uniform")},
        n_iter=6, n_initial_points=4, cv=3, random_state=0,
    ).fit(X, y)
    display = SurrogateDisplay.from_estimator(search, "fit_intercept")
    assert display.grid == [[True, False]] and display.mean.shape == (2,)
    display.figure_.canvas.draw()
    with pytest.raises(ValueError, match="has 3 parameters"):
        SurrogateDisplay.from_estimator(search)
    with pytest.raises(ValueError, match="two numeric parameters"):
        SurrogateDisplay.from_estimator(search, ["C", "fit_intercept"])
    with pytest.raises(ValueError, match="params must name one or two"):
        SurrogateDisplay.from_estimator(search, ["C", "nope"])
    with pytest.raises(ValueError, match="fixed names parameters \\['C'\\]"):
        SurrogateDisplay.from_estimator(search, "C", fixed={"C": 1.0})
    with pytest.raises(ValueError, match="n_points must be an integer >= 2"):
        SurrogateDisplay.from_estimator(search, "C", n_points=1)
    with pytest.raises(ValueError, match="needs a Gaussian-process surrogate"):
        SurrogateDisplay.from_estimator(GridSearchCV(LogisticRegression(), {"C": [1]}))
    with pytest.raises(ValueError, match="no finite score"):
        SurrogateDisplay.from_estimator(BayesOptimizer({"x": Real(0, 1)}))
    plt.close("all")


def test_slices_of_many_categories_and_of_unbounded_distributions():
    from scipy.stats import norm

    from skhyper.space import Distribution

    opt = BayesOptimizer(
        {"letter": Categorical(list("abcdef")), "z": norm(0, 1)},
        n_initial_points=6, random_state=0,
    )
    for _ in range(8):
        p = opt.ask()
        opt.tell(p, -(p["z"] ** 2) + (p["letter"] == "c"))
    letters = SurrogateDisplay.from_estimator(opt, "letter", n_points=4)
    assert letters.grid == [list("abcdef")]  # every category, whatever n_points
    z = SurrogateDisplay.from_estimator(opt, "z", n_points=11)
    # within the 0.5 % and 99.5 % quantiles, not the 1e-12 ones
    assert z.grid[0][0] == pytest.approx(norm.ppf(0.005))
    assert z.grid[0][-1] == pytest.approx(norm.ppf(0.995))
    both = ScoreDependenceDisplay.from_estimator(opt, n_points=4)
    assert both.values[0] == list("abcdef") and len(both.values[1]) == 4
    assert isinstance(opt.space.subspaces[0]["z"], Distribution)
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.slow
def test_failed_evaluations_are_not_drawn_as_scores():
    import matplotlib.pyplot as plt

    opt = BayesOptimizer({"x": Real(0, 1)}, n_initial_points=5, random_state=0)
    for _ in range(8):
        p = opt.ask()
        opt.tell(p, np.nan if p["x"] > 0.7 else -((p["x"] - 0.3) ** 2))
    failed = ~np.isfinite(opt.observed_scores)
    assert failed.any() and (~failed).any()
    display = SurrogateDisplay.from_estimator(opt)
    assert np.all(np.isnan(display.observed_scores[failed]))
    assert np.all(np.isfinite(display.observed_scores[~failed]))
    assert display.observed[0][np.nanargmax(display.observed_scores)] == (
        opt.best_params["x"])
    dependence = ScoreDependenceDisplay.from_estimator(opt)
    assert np.all(np.isnan(dependence.points[0][1][failed]))
    display.figure_.canvas.draw()
    plt.close("all")


def test_array_valued_categories_and_the_surrogate_refusals(data):
    import matplotlib.pyplot as plt

    opt = BayesOptimizer(
        {"w": Categorical([np.array([1, 2]), np.array([3, 4])]), "x": Real(0, 1)},
        n_initial_points=4, random_state=0,
    )
    for _ in range(6):
        p = opt.ask()
        opt.tell(p, float(p["w"][0]) - p["x"])
    display = SurrogateDisplay.from_estimator(opt, "w")
    assert len(display.grid[0]) == 2 and display.mean.shape == (2,)
    with pytest.raises(ValueError, match="fixed\\['x'\\]=5.0 is not a value of Real"):
        SurrogateDisplay.from_estimator(opt, "w", fixed={"x": 5.0})
    with pytest.raises(ValueError, match="pass metric only with method='binned'"):
        ScoreDependenceDisplay.from_estimator(opt, metric="score")
    plt.close("all")
