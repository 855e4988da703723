"""ConvergenceDisplay: the running best of the rows each kind of search could choose."""

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
)
from sklearn.svm import SVC

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper import (  # noqa: E402
    BayesSearchCV,
    HyperbandSearchCV,
    PBTSearchCV,
    Real,
)
from skhyper.plotting import ConvergenceDisplay  # noqa: E402

from .._estimators import FailingClassifier  # noqa: E402
from .._searches import every_search  # noqa: E402
from ._searches import sklearn_searches  # noqa: E402


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


@pytest.mark.parametrize("name", [*every_search(), *sklearn_searches()])
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


@pytest.mark.slow
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
