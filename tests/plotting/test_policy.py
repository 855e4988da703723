"""PolicyDisplay: a DAC search's best trajectory, fold by fold."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper.plotting import PolicyDisplay  # noqa: E402


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
