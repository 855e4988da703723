"""HypergradientDisplay: the descent over the same cross-validated loss."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper import HypergradientSearchCV, Real  # noqa: E402
from skhyper.plotting import HypergradientDisplay  # noqa: E402


@pytest.mark.slow
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


@pytest.mark.slow
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
