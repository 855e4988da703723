"""compare_searches: every search on every seed, measured as documented."""

import importlib.util

import numpy as np
import pytest
from scipy.stats import loguniform
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skhyper import BayesSearchCV, HyperbandSearchCV, Real
from skhyper.compare import RUN_COLUMNS, SUMMARY_COLUMNS, compare_searches


@pytest.fixture(scope="module")
def data():
    return make_classification(n_samples=160, n_features=8, random_state=0)


def _searches():
    model = LogisticRegression()
    C = Real(1e-3, 1e2, prior="log-uniform")
    return {
        "grid": GridSearchCV(model, {"C": [0.001, 0.01, 0.1, 1.0]}, cv=3),
        "random": RandomizedSearchCV(model, {"C": loguniform(1e-3, 1e2)}, n_iter=4, cv=3),
        "bayes": BayesSearchCV(model, {"C": C}, n_iter=5, n_initial_points=3, cv=3),
        "hyperband": HyperbandSearchCV(model, {"C": C}, factor=2, min_resources=20, cv=3),
    }


@pytest.fixture(scope="module")
def comparison(data):
    X, y = data
    return compare_searches(_searches(), X, y, n_seeds=3, random_state=7)


@pytest.mark.slow
def test_every_run_is_the_search_fitted_on_the_training_part(comparison, data):
    X, y = data
    assert [run["search"] for run in comparison.runs] == [*_searches()] * 3
    assert [run["seed"] for run in comparison.runs[::4]] == [7, 8, 9]
    assert all(set(run) == set(RUN_COLUMNS) for run in comparison.runs)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=7, stratify=y
    )
    for run in comparison.runs:
        search = clone(_searches()[run["search"]])
        if "random_state" in search.get_params(deep=False):
            search.set_params(random_state=run["seed"])
        search.fit(X_train, y_train)
        results = search.cv_results_
        assert run["best_score"] == pytest.approx(search.best_score_)
        assert run["test_score"] == pytest.approx(search.score(X_test, y_test))
        assert run["evaluations"] == len(results["params"])
        assert run["evaluations_to_best"] == search.best_index_ + 1
        assert run["fits"] == len(results["params"]) * 3
        # compute: fit seconds summed over the rows, and to the chosen one
        assert 0 < run["time_to_best"] <= run["fit_seconds"] <= run["wall_seconds"]


def test_the_summary_has_the_documented_columns_with_sane_values(comparison):
    summary = comparison.summary
    assert list(summary) == list(SUMMARY_COLUMNS)
    assert summary["search"] == [*_searches()]
    for i, name in enumerate(summary["search"]):
        own = [run for run in comparison.runs if run["search"] == name]
        best = np.array([run["best_score"] for run in own])
        q1, median, q3 = np.percentile(best, [25, 50, 75])
        assert summary["best_score"][i] == pytest.approx(median)
        assert summary["best_score_q1"][i] <= median <= summary["best_score_q3"][i]
        assert summary["best_score_std"][i] == pytest.approx(best.std())
        assert 0.5 < summary["test_score"][i] <= 1.0
        assert summary["fits"][i] == np.median([run["fits"] for run in own])
    # a grid is the same every seed; a random search is not
    assert summary["best_score_std"][0] == 0.0
    assert len({run["best_score"] for run in comparison.runs[1::4]}) > 1


def test_the_table_is_text_or_a_dataframe(comparison):
    text = comparison.to_text()
    rows = text.splitlines()
    assert rows[0].startswith("| search") and len(rows) == 2 + 4
    assert [row.split("|")[1].strip() for row in rows[2:]] == [*_searches()]
    assert str(comparison) == text
    if importlib.util.find_spec("pandas") is None:
        assert comparison.table == text
        with pytest.raises(ImportError):
            comparison.to_frame()
    else:
        frame = comparison.table
        assert list(frame.columns) == list(SUMMARY_COLUMNS) and len(frame) == 4
        assert len(comparison.to_frame("runs")) == 12


@pytest.mark.slow
def test_the_plot_draws_a_curve_per_search_and_every_run(comparison):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    left, right = comparison.plot()
    assert [line.get_label() for line in left.get_lines()] == [*_searches()]
    # the median curve never falls: every run has started where it is drawn
    for line in left.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        y = y[np.isfinite(y)]
        assert y.size and np.all(np.diff(y) >= -1e-12)
    points = sum(len(line.get_ydata()) for line in right.get_lines())
    assert points == 2 * len(comparison.runs)  # best CV and test score of every run
    left.figure.canvas.draw()
    plt.close("all")


def test_a_search_that_does_not_refit_has_no_test_score(data):
    X, y = data
    search = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0]}, cv=3, refit=False)
    comparison = compare_searches([search, search], X, y, n_seeds=1)
    assert comparison.summary["search"] == ["GridSearchCV (1)", "GridSearchCV (2)"]
    run = comparison.runs[0]
    assert np.isnan(run["test_score"]) and np.isfinite(run["best_score"])
    results = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0]}, cv=3, refit=False)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, random_state=0,
                                              stratify=y)
    scores = results.fit(X_train, y_train).cv_results_["mean_test_score"]
    assert run["best_score"] == pytest.approx(scores.max())


def test_multimetric_searches_are_measured_by_their_refit_metric(data):
    X, y = data
    search = GridSearchCV(LogisticRegression(), {"C": [0.01, 1.0]}, cv=3,
                          scoring=["accuracy", "roc_auc"], refit="roc_auc")
    run = compare_searches({"g": search}, X, y, n_seeds=1).runs[0]
    assert run["best_score"] > 0.5
    fitted = clone(search).fit(*train_test_split(X, y, test_size=0.25, random_state=0,
                                                 stratify=y)[::2])
    assert run["best_score"] == pytest.approx(
        fitted.cv_results_["mean_test_roc_auc"][fitted.best_index_])


class _Counting(GridSearchCV):
    fits = 0

    def fit(self, X, y=None, **params):
        type(self).fits += 1
        return super().fit(X, y, **params)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_seeds": 0}, "n_seeds"),
        ({"n_seeds": 1.5}, "n_seeds"),
        ({"test_size": 1.5}, "test_size"),
        ({"random_state": -1}, "random_state"),
        ({"searches": {}}, "searches must hold at least one search"),
        ({"searches": {"a": 3}}, "searches\\['a'\\] must be a search estimator"),
        ({"searches": "grid"}, "searches"),
        ({"metric": "nope"}, "metric='nope' is not a metric of searches\\['g'\\]"),
    ],
)
def test_bad_input_is_refused_naming_the_parameter(data, kwargs, match):
    X, y = data
    _Counting.fits = 0
    arguments = {"searches": {"g": _Counting(LogisticRegression(), {"C": [1.0]})},
                 "n_seeds": 1, **kwargs}
    with pytest.raises(ValueError, match=match):
        compare_searches(X=X, y=y, **arguments)
    assert _Counting.fits == 0


def test_to_frame_hands_pandas_the_documented_columns(comparison, monkeypatch):
    # pandas is optional and not a test dependency: a stand-in records the call
    import sys
    import types

    class Frame:
        def __init__(self, data, columns):
            self.data, self.columns = data, list(columns)

    monkeypatch.setitem(sys.modules, "pandas", types.SimpleNamespace(DataFrame=Frame))
    summary = comparison.table
    assert isinstance(summary, Frame) and summary.columns == list(SUMMARY_COLUMNS)
    assert summary.data == comparison.summary
    runs = comparison.to_frame("runs")
    assert runs.columns == list(RUN_COLUMNS) and runs.data == comparison.runs
    with pytest.raises(ValueError, match="which must be 'summary' or 'runs'"):
        comparison.to_frame("seeds")


def _split(X, y, random_state=0):
    return train_test_split(X, y, test_size=0.25, random_state=random_state, stratify=y)


@pytest.mark.slow
def test_time_to_best_and_quartiles_are_exact(comparison, data):
    X, y = data
    X_train, _, y_train, _ = _split(X, y, 7)
    for k, run in enumerate(comparison.runs):
        seconds, best_so_far = comparison.curves[run["search"]][k // 4]
        search = clone(_searches()[run["search"]])
        if "random_state" in search.get_params(deep=False):
            search.set_params(random_state=run["seed"])
        best = search.fit(X_train, y_train).best_index_
        assert run["time_to_best"] == seconds[best]  # up to and including the row
        assert run["fit_seconds"] == seconds[-1]
        assert best_so_far[-1] == run["best_score"]
    summary = comparison.summary
    for i, name in enumerate(summary["search"]):
        best = [run["best_score"] for run in comparison.runs if run["search"] == name]
        q1, q3 = np.percentile(best, [25, 75])
        assert (summary["best_score_q1"][i], summary["best_score_q3"][i]) == (
            pytest.approx(q1), pytest.approx(q3))


def test_the_test_score_is_in_the_metric_of_the_best_score(data):
    from sklearn.metrics import accuracy_score, roc_auc_score

    X, y = data
    X_train, X_test, y_train, y_test = _split(X, y)
    grid = {"C": [0.001, 1.0]}
    scoring = ["accuracy", "roc_auc"]
    by_auc = GridSearchCV(LogisticRegression(), grid, cv=3, scoring=scoring,
                          refit="roc_auc")
    run = compare_searches({"g": by_auc}, X, y, n_seeds=1, metric="accuracy").runs[0]
    fitted = clone(by_auc).fit(X_train, y_train)
    assert run["best_score"] == pytest.approx(
        fitted.cv_results_["mean_test_accuracy"][fitted.best_index_])
    assert run["test_score"] == pytest.approx(
        accuracy_score(y_test, fitted.predict(X_test)))

    # a callable refit with several metrics: scored by the metric asked
    chooser = GridSearchCV(LogisticRegression(), grid, cv=3, scoring=scoring,
                           refit=lambda results: 1)
    run = compare_searches({"c": chooser}, X, y, n_seeds=1, metric="roc_auc").runs[0]
    fitted = clone(chooser).fit(X_train, y_train)
    assert run["test_score"] == pytest.approx(
        roc_auc_score(y_test, fitted.decision_function(X_test)))


@pytest.mark.parametrize("refit", [False, lambda results: 0])
def test_several_metrics_without_a_named_refit_need_a_metric_before_any_fit(data, refit):
    X, y = data
    _Counting.fits = 0
    search = _Counting(LogisticRegression(), {"C": [1.0]}, cv=3,
                       scoring=["accuracy", "roc_auc"], refit=refit)
    with pytest.raises(ValueError, match="scores several metrics .* pass metric="):
        compare_searches({"s": search}, X, y, n_seeds=1)
    assert _Counting.fits == 0


def test_seeds_past_numpys_range_are_refused_before_any_fit(data):
    X, y = data
    _Counting.fits = 0
    search = _Counting(LogisticRegression(), {"C": [1.0]}, cv=3)
    with pytest.raises(ValueError, match="random_state \\+ n_seeds - 1 must be at most"):
        compare_searches({"s": search}, X, y, n_seeds=2, random_state=2**32 - 1)
    with pytest.raises(ValueError, match="random_state"):
        compare_searches({"s": search}, X, y, n_seeds=1, random_state=2**32)
    assert _Counting.fits == 0


@pytest.mark.slow
def test_curves_of_multi_fidelity_searches_end_at_the_best_score():
    # Halving's and Hyperband's low-budget rows score above their best on
    # noisy data; the curves show the rows each search could choose.
    from sklearn.experimental import enable_halving_search_cv  # noqa: F401
    from sklearn.model_selection import HalvingRandomSearchCV
    from sklearn.svm import SVC

    X, y = make_classification(n_samples=260, n_features=10, n_informative=3,
                               flip_y=0.2, random_state=6)
    searches = {
        "halving": HalvingRandomSearchCV(SVC(), {"C": loguniform(1e-2, 1e2)},
                                         n_candidates=12, cv=3, min_resources=15),
        "hyperband": HyperbandSearchCV(SVC(), {"C": Real(1e-2, 1e2, prior="log-uniform")},
                                       resource="n_samples", min_resources=12, factor=2,
                                       cv=3),
    }
    comparison = compare_searches(searches, X, y, n_seeds=3)
    lifted = 0
    for name in searches:
        runs = [run for run in comparison.runs if run["search"] == name]
        for run, (_, best_so_far) in zip(runs, comparison.curves[name]):
            assert np.nanmax(best_so_far) == best_so_far[-1] == run["best_score"]
            fitted = clone(searches[name]).set_params(random_state=run["seed"]).fit(
                *_split(X, y)[::2])
            lifted += np.nanmax(fitted.cv_results_["mean_test_score"]) > run["best_score"]
    assert lifted  # a low-budget row scored above the best in some run


def _labels_too_close(labels, ax):
    """Pairs of neighbouring x tick labels less than half a letter apart:
    side by side, or, slanted, from one line of text to the next."""
    figure = ax.figure
    renderer = figure.canvas.get_renderer()
    size = labels[0].get_fontsize() * figure.dpi / 72  # pixels
    close = []
    for a, b in zip(labels, labels[1:]):
        angle = np.radians(a.get_rotation())
        if angle:  # parallel slanted lines, their anchors a tick apart
            spacing = abs(ax.transData.transform((b.get_position()[0], 0))[0]
                          - ax.transData.transform((a.get_position()[0], 0))[0])
            if spacing * np.sin(angle) < 1.5 * size:
                close.append((a, b))
        else:
            box_a, box_b = a.get_window_extent(renderer), b.get_window_extent(renderer)
            if box_a.x1 + size / 2 > box_b.x0:
                close.append((a, b))
    return close


def test_the_plots_search_names_do_not_collide():
    # the names `python -m skhyper compare` gives, drawn on the default figure
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skhyper.compare import SearchComparison

    names = ["grid", "random", "bayes", "hyperband", "hypergradient"]
    runs = [dict.fromkeys(RUN_COLUMNS, 1.0) | {"search": name, "seed": 0,
                                               "best_score": 0.9, "test_score": 0.8}
            for name in names]
    curves = {name: [(np.array([1.0, 2.0]), np.array([0.8, 0.9]))] for name in names}
    left, right = SearchComparison(runs, curves, metric="accuracy").plot()
    figure = right.figure
    figure.canvas.draw()
    labels = right.get_xticklabels()
    assert [label.get_text() for label in labels] == names
    assert not _labels_too_close(labels, right)
    # and nothing is cut off the figure
    inside = figure.bbox
    for label in labels:
        box = label.get_window_extent(figure.canvas.get_renderer())
        assert inside.x0 <= box.x0 and box.y0 >= inside.y0
    plt.close("all")


@pytest.mark.parametrize(
    "model, scoring, refit, expected",
    [
        (LogisticRegression(), None, True, "accuracy"),
        (make_pipeline(StandardScaler(), Ridge()), None, True, "r2"),
        (LogisticRegression(), "neg_log_loss", True, "neg_log_loss"),
        (LogisticRegression(), ["accuracy", "roc_auc"], "roc_auc", "roc_auc"),
    ],
)
def test_the_table_and_the_plot_name_the_metric(data, model, scoring, refit, expected):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X, y = data
    grid = {"C": [0.1, 1.0]} if "C" in model.get_params() else {"ridge__alpha": [0.1, 1.0]}
    search = GridSearchCV(model, grid, cv=2, scoring=scoring, refit=refit)
    comparison = compare_searches({"g": search}, X, y, n_seeds=1)
    assert comparison.metric == expected
    header = comparison.to_text().splitlines()[0]
    assert f"best CV {expected}" in header and f"test {expected}" in header
    left, right = comparison.plot()
    assert expected in left.get_ylabel() and expected in right.get_ylabel()
    plt.close("all")
