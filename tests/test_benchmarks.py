"""The benchmark harness (benchmarks/_harness.py) on a toy benchmark: runs into
JSON lines, resumed, sharded, merged, summarized. The benchmarks themselves run
at their smoke size in CI (.ci/run), not here: the test suite stays fast."""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import _harness  # noqa: E402
from _harness import (  # noqa: E402
    Benchmark,
    Setting,
    Tool,
    main,
    quartiles,
    shard,
    table,
    unpaired_p,
)


@pytest.fixture(autouse=True)
def _environment(monkeypatch):
    # main() quiets joblib's workers through the environment: not for the
    # tests that run after these
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)


def _toy(calls, printed):
    def run(task, tool, seed, settings):
        calls.append((task, tool, seed))
        if tool == "source":
            return {"value": -1, "also": {"x": {"value": -2}, "unasked": {}}}
        if tool == "broken":
            raise ValueError("broken tool")
        if task == "b" and tool == "picky":
            return None  # does not apply
        return {"value": seed * settings["scale"], "nan": math.nan}

    def report(runs, settings):
        printed.append(list(runs))

    return Benchmark(
        title="toy",
        tasks={"a": 1, "b": 2},
        tools={
            "source": Tool(),
            "x": Tool(),
            "picky": Tool(),
            "broken": Tool(),
            "absent": Tool(requires=("a_module_nobody_installs",)),
        },
        run=run,
        report=report,
        settings={"scale": Setting(10, 1, "a size", int)},
        seeds=3,
        smoke_tasks=["a"],
        smoke_tools=["x"],
    )


def test_runs_written_one_line_each_and_resumed(tmp_path, capsys):
    calls, printed = [], []
    bench = _toy(calls, printed)
    out = tmp_path / "runs.jsonl"
    main(bench, ["--tools", "x,picky", "--out", str(out)])
    assert len(calls) == 12
    assert calls[:3] == [("a", "x", 0), ("a", "picky", 0), ("a", "x", 1)]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    # picky on b does not apply: nothing recorded for it
    assert len(lines) == 9
    first = lines[0]
    assert (first["task"], first["tool"], first["seed"]) == ("a", "x", 0)
    assert first["settings"] == {"scale": 10}
    assert first["nan"] is None  # JSON has no NaN
    x_on_a = [r for r in printed[0] if r["tool"] == "x" and r["task"] == "a"]
    assert [r["value"] for r in x_on_a] == [0, 10, 20]

    calls.clear()
    main(bench, ["--tools", "x,picky", "--out", str(out)])
    # only what recorded nothing runs again
    assert calls == [("b", "picky", s) for s in range(3)]
    assert len(printed[1]) == 9
    # other settings are other runs
    calls.clear()
    main(bench, ["--tools", "x", "--out", str(out), "--scale", "2"])
    assert len(calls) == 6
    assert "left out" not in capsys.readouterr().out


def test_a_run_gives_the_tools_read_off_it(tmp_path):
    calls, printed = [], []
    bench = _toy(calls, printed)
    out = tmp_path / "runs.jsonl"
    main(bench, ["--tools", "source,x", "--seeds", "1", "--out", str(out)])
    # x is read off source's run, not run again; "unasked" is not kept
    assert calls == [("a", "source", 0), ("b", "source", 0)]
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["task"], r["tool"], r["value"]) for r in lines] == [
        ("a", "source", -1), ("a", "x", -2), ("b", "source", -1), ("b", "x", -2)
    ]
    assert lines[1]["read_off"] == "source"
    # x alone runs on its own
    calls.clear()
    main(bench, ["--tools", "x", "--seeds", "1"])
    assert calls == [("a", "x", 0), ("b", "x", 0)]


def test_shards_are_disjoint_and_cover_and_merge(tmp_path):
    items = list(range(11))
    parts = [shard(items, f"{i}/3") for i in range(3)]
    assert sorted(sum(parts, [])) == items
    assert shard(items, None) == items
    with pytest.raises(ValueError):
        shard(items, "3/3")
    # a shard keeps every item of one key together
    pairs = [(t, tool, s) for t in "ab" for s in range(2) for tool in "xy"]
    half = shard(pairs, "0/2", key=lambda p: (p[0], p[2]))
    assert half == [("a", "x", 0), ("a", "y", 0), ("b", "x", 0), ("b", "y", 0)]

    calls, printed = [], []
    bench = _toy(calls, printed)
    for i in range(2):
        out = str(tmp_path / f"{i}")
        main(bench, ["--tools", "x", "--shard", f"{i}/2", "--out", out])
    assert sorted(calls) == sorted((t, "x", s) for t in "ab" for s in range(3))
    main(bench, ["--table", str(tmp_path / "0"), str(tmp_path / "1")])
    merged = printed[-1]
    assert [(r["task"], r["seed"]) for r in merged] == [
        (t, s) for t in "ab" for s in range(3)
    ]


def test_smoke_failures_and_missing_tools(tmp_path, capsys):
    calls, printed = [], []
    bench = _toy(calls, printed)
    main(bench, ["--smoke"])
    assert calls == [("a", "x", 0)]
    assert printed[0][0]["value"] == 0 and printed[0][0]["settings"] == {"scale": 1}

    calls.clear()
    out = tmp_path / "runs.jsonl"
    main(bench, ["--tools", "broken,absent", "--seeds", "1", "--out", str(out)])
    text = capsys.readouterr().out
    assert "left out, not installed: absent (needs a_module_nobody_installs)" in text
    assert "broken: 2 failed run(s); first: ValueError: broken tool" in text
    assert calls == [("a", "broken", 0), ("b", "broken", 0)]
    # a failed run is tried again on resume
    calls.clear()
    main(bench, ["--tools", "broken", "--seeds", "1", "--out", str(out)])
    assert len(calls) == 2


def test_saved_runs_report_with_their_own_settings(tmp_path):
    calls, printed = [], []
    bench = _toy(calls, printed)
    out = tmp_path / "runs.jsonl"
    main(bench, ["--tools", "x", "--seeds", "1", "--smoke", "--tasks", "a,b",
                 "--out", str(out)])
    reported = []
    bench.report = lambda runs, settings: reported.append(settings)
    main(bench, ["--table", str(out)])
    assert reported[-1] == {"scale": 1}  # the runs' own, not the default 10
    main(bench, ["--table", str(out), "--scale", "3"])
    assert reported[-1] == {"scale": 3}
    # the same run at other settings: the later line is the one reported
    main(bench, ["--tools", "x", "--seeds", "1", "--tasks", "a", "--out", str(out)])
    main(bench, ["--table", str(out)])
    assert reported[-1] == {"scale": 10}
    runs = _harness.load([out], same_settings=False)
    assert sorted((r["task"], r["settings"]["scale"]) for r in runs) == [
        ("a", 10), ("b", 1)
    ]


def test_a_label_sets_two_versions_of_skhyper_side_by_side(tmp_path):
    calls, printed = [], []
    bench = _toy(calls, printed)
    new, old = str(tmp_path / "new.jsonl"), str(tmp_path / "old.jsonl")
    for path, value in ((new, 1), (old, 2)):
        for tool in ("skhyper", "x"):
            _harness.append(path, {"task": "a", "tool": tool, "seed": 0,
                                   "settings": {"scale": 10}, "value": value})
    main(bench, ["--table", new, old, "--label", f"{old}=old"])
    got = {(r["tool"], r["value"]) for r in printed[-1]}
    # skhyper's runs of old.jsonl are renamed; other tools merge as before
    assert got == {("skhyper", 1), ("old", 2), ("x", 2)}
    for bad in (f"{old}", f"{old}=", f"{tmp_path / 'other'}=old", f"{old}=skhyper"):
        with pytest.raises(SystemExit, match="--label"):
            main(bench, ["--table", new, old, "--label", bad])
    with pytest.raises(SystemExit, match="give --table"):
        main(bench, ["--label", f"{old}=old"])


def test_a_label_on_a_file_without_skhyper_says_so(tmp_path, capsys):
    calls, printed = [], []
    bench = _toy(calls, printed)
    new, other = str(tmp_path / "new.jsonl"), str(tmp_path / "other.jsonl")
    _harness.append(new, {"task": "a", "tool": "skhyper", "seed": 0,
                          "settings": {"scale": 10}, "value": 1})
    _harness.append(other, {"task": "a", "tool": "x", "seed": 0,
                            "settings": {"scale": 10}, "value": 2})
    main(bench, ["--table", new, other, "--label", f"{other}=old"])
    assert "has no runs of skhyper" in capsys.readouterr().err
    main(bench, ["--table", new, other, "--label", f"{new}=old"])
    assert "has no runs of skhyper" not in capsys.readouterr().err


def test_tools_in_keeps_the_benchmarks_order_then_any_other_name():
    names = ["old", "skhyper", "random", "old", "mine"]
    assert _harness.tools_in(names, ("random", "skopt", "skhyper")) == [
        "random", "skhyper", "old", "mine"
    ]


def test_a_labelled_version_gets_its_own_column_in_bench_bayes(tmp_path, capsys):
    # bench_bayes' report listed only its own tools: a --label's runs vanished
    import bench_bayes

    settings = {"budgets": [10, 20], "n_grid": 121, "timing_mode": "warm"}
    new, old = str(tmp_path / "new.jsonl"), str(tmp_path / "old.jsonl")
    for path, shift in ((new, 0.0), (old, 1.0)):
        for seed in range(2):
            scores = [-(20.0 - i) - shift for i in range(20)]
            _harness.append(path, {"task": "branin", "tool": "skhyper", "seed": seed,
                                   "settings": settings, "scores": scores,
                                   "s_ref": -30.0, "s_best": 0.0})
    main(bench_bayes.BENCHMARK, ["--table", new, old, "--label", f"{old}=old"])
    header = next(line for line in capsys.readouterr().out.splitlines()
                  if line.startswith("| task"))
    assert [c.strip() for c in header.strip("|").split("|")] == ["task", "skhyper", "old"]


def test_a_labelled_version_gets_its_own_columns_in_bench_surrogate(tmp_path, capsys):
    # its report compared the two tools by name: a --label's runs vanished
    import bench_surrogate

    new, old = str(tmp_path / "new.jsonl"), str(tmp_path / "old.jsonl")
    for path, tools in ((new, ("sklearn", "skhyper")), (old, ("skhyper",))):
        for tool in tools:
            _harness.append(path, {"task": "d2-n25", "tool": tool, "seed": 0, "settings": {},
                                   "fit_seconds": 0.01, "log_posterior": -1.0})
    main(bench_surrogate.BENCHMARK, ["--table", new, old, "--label", f"{old}=old"])
    header = next(line for line in capsys.readouterr().out.splitlines()
                  if line.startswith("| d "))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "d", "n", "sklearn GPR fit (ms)", "skhyper fit (ms)", "old fit (ms)",
        "speed-up", "speed-up (old)", "log-posterior sklearn", "log-posterior skhyper",
        "log-posterior old",
    ]


def test_tasks_and_seeds_choose_the_saved_runs_a_table_reports(tmp_path):
    calls, printed = [], []
    bench = _toy(calls, printed)
    out = str(tmp_path / "runs.jsonl")
    main(bench, ["--tools", "x", "--seeds", "4", "--out", out])
    main(bench, ["--table", out, "--tasks", "b", "--first-seed", "1", "--seeds", "2"])
    assert [(r["task"], r["seed"]) for r in printed[-1]] == [("b", 1), ("b", 2)]


def test_a_line_cut_off_by_a_kill_is_ignored(tmp_path):
    out = tmp_path / "runs.jsonl"
    _harness.append(out, {"task": "a", "tool": "x", "seed": 0, "settings": {}})
    with open(out, "a") as f:
        f.write('{"task": "a", "to')
    assert len(_harness.load([out])) == 1


def test_quartiles_and_table():
    assert quartiles([1, 2, 3, 4, 5, None, math.nan]) == (2.0, 3.0, 4.0)
    assert all(math.isnan(v) for v in quartiles([None]))
    # a run that never reached a target counts, as infinitely long
    assert quartiles([1, 2, math.inf]) == (1.5, 2.0, math.inf)
    assert _harness.fmt_iqr([1, 2, 3]) == "2 [1.5, 2.5]"
    assert table(["task", "n"], [["a", 1]]).splitlines() == [
        "| task | n |", "|------|--:|", "| a    | 1 |"
    ]


def test_unpaired_p_separates_shifted_samples_and_not_shuffled_ones():
    rng = np.random.RandomState(0)
    a = rng.normal(size=40)
    assert unpaired_p(a, a + 3.0) < 1e-6
    # the same values in another order: the samples are equal
    assert unpaired_p(a, rng.permutation(a)) == pytest.approx(1.0)
    assert math.isnan(unpaired_p(np.ones(3), np.ones(4)))
    assert math.isnan(unpaired_p([], a))


def test_bayesmark_score_is_100_at_the_best_loss_and_0_at_the_median_random_setting():
    import bench_bayesmark as bm

    runs = [
        {"task": "t", "tool": "random", "seed": 0, "losses": [4.0, 2.0, 3.0, math.nan]},
        {"task": "t", "tool": "random", "seed": 1, "losses": [5.0, 1.5]},
        {"task": "t", "tool": "skhyper", "seed": 0, "losses": [2.5, 1.0]},
    ]
    # best: the lowest loss of any run; clip: the median random loss
    assert bm.baselines(runs) == {"t": (1.0, 3.0)}
    assert bm.score([2.5, 1.0], 1.0, 3.0) == 100.0
    assert bm.score([3.0], 1.0, 3.0) == 0.0
    assert bm.score([2.0, math.nan], 1.0, 3.0) == 50.0
    assert bm.score([9.0], 1.0, 3.0) == 0.0  # worse than the median: clipped
    assert bm.score([math.nan], 1.0, 3.0) == 0.0
    # a task without random runs has no 0: no baseline
    assert bm.baselines(runs[2:]) == {}


def test_bayesmark_lead_is_measured_on_the_runs_both_tools_made():
    import bench_bayesmark as bm

    rng = np.random.RandomState(0)
    scores = {}
    for seed in range(6):
        for task in ("a", "b", "c"):
            theirs = rng.uniform(50, 90)
            scores[task, "them", seed] = theirs
            scores[task, "us", seed] = theirs + (2.0 if task == "a" else 4.0)
    del scores["c", "them", 5]  # c is not complete: it is left out
    scores["a", "us", 6] = 99.0  # a seed the other did not run: left out
    full, common, leads, (low, high) = bm.lead(scores, "us", "them", ["a", "b", "c"],
                                               range(7))
    assert full == ["a", "b"] and common == [0, 1, 2, 3, 4, 5]
    np.testing.assert_allclose(leads, 3.0)
    assert low == pytest.approx(3.0) and high == pytest.approx(3.0)
    # a spread over the seeds gives an interval around the mean lead
    scores["a", "us", 0] += 12.0
    _, _, leads, (low, high) = bm.lead(scores, "us", "them", ["a", "b"], range(6))
    assert leads.mean() == pytest.approx(4.0)
    assert 3.0 <= low < 4.0 < high <= 9.0
    assert bm.lead(scores, "us", "nobody", ["a"], range(6)) is None


def test_bayesmark_best_per_seed_is_the_best_of_any_tool_on_that_task_and_seed():
    import bench_bayesmark as bm

    scores = {("a", "us", 0): 70.0, ("a", "them", 0): 80.0, ("a", "us", 1): 60.0,
              ("b", "them", 0): 10.0}
    assert bm.best_per_seed(scores) == {("a", 0): 80.0, ("a", 1): 60.0, ("b", 0): 10.0}


def test_bayesmark_spaces_are_valid_settings_of_their_models():
    import bench_bayesmark as bm

    for task in ("kNN-iris-acc", "DT-wine-nll", "MLP-sgd-digits-acc", "lasso-diabetes-mse",
                 "linear-breast-nll"):
        model, dataset, _ = bm.TASKS[task]
        space = bm.space_of(task)
        for params in bm.RandomTool(space, 0).ask(5):
            kind = bm.DATASETS[dataset][0]
            bm.MODELS[kind][model](**params).get_params()  # the names are the model's
            for name, (type_, *rest) in space.items():
                if type_ != "bool":
                    assert rest[1] <= params[name] <= rest[2], (task, name)


def test_bayesmark_spaces_in_ax_terms():
    import bench_bayesmark as bm

    space = {**bm.SPACES_REG["lasso"], **bm.SPACES["DT"]}
    ax = {kw["name"]: (config, kw) for config, kw in bm.ax_parameters(space)}
    assert ax["alpha"] == ("range", {"name": "alpha", "bounds": (1e-2, 1e2),
                                     "parameter_type": "float", "scaling": "log"})
    assert ax["max_iter"][1]["parameter_type"] == "int"  # an integer on a log scale
    assert ax["max_iter"][1]["scaling"] == "log"
    assert ax["max_depth"][1]["scaling"] == "linear"
    # Ax has no logit scale: a fraction is linear
    assert ax["max_features"][1]["scaling"] == "linear"
    assert ax["positive"] == ("choice", {"name": "positive", "values": [False, True],
                                         "parameter_type": "bool"})


def test_bayesmark_narrow_ranges_reach_ax_rescaled():
    # Ax refuses a range narrower than 1.5e-5: MLP-adam's epsilon (1e-9 to
    # 1e-6) is given in units of 1e-6 and scaled back.
    import bench_bayesmark as bm

    space = bm.SPACES["MLP-adam"]
    ax = {kw["name"]: kw for _, kw in bm.ax_parameters(space)}
    assert bm.ax_unit(space["epsilon"]) == 1e-6
    assert np.allclose(ax["epsilon"]["bounds"], (1e-3, 1.0))
    assert ax["epsilon"]["scaling"] == "log"
    assert ax["alpha"]["bounds"] == (1e-5, 1e1)  # wide enough as it is
    assert bm.ax_unit(space["batch_size"]) == 1.0


def test_bayesmark_lead_by_round_says_when_a_lead_was_won():
    import bench_bayesmark as bm

    # "them" trails after the first round and catches up by the last
    runs = [{"task": "t", "tool": "random", "seed": s, "losses": [3.0, 3.0]} for s in (0, 1)]
    for seed in (0, 1):
        runs.append({"task": "t", "tool": "skhyper", "seed": seed,
                     "losses": [2.0, 2.0, 2.0, 2.0, 1.5, 1.5, 1.5, 1.5]})
        runs.append({"task": "t", "tool": "them", "seed": seed,
                     "losses": [3.0, 3.0, 2.5, 2.5, 2.5, 2.5, 1.0, 1.0]})
    base = bm.baselines(runs)
    assert base == {"t": (1.0, 3.0)}
    rounds, leads = bm.leads_by_round(runs, base, ["random", "skhyper", "them"], ["t"],
                                      [0, 1], {"rounds": 4, "batch": 2})
    assert rounds == [1, 2, 3, 4]
    # scores after each round: us 50, 50, 75, 75; them 0, 25, 25, 100
    np.testing.assert_allclose(leads["them"], [50.0, 25.0, 50.0, -25.0])
    # random's runs are shorter than the rounds: scored on what they hold
    np.testing.assert_allclose(leads["random"], [50.0, 50.0, 75.0, 75.0])
    assert "skhyper" not in leads
