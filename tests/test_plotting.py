"""The displays draw (Agg) from every kind of fitted search, and show its cv_results_."""

import warnings

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper import BayesSearchCV, Real  # noqa: E402
from skhyper.plotting import (  # noqa: E402
    BracketsDisplay,
    ConvergenceDisplay,
    LineageDisplay,
    PolicyDisplay,
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


@pytest.mark.parametrize("name", [*every_search(), *_sklearn_searches()])
@pytest.mark.parametrize("x", ["evaluations", "fit_seconds"])
def test_convergence_shows_the_running_best_of_cv_results(fitted, name, x):
    import matplotlib.pyplot as plt

    search = fitted[name]
    results = search.cv_results_
    display = ConvergenceDisplay.from_estimator(search, x=x)
    scores = results["mean_test_score"]
    expected = [np.nanmax(scores[: i + 1]) if np.isfinite(scores[: i + 1]).any() else np.nan
                for i in range(len(scores))]
    np.testing.assert_allclose(display.best_scores[0], expected)
    np.testing.assert_array_equal(display.evaluations[0], np.arange(1, len(scores) + 1))
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
