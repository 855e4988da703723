"""The displays draw (Agg) from every kind of fitted search, and show its cv_results_."""

import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
)
from sklearn.svm import SVC

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper import BayesSearchCV, Real  # noqa: E402
from skhyper import BayesOptimizer, Categorical, HypergradientSearchCV  # noqa: E402
from skhyper import HyperbandSearchCV, PBTSearchCV  # noqa: E402
from skhyper.plotting import (  # noqa: E402
    BracketsDisplay,
    ConvergenceDisplay,
    HypergradientDisplay,
    LineageDisplay,
    PolicyDisplay,
    ScheduleDisplay,
    ScoreDependenceDisplay,
    SurrogateDisplay,
)

from ._estimators import FailingClassifier  # noqa: E402
from ._searches import every_search  # noqa: E402


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=120, n_features=6, random_state=0)


def _sklearn_searches():
    C = [0.01, 0.1, 1.0, 10.0]
    return {
        "grid": GridSearchCV(LogisticRegression(), {"C": C}, cv=3),
        "random": RandomizedSearchCV(
            LogisticRegression(), {"C": loguniform(1e-2, 1e2)}, n_iter=5, cv=3,
            random_state=0,
        ),
        "halving-grid": HalvingGridSearchCV(
            LogisticRegression(), {"C": [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]}, cv=3,
            min_resources=20,
        ),
        "halving-random": HalvingRandomSearchCV(
            LogisticRegression(), {"C": loguniform(1e-2, 1e2)}, n_candidates=12, cv=3,
            min_resources=20, random_state=0,
        ),
    }


@pytest.fixture(scope="module")
def fitted(data):
    X, y = data
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, search in {**every_search(), **_sklearn_searches()}.items():
            out[name] = search.fit(X, y)
    return out


def _selectable(search):
    """The rows each kind of search chooses ``best_index_`` among, written
    from its documentation: the last iteration of scikit-learn's successive
    halving, the largest resource of Hyperband and PBT, else every row."""
    results = search.cv_results_
    if isinstance(search, (HalvingGridSearchCV, HalvingRandomSearchCV)):
        return results["iter"] == np.max(results["iter"])
    if isinstance(search, (HyperbandSearchCV, PBTSearchCV)):
        return results["n_resources"] == np.max(results["n_resources"])
    return np.ones(len(results["params"]), dtype=bool)


@pytest.mark.parametrize("name", [*every_search(), *_sklearn_searches()])
@pytest.mark.parametrize("x", ["evaluations", "fit_seconds"])
def test_convergence_shows_the_running_best_of_the_selectable_rows(fitted, name, x):
    import matplotlib.pyplot as plt

    search = fitted[name]
    results = search.cv_results_
    display = ConvergenceDisplay.from_estimator(search, x=x)
    scores = np.where(_selectable(search), results["mean_test_score"], np.nan)
    expected = [np.nanmax(scores[: i + 1]) if np.isfinite(scores[: i + 1]).any() else np.nan
                for i in range(len(scores))]
    np.testing.assert_allclose(display.best_scores[0], expected)
    assert display.best_scores[0][-1] == search.best_score_
    np.testing.assert_array_equal(display.evaluations[0], np.arange(1, len(scores) + 1))
    # every row's fit seconds count, low budgets included
    np.testing.assert_allclose(
        display.fit_seconds[0], np.cumsum(results["mean_fit_time"] * search.n_splits_)
    )
    line = display.lines_[0]
    along = display.evaluations[0] if x == "evaluations" else display.fit_seconds[0]
    np.testing.assert_allclose(line.get_xdata(), along)
    np.testing.assert_allclose(line.get_ydata(), display.best_scores[0])
    assert display.names == [type(search).__name__]
    assert display.ax_.get_xlabel().startswith(x.split("_")[0])
    assert display.figure_ is display.ax_.figure
    display.figure_.canvas.draw()  # renders
    plt.close("all")


def _noisy_multifidelity():
    """Searches whose low-budget rows score above their ``best_score_`` on
    noisy data of the seed given (a few samples, or steps, flatter a bad C)."""
    C = Real(1e-2, 1e2, prior="log-uniform")
    alpha = Real(1e-4, 1e-1, prior="log-uniform")
    return {
        "halving-random": (3, HalvingRandomSearchCV(
            SVC(), {"C": loguniform(1e-2, 1e2)}, n_candidates=12, cv=3,
            min_resources=15, random_state=0)),
        "hyperband": (4, HyperbandSearchCV(
            SVC(), {"C": C}, resource="n_samples", min_resources=12, factor=2, cv=3,
            random_state=0)),
        "pbt": (0, PBTSearchCV(
            SGDClassifier(random_state=0), {"alpha": alpha}, population_size=4,
            n_steps=6, interval=2, cv=3, random_state=0)),
    }


@pytest.mark.parametrize("name", list(_noisy_multifidelity()))
def test_low_budget_rows_do_not_lift_the_curve_above_the_best_score(name):
    import matplotlib.pyplot as plt

    seed, search = _noisy_multifidelity()[name]
    X, y = make_classification(n_samples=200, n_features=10, n_informative=3, flip_y=0.2,
                               random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.nanmax(scores) > search.best_score_  # a low-budget row scores higher
    curve = ConvergenceDisplay.from_estimator(search).best_scores[0]
    assert np.nanmax(curve) == curve[-1] == search.best_score_
    plt.close("all")


def test_several_searches_on_given_axes_with_names(fitted):
    import matplotlib.pyplot as plt

    _, ax = plt.subplots()
    grid, other = fitted["grid"], fitted["bayes"]
    display = ConvergenceDisplay.from_estimator([grid, other, grid], ax=ax, color="k")
    assert display.ax_ is ax and len(ax.get_lines()) == 3
    assert display.names == ["GridSearchCV (1)", "BayesSearchCV", "GridSearchCV (2)"]
    assert [line.get_color() for line in display.lines_] == ["k"] * 3
    named = ConvergenceDisplay.from_estimator([grid, other], names=["a", "b"])
    assert [t.get_text() for t in named.ax_.get_legend().get_texts()] == ["a", "b"]
    # plot() again, against seconds, from the data kept
    redrawn = named.plot(x="fit_seconds")
    np.testing.assert_allclose(redrawn.lines_[1].get_xdata(), named.fit_seconds[1])
    plt.close("all")


def test_a_failed_fit_leaves_the_curve_as_it_was(data):
    X, y = data
    search = GridSearchCV(
        FailingClassifier(), {"parameter": [0.9, 0.4, 0.7, 0.2]}, cv=2, error_score=np.nan,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    np.testing.assert_allclose(search.cv_results_["mean_test_score"], [np.nan, 0.6, np.nan, 0.8])
    best = ConvergenceDisplay.from_estimator(search).best_scores[0]
    np.testing.assert_allclose(best, [np.nan, 0.6, 0.6, 0.8])


def test_multimetric_plots_refit_or_the_metric_asked(data):
    X, y = data
    scoring = ["accuracy", "roc_auc"]
    search = BayesSearchCV(
        LogisticRegression(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, n_iter=4,
        scoring=scoring, refit="roc_auc", cv=3, random_state=0,
    ).fit(X, y)
    display = ConvergenceDisplay.from_estimator(search)
    np.testing.assert_allclose(
        display.best_scores[0], np.fmax.accumulate(search.cv_results_["mean_test_roc_auc"])
    )
    assert "roc_auc" in display.ax_.get_ylabel()
    acc = ConvergenceDisplay.from_estimator(search, metric="accuracy")
    np.testing.assert_allclose(
        acc.best_scores[0], np.fmax.accumulate(search.cv_results_["mean_test_accuracy"])
    )
    no_refit = GridSearchCV(LogisticRegression(), {"C": [1.0, 2.0]}, scoring=scoring,
                            refit=False, cv=3).fit(X, y)
    with pytest.raises(ValueError, match="pass metric="):
        ConvergenceDisplay.from_estimator(no_refit)
    with pytest.raises(ValueError, match="metric='nope'"):
        ConvergenceDisplay.from_estimator(search, metric="nope")


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"x": "time"}, ValueError, "x must be one of"),
        ({"x": None}, ValueError, "x must be one of"),
        ({"names": "one"}, ValueError, "names must be a list"),
        ({"names": ["a", "b"]}, ValueError, "names must be a list"),
        ({"metric": 3}, ValueError, "metric=3"),
    ],
)
def test_bad_arguments_are_refused(fitted, kwargs, error, match):
    with pytest.raises(error, match=match):
        ConvergenceDisplay.from_estimator(fitted["grid"], **kwargs)


def test_an_unfitted_search_or_no_search_is_refused():
    with pytest.raises(NotFittedError):
        ConvergenceDisplay.from_estimator(GridSearchCV(LogisticRegression(), {"C": [1]}))
    with pytest.raises(ValueError, match="non-empty list"):
        ConvergenceDisplay.from_estimator([])


@pytest.mark.parametrize("name", ["hyperband", "hyperband-partial_fit"])
def test_brackets_show_every_configuration_rung_by_rung(fitted, name):
    import matplotlib.pyplot as plt

    search = fitted[name]
    results = search.cv_results_
    display = BracketsDisplay.from_estimator(search)
    assert display.brackets == sorted(set(results["bracket"]), reverse=True)
    assert len(display.axes_) == len(display.brackets)
    seen = 0
    for s in display.brackets:
        ids = [cid for cid, _, _ in display.curves[s]]
        rows = np.flatnonzero(results["bracket"] == s)
        assert sorted(ids) == sorted(set(results["config_id"][rows]))
        for (cid, resources, scores), line in zip(display.curves[s], display.lines_[s]):
            own = rows[results["config_id"][rows] == cid]
            np.testing.assert_array_equal(resources, results["n_resources"][own])
            np.testing.assert_array_equal(scores, results["mean_test_score"][own])
            assert np.all(np.diff(resources) > 0)  # promoted: more resource each rung
            np.testing.assert_array_equal(line.get_xdata(), resources)
            seen += len(own)
    assert seen == len(results["params"])  # every row is on a line
    display.figure_.canvas.draw()
    plt.close("all")


def test_brackets_need_hyperband_columns_and_one_axes_per_bracket(fitted):
    import matplotlib.pyplot as plt

    with pytest.raises(ValueError, match="lack \\['bracket', 'config_id', 'n_resources'\\]"):
        BracketsDisplay.from_estimator(fitted["grid"])
    search = fitted["hyperband"]
    n = len(set(search.cv_results_["bracket"]))
    _, axes = plt.subplots(1, n + 1)
    with pytest.raises(ValueError, match=f"one Axes per bracket \\({n}\\)"):
        BracketsDisplay.from_estimator(search, axes=axes)
    display = BracketsDisplay.from_estimator(search, axes=axes[:n], color="k")
    assert display.axes_ == list(axes[:n])
    assert {line.get_color() for lines in display.lines_.values() for line in lines} == {"k"}
    plt.close("all")


def test_lineage_shows_the_population_and_the_winners_ancestry(fitted):
    import matplotlib.pyplot as plt

    search = fitted["pbt"]
    results = search.cv_results_
    display = LineageDisplay.from_estimator(search)
    rounds, members = results["iter"].astype(int), results["member"].astype(int)
    np.testing.assert_array_equal(display.scores[rounds, members], results["mean_test_score"])
    np.testing.assert_array_equal(display.parents[rounds, members], results["parent"])
    np.testing.assert_array_equal(display.steps[rounds], results["n_resources"])
    assert (display.parents >= 0).any()  # the search did copy
    # the lineage runs from the winner back to the first round, through copies
    n_rounds, n_members = display.scores.shape
    assert display.best_lineage[0] == (n_rounds - 1, members[search.best_index_])
    assert [r for r, _ in display.best_lineage] == list(range(n_rounds - 1, -1, -1))
    for (r, m), (before, ancestor) in zip(display.best_lineage, display.best_lineage[1:]):
        source = display.parents[r, m]
        assert ancestor == (m if source < 0 else source) and before == r - 1
    # a segment per member and round after the first, then the lineage
    assert len(display.lines_) == (n_rounds - 1) * n_members + 1
    for k, line in enumerate(display.lines_[:-1]):
        r, m = 1 + k // n_members, k % n_members
        source = display.parents[r, m]
        start = m if source < 0 else source
        assert line.get_linestyle() == ("--" if source >= 0 else "-")
        np.testing.assert_array_equal(
            line.get_ydata(), [display.scores[r - 1, start], display.scores[r, m]]
        )
    winner = display.lines_[-1]
    assert winner.get_ydata()[-1] == search.best_score_
    display.figure_.canvas.draw()
    plt.close("all")


def test_lineage_needs_pbt_columns(fitted):
    with pytest.raises(ValueError, match="lack \\['iter', 'member', 'n_resources', 'parent'\\]"):
        LineageDisplay.from_estimator(fitted["grid"])


def test_policy_shows_the_best_trajectory_fold_by_fold(fitted):
    import matplotlib.pyplot as plt

    search = fitted["dac"]
    display = PolicyDisplay.from_estimator(search)
    trajectory = search.best_trajectory_
    names = sorted({name for fold in trajectory for step in fold for name in step})
    assert display.parameters == names and len(display.axes_) == len(names)
    for name, ax in zip(names, display.axes_):
        expected = np.array([[step[name] for step in fold] for fold in trajectory])
        np.testing.assert_array_equal(display.values[name], expected)
        assert len(display.lines_[name]) == search.n_splits_
        for line, fold in zip(display.lines_[name], expected):
            np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(fold) + 1))
            np.testing.assert_array_equal(line.get_ydata(), fold)
        assert ax.get_ylabel() == name
    display.figure_.canvas.draw()
    with pytest.raises(ValueError, match="one Axes per dynamic parameter"):
        PolicyDisplay.from_estimator(search, axes=plt.subplots(1, len(names) + 1)[1])
    plt.close("all")


def test_policy_needs_a_dac_search(fitted):
    with pytest.raises(ValueError, match="needs the best_trajectory_"):
        PolicyDisplay.from_estimator(fitted["grid"])


def test_lineage_of_a_winner_chosen_before_the_last_round(data):
    # a callable refit may pick a row of an earlier round: the lineage starts there
    from skhyper import PBTSearchCV

    X, y = data

    def first_round_best(results):
        scores = np.where(results["iter"] == 0, results["mean_test_score"], -np.inf)
        return int(np.argmax(scores))

    search = every_search()["pbt"].set_params(refit=first_round_best)
    assert isinstance(search, PBTSearchCV)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search.fit(X, y)
    display = LineageDisplay.from_estimator(search)
    best = search.best_index_
    assert display.best_lineage == [(0, int(search.cv_results_["member"][best]))]


def _told_quadratic(n=25):
    """A BayesOptimizer told a smooth score peaked at x=0.3, flat in y."""
    opt = BayesOptimizer(
        {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)}, n_initial_points=8, random_state=0
    )
    for _ in range(n):
        p = opt.ask()
        opt.tell(p, -((p["x"] - 0.3) ** 2) + 0.001 * p["y"])
    return opt


def test_surrogate_shows_the_posterior_at_the_grid_and_the_evaluations(fitted):
    import matplotlib.pyplot as plt

    search = fitted["bayes"]
    opt = search.optimizer_
    display = SurrogateDisplay.from_estimator(search, n_points=40, units="model")
    assert display.params == ["C"] and len(display.grid[0]) == 40
    gp, _ = opt._posterior()
    mean, std = gp.predict(opt.space.transform([{"C": c} for c in display.grid[0]]))
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


def test_surrogate_of_an_optimizer_peaks_where_the_scores_do():
    import matplotlib.pyplot as plt

    opt = _told_quadratic()
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
    gp, _ = opt._posterior()
    np.testing.assert_allclose(
        held.mean,
        gp.predict(opt.space.transform([{"x": x, "y": 0.9} for x in held.grid[0]]))[0],
    )
    plt.close("all")


def _svc_search(n_iter=12):
    X, y = make_classification(n_samples=150, n_features=6, flip_y=0.05, random_state=3)
    space = {"C": loguniform(1e-2, 1e4), "gamma": loguniform(1e-5, 1e1)}
    return BayesSearchCV(SVC(), space, n_iter=n_iter, cv=3, random_state=0).fit(X, y)


def test_the_surrogate_is_drawn_in_the_metrics_units():
    import matplotlib.pyplot as plt

    from skhyper.surrogate._warping import OutputWarping

    search = _svc_search()
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


def test_a_slice_marks_the_evaluations_that_lie_off_it():
    import matplotlib.pyplot as plt

    search = _svc_search()
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


def test_surrogate_dependence_is_in_the_metrics_units():
    import matplotlib.pyplot as plt

    from skhyper.surrogate._warping import OutputWarping

    search = _svc_search()
    opt = search.optimizer_
    display = ScoreDependenceDisplay.from_estimator(search, n_points=11)
    model = ScoreDependenceDisplay.from_estimator(search, n_points=11, units="model")
    scores = search.cv_results_["mean_test_score"]
    warping = OutputWarping(opt.observed_scores)
    gp, _ = opt._posterior()
    for i, name in enumerate(display.params):
        np.testing.assert_array_equal(display.points[i][1], scores)
        x = display.values[i][4]
        rows = opt.space.transform([{**p, name: x} for p in opt.observed_params])
        mu = gp.predict(rows)[0]
        # the model's mean over the evaluations, mapped back to the metric
        assert display.averages[i][4] == pytest.approx(
            warping.inverse_transform(mu.mean()))
        assert model.averages[i][4] == pytest.approx(mu.mean())
        assert 0.0 <= display.averages[i].min() and display.averages[i].max() <= 1.0
    assert "accuracy" in display.axes_[0].get_ylabel()
    assert "model units" in model.axes_[0].get_ylabel()
    plt.close("all")


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


def test_surrogate_dependence_averages_the_model_over_the_evaluations():
    import matplotlib.pyplot as plt

    opt = _told_quadratic()
    display = ScoreDependenceDisplay.from_estimator(opt, n_points=51, units="model")
    assert display.method == "surrogate" and display.params == ["x", "y"]
    gp, _ = opt._posterior()
    x = display.values[0][10]
    rows = opt.space.transform([{**p, "x": x} for p in opt.observed_params])
    assert display.averages[0][10] == pytest.approx(gp.predict(rows)[0].mean())
    # x matters, y hardly: the dependence peaks at x=0.3 and is flat in y
    assert display.values[0][int(np.argmax(display.averages[0]))] == pytest.approx(
        0.3, abs=0.06
    )
    assert np.ptp(display.averages[1]) < 0.25 * np.ptp(display.averages[0])
    plt.close("all")


def test_hypergradient_path_is_cv_results_over_the_same_loss():
    import matplotlib.pyplot as plt
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import ElasticNet, Ridge
    from sklearn.model_selection import KFold, cross_val_score

    X, y = load_diabetes(return_X_y=True)
    search = HypergradientSearchCV(
        Ridge(), {"alpha": Real(1e-4, 1e4, prior="log-uniform")}, cv=5, max_iter=10,
    ).fit(X, y)
    alone = HypergradientDisplay.from_estimator(search)
    assert alone.curve_losses is None
    display = HypergradientDisplay.from_estimator(search, X, y, n_points=40)
    results = search.cv_results_
    np.testing.assert_allclose(display.path[0], [p["alpha"] for p in results["params"]])
    np.testing.assert_allclose(display.losses, results["hyper_loss"])
    assert display.best_index == search.best_index_
    # the curve is the loss the search differentiated: where they meet, they agree
    grid = np.log(display.curve_grid[0])
    on_curve = np.interp(np.log(display.path[0]), grid, display.curve_losses)
    np.testing.assert_allclose(on_curve, display.losses, rtol=0.02)
    display.figure_.canvas.draw()
    assert display.ax_.get_xscale() == "log"

    net = HypergradientSearchCV(
        ElasticNet(max_iter=5000),
        {"alpha": Real(1e-3, 1e1, prior="log-uniform"), "l1_ratio": Real(0.1, 0.9)},
        cv=KFold(3), max_iter=8,
    ).fit(X, y)
    plane = HypergradientDisplay.from_estimator(net, X, y, n_points=3)
    assert plane.params == ["alpha", "l1_ratio"] and plane.curve_losses.shape == (3, 3)
    a, r = plane.curve_grid[0][2], plane.curve_grid[1][0]  # row: l1_ratio, column: alpha
    direct = -cross_val_score(ElasticNet(alpha=a, l1_ratio=r, max_iter=5000), X, y,
                              cv=KFold(3), scoring="neg_mean_squared_error").mean()
    assert plane.curve_losses[0, 2] == pytest.approx(direct)
    plane.figure_.canvas.draw()
    with pytest.raises(ValueError, match="lack \\['hyper_loss', 'iter'\\]"):
        HypergradientDisplay.from_estimator(GridSearchCV(Ridge(), {"alpha": [1.0]}).fit(X, y))
    with pytest.raises(ValueError, match="both X and y"):
        HypergradientDisplay.from_estimator(search, X)
    plt.close("all")


@pytest.mark.parametrize("name", [*every_search(), *_sklearn_searches()])
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


def test_hypergradient_display_of_the_common_search(fitted):
    import matplotlib.pyplot as plt

    search = fitted["hypergradient"]
    display = HypergradientDisplay.from_estimator(search)
    np.testing.assert_allclose(display.losses, search.cv_results_["hyper_loss"])
    np.testing.assert_array_equal(display.iterations, search.cv_results_["iter"])
    display.figure_.canvas.draw()
    with pytest.raises(ValueError, match="lack \\['hyper_loss', 'iter'\\]"):
        HypergradientDisplay.from_estimator(fitted["grid"])
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


def test_hypergradient_curve_without_a_refit(data):
    import matplotlib.pyplot as plt

    X, y = data
    search = HypergradientSearchCV(
        LogisticRegression(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, max_iter=5,
        cv=3, scoring=["accuracy", "neg_log_loss"], refit=False, random_state=0,
    ).fit(X, y)
    assert not hasattr(search, "best_index_")
    display = HypergradientDisplay.from_estimator(search, X, y, n_points=5)
    assert display.best_index == int(np.nanargmin(search.cv_results_["hyper_loss"]))
    assert display.curve_losses.shape == (5,)
    plt.close("all")


def test_schedules_are_every_members_values_and_the_winners_lineage(fitted):
    import matplotlib.pyplot as plt

    search = fitted["pbt"]
    results = search.cv_results_
    display = ScheduleDisplay.from_estimator(search)
    assert display.parameters == ["alpha"]
    for p, r, m in zip(results["params"], results["iter"], results["member"]):
        assert display.values["alpha"][r][m] == p["alpha"]
    # the winner's value in each round is best_schedule_'s from that round's start
    starts = display.starts[:-1]
    segments = search.best_schedule_
    expected = [next(params for step, params in reversed(segments) if step <= start)
                for start in starts]
    assert display.best_schedule["alpha"] == [p["alpha"] for p in expected]
    assert display.starts[-1] == results["n_resources"].max()
    display.figure_.canvas.draw()
    with pytest.raises(ValueError, match="lack \\['iter', 'member', 'n_resources', "
                                         "'parent'\\]"):
        ScheduleDisplay.from_estimator(fitted["grid"])
    plt.close("all")


def test_a_categorical_schedule_is_drawn_by_category():
    import matplotlib.pyplot as plt

    display = ScheduleDisplay(
        parameters=["loss"], starts=np.array([0.0, 2.0, 4.0]),
        values={"loss": [["hinge", "log_loss"], ["log_loss", "log_loss"]]},
        best_schedule={"loss": ["hinge", "log_loss"]},
    ).plot()
    ax = display.axes_[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["hinge", "log_loss"]
    winner = ax.get_lines()[-1]
    np.testing.assert_array_equal(winner.get_ydata(), [0, 1, 1])
    plt.close("all")
