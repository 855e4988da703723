"""BracketsDisplay: every Hyperband configuration, rung by rung."""

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper.plotting import BracketsDisplay  # noqa: E402


@pytest.mark.slow
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
