"""LineageDisplay and ScheduleDisplay: a PBT population, its copies and schedules."""

import warnings

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")  # the "plot" extra
matplotlib.use("Agg")

from skhyper.plotting import LineageDisplay, ScheduleDisplay  # noqa: E402

from .._searches import every_search  # noqa: E402


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
