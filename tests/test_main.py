"""The command line, ``python -m skhyper``."""

import subprocess
import sys

import pytest

import skhyper
from skhyper.__main__ import main


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--n-iter", "0"], "argument --n-iter: must be an integer >= 1; got '0'"),
        (["--n-iter", "-3"], "argument --n-iter: must be an integer >= 1; got '-3'"),
        (["--n-iter", "2.5"], "argument --n-iter: must be an integer >= 1; got '2.5'"),
        (["--cv", "1"], "argument --cv: must be an integer >= 2; got '1'"),
        (["--cv", "-2"], "argument --cv: must be an integer >= 2; got '-2'"),
        (["--cv", "three"], "argument --cv: must be an integer >= 2; got 'three'"),
        (["--n-jobs", "0"], "argument --n-jobs: must be a non-zero integer"),
        (["--seed", "-1"], "argument --seed: must be an integer from 0 to 4294967295"),
    ],
)
def test_bad_demo_arguments_are_usage_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", *argv])
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("usage: ")
    assert message in captured.err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"skhyper {skhyper.__version__}\n"


def test_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])
    assert exit_info.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    for option, default in [("--n-iter", 25), ("--cv", 3), ("--n-jobs", 1), ("--seed", 0)]:
        assert option in help_text
        assert f"(default: {default})" in help_text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "--version" in capsys.readouterr().out


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "the following arguments are required: command" in capsys.readouterr().err


@pytest.mark.slow
def test_tiny_demo_prints_its_table(capsys):
    assert main(["demo", "--n-iter", "2", "--cv", "2", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    assert "2-fold CV, 2 evaluations each, seed 1" in out
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in rows] == [
        "search", "BayesSearchCV", "RandomizedSearchCV"
    ]
    assert [row.split("|")[3].strip() for row in rows[1:]] == ["2", "2"]
    assert "BayesSearchCV best: C=" in out


@pytest.mark.slow
def test_python_dash_m_exits_with_code_2_on_a_usage_error():
    result = subprocess.run(
        [sys.executable, "-m", "skhyper", "demo", "--n-iter", "0"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "argument --n-iter: must be an integer >= 1; got '0'" in result.stderr


@pytest.mark.slow
def test_compare_runs_end_to_end_with_progress_and_a_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")  # the plot extra, installed with the tests
    path = tmp_path / "comparison.png"
    code = main([
        "compare", "--dataset", "iris", "--model", "linear", "--searches",
        "grid,random,hypergradient", "--n-iter", "4", "--n-seeds", "2", "--cv", "2",
        "--plot", str(path),
    ])
    assert code == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("iris (150 samples, 0.25 held out), linear model, 2-fold")
    table = [line for line in lines if line.startswith("| ")]
    assert table[0].split("|")[1].strip() == "search"
    assert [row.split("|")[1].strip() for row in table[1:]] == [
        "grid", "random", "hypergradient"]
    for row in table[1:]:
        best = float(row.split("|")[2].split()[0])
        assert 0.8 < best <= 1.0  # accuracy of a tuned logistic regression on iris
    # a line of progress per run, on standard error
    progress = captured.err.splitlines()
    assert [line.split("]")[0] for line in progress] == [f"[{i}/6" for i in range(1, 7)]
    assert path.stat().st_size > 10_000


def test_compare_help_documents_every_option(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for option in ("--dataset", "--model", "--searches", "--n-iter", "--cv", "--n-seeds",
                   "--test-size", "--seed", "--n-jobs", "--plot", "--quiet"):
        assert option in text
    assert "(default: grid,random,bayes,hyperband)" in text


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--searches", "grid,nope"], "argument --searches: must be distinct names"),
        (["--searches", "grid,grid"], "argument --searches: must be distinct names"),
        (["--searches", "hypergradient"], "hypergradient needs --model linear"),
        (["--test-size", "1"], "argument --test-size: must be a number between 0 and 1"),
        (["--n-seeds", "0"], "argument --n-seeds: must be an integer >= 1"),
        (["--dataset", "mnist"], "argument --dataset: invalid choice: 'mnist'"),
        (["--seed", "4294967295", "--n-seeds", "2"],
         "argument --seed: --seed + --n-seeds - 1 must be at most 4294967295"),
        (["--plot", "/no/such/folder/c.png"], "argument --plot: the folder"),
        (["--plot", "comparison.xyz"], "argument --plot: 'comparison.xyz' must end in"),
    ],
)
def test_bad_compare_arguments_are_usage_errors(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["compare", *argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: ") and message in err


@pytest.mark.parametrize("command", ["demo", "compare"])
def test_every_value_the_help_shows_for_n_jobs_is_accepted(command, capsys, monkeypatch):
    import re

    import skhyper.__main__ as cli

    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    n_jobs_help = help_text.split("--n-jobs N_JOBS")[-1].split(" --", 1)[0]  # not usage
    shown = set(re.findall(r"(-?\w+):", n_jobs_help)) - {"default"}  # "-1: all cores"
    shown |= set(re.findall(r"\(default: (\S+)\)", n_jobs_help))
    assert shown
    ran = []
    monkeypatch.setattr(cli, f"_{command}", lambda args: ran.append(args.n_jobs) or 0)
    for value in shown:
        assert main([command, "--n-jobs", value]) == 0
    assert sorted(ran) == sorted(int(value) for value in shown)


def test_the_package_summary_names_every_search():
    import pathlib
    import tomllib

    pyproject = pathlib.Path(__file__).parents[1] / "pyproject.toml"
    summary = tomllib.loads(pyproject.read_text())["project"]["description"]
    searches = [name for name in skhyper.__all__ if name.endswith("SearchCV")]
    assert len(searches) == 5
    assert [name for name in searches if name not in summary] == []
