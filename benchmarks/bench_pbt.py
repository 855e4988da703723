"""Benchmark skhyper's PBTSearchCV against random search at equal compute.

Every tool searches each task once per seed, with ``n_jobs=1`` and one
BLAS/OpenMP thread (threadpoolctl). Results go to stdout as markdown tables;
progress and tracebacks go to stderr.

**Tasks**:

* ``block``: the block-scaled problem of DESIGN, exactly as
  ``_block_problem`` in ``tests/test_pbt.py``: rows ``a * e_j`` for the first
  ``d = 4`` coordinates and ``b * e_j`` for the last four (``a = 2``,
  ``b = 1``), each row twice, ``y = X w*`` with ``w*`` normal from the seed.
  ``SGDRegressor(penalty=None, fit_intercept=False, learning_rate="constant",
  tol=None, shuffle=False)`` over ``eta0`` (log-uniform 1e-2-2), 4 epochs of
  ``partial_fit``, ``KFold(2)`` (each fold trains on one copy of the rows, so
  an epoch updates each coordinate once), scoring ``neg_mean_squared_error``
  (reported as MSE, lower is better). A step size ``1/a^2`` solves the first
  block in one epoch and ``1/b^2`` the second: no fixed ``eta0`` does both,
  a schedule can. No held-out test set: the data *are* the problem.
* ``sgd-digits``: ``load_digits`` scaled by 1/16, a stratified held-out test
  quarter (``train_test_split(test_size=0.25, random_state=seed)``);
  ``SGDClassifier(learning_rate="constant", random_state=0)`` over ``eta0``
  (log-uniform 1e-4-1e-1) and ``alpha`` (log-uniform 1e-6-1e-2), 20 epochs of
  ``partial_fit``, ``StratifiedKFold(3)`` (unshuffled), accuracy.

**Tools** (``random_state=seed`` for all):

* ``pbt-8``, ``pbt-24``: ``PBTSearchCV`` with ``population_size`` 8 / 24 and
  the default exploit/explore settings, ``interval = n_steps // 5`` (4 epochs)
  on sgd-digits and 1 on block.
* ``random-8``, ``random-24``: the same ``PBTSearchCV`` with ``interval =
  n_steps``: nothing is ever exploited, so it is random search at exactly
  the same compute (population x steps x folds). For one seed it draws the
  same initial population as the PBT tool of its size (checked each run), so
  the per-seed comparison is paired.
* ``hyperband``: ``HyperbandSearchCV(resource="partial_fit",
  max_resources=n_steps, min_resources=1, factor=3)``, one Hyperband
  iteration; promoted configurations continue their fold-models. On
  sgd-digits its brackets are ``[(9, 2), (3, 7), (1, 20)]``, ``[(5, 7), (1,
  20)]``, ``[(3, 20)]``: 17 configurations, 174 units per fold as
  ``sum(n_resources)``, of which 154 are trained (continuation), about
  pbt-8's 160. Not run on block: with ``max_resources=4`` it has only two
  brackets (rungs at 1 and 4 epochs), and each of its models keeps one fixed
  ``eta0``, which cannot solve that problem: it would measure random search
  with a little early stopping, not a schedule.

**Metrics**, median and IQR (25th-75th percentile) over seeds:

* *best CV*: ``best_score_`` (MSE = ``-best_score_`` on block); for PBT and
  random the best member at ``n_steps``, for Hyperband the best row at
  ``max_resources``.
* *test*: accuracy of the refitted ``best_estimator_`` on the held-out
  quarter (sgd-digits only; PBT's refit replays the winner's schedule on the
  whole training split).
* *fit s*: the sum over ``cv_results_`` rows of ``mean_fit_time x
  n_splits``; *wall s*: the search's ``fit`` wall time less ``refit_time_``
  (includes scoring, exploit copies and joblib overhead).
* *units*: the epochs actually trained, over all folds: for every row, its
  ``n_resources`` less that of the same member's (PBT) or configuration's
  (Hyperband) previous row, times ``n_splits`` (PBT: every row trains
  ``interval`` epochs per fold; checked against population x n_steps x
  folds). For Hyperband, ``sum(n_resources) x n_splits`` (its
  ``metadata_["resource_units"]``) is printed as well.
* *wins*: on how many seeds PBT's best CV score beats random search's of the
  same population (and its test score, on sgd-digits).

Examples
--------
Smoke run (2 seeds, about 40 seconds)::

    python benchmarks/bench_pbt.py --seeds 2

Full run (10 seeds, both tasks, all tools; about 3 minutes in one thread)::

    python benchmarks/bench_pbt.py
"""

import argparse
import importlib.util
import math
import subprocess
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from threadpoolctl import threadpool_limits

from _report import _fmt, _log, _name_list, _table

# Run from a source checkout without installing: let `import skhyper` find
# the package next to this folder.
if importlib.util.find_spec("skhyper") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skhyper import HyperbandSearchCV, PBTSearchCV, Real  # noqa: E402

ALL_TOOLS = ("pbt-8", "random-8", "pbt-24", "random-24", "hyperband")
# (PBT tool, its random-search twin at equal compute)
PAIRS = (("pbt-8", "random-8"), ("pbt-24", "random-24"))


# ---------------------------------------------------------------------------
# Tasks.


def _block_problem(seed, d=4, a=2.0, b=1.0):
    """DESIGN's block-scaled problem: rows a*e_j for the first d coordinates and
    b*e_j for the last d, each twice (KFold(2) trains on one copy, so an epoch
    updates each coordinate once); y = X w*. A step size 1/a^2 solves the first
    block in one epoch and 1/b^2 the second: no fixed eta0 does both."""
    rows = np.diag(np.r_[np.full(d, a), np.full(d, b)])
    X = np.vstack([rows, rows])
    return X, X @ np.random.RandomState(seed).normal(size=2 * d)


def _block_data(seed):
    X, y = _block_problem(seed)
    return X, y, None, None


def _digits_data(seed):
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.25, stratify=y, random_state=seed
    )
    return X_train, y_train, X_test, y_test


@dataclass
class Task:
    name: str
    title: str
    estimator: Callable[[], object]
    space: Callable[[], dict]
    data: Callable[[int], tuple]  # seed -> X_train, y_train, X_test, y_test
    cv: Callable[[], object]
    scoring: Optional[str]
    n_steps: int
    interval: int  # PBT's interval
    score_name: str
    # Shown as -score (MSE) when the scorer is a negated loss.
    negate: bool = False
    hyperband_skip: Optional[str] = None


TASKS = {
    "block": Task(
        name="block",
        title="block-scaled least squares, SGDRegressor, eta0 only",
        estimator=lambda: SGDRegressor(
            penalty=None,
            fit_intercept=False,
            learning_rate="constant",
            tol=None,
            shuffle=False,
            random_state=0,
        ),
        space=lambda: {"eta0": Real(1e-2, 2.0, prior="log-uniform")},
        data=_block_data,
        cv=lambda: KFold(2),
        scoring="neg_mean_squared_error",
        n_steps=4,
        interval=1,
        score_name="MSE",
        negate=True,
        hyperband_skip="max_resources=4 gives only two brackets, and each model "
        "keeps one fixed eta0, which cannot solve this problem",
    ),
    "sgd-digits": Task(
        name="sgd-digits",
        title="SGDClassifier on digits / 16, eta0 and alpha",
        estimator=lambda: SGDClassifier(learning_rate="constant", random_state=0),
        space=lambda: {
            "eta0": Real(1e-4, 1e-1, prior="log-uniform"),
            "alpha": Real(1e-6, 1e-2, prior="log-uniform"),
        },
        data=_digits_data,
        cv=lambda: StratifiedKFold(3),
        scoring=None,
        n_steps=20,
        interval=20 // 5,
        score_name="accuracy",
    ),
}


# ---------------------------------------------------------------------------
# Running one search and measuring it.


@dataclass
class Run:
    score: float  # best_score_ (higher is better)
    test: float  # held-out score of best_estimator_, or nan
    fit_time: float
    wall: float
    units: float  # epochs trained, all folds
    nres_units: float  # sum(n_resources) x folds
    n_configs: int  # distinct initial configurations
    n_exploits: int
    init_params: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def trained_units(results, id_key, n_splits):
    """Epochs trained over all folds: each row's ``n_resources`` less that of
    the previous row with the same ``id_key`` (a PBT member keeps its step
    count when it copies another, since all members are at the same step)."""
    last = {}
    total = 0
    for ident, n_res in zip(results[id_key], results["n_resources"]):
        ident, n_res = int(ident), int(n_res)
        total += n_res - last.get(ident, 0)
        last[ident] = n_res
    return total * n_splits


def _search(task, tool, seed):
    shared = dict(scoring=task.scoring, cv=task.cv(), n_jobs=1, random_state=seed)
    # No held-out data: the refit would be measured by nothing.
    refit = task.name != "block"
    if tool == "hyperband":
        return HyperbandSearchCV(
            task.estimator(),
            task.space(),
            resource="partial_fit",
            max_resources=task.n_steps,
            min_resources=1,
            factor=3,
            refit=refit,
            **shared,
        )
    kind, size = tool.split("-")
    return PBTSearchCV(
        task.estimator(),
        task.space(),
        population_size=int(size),
        n_steps=task.n_steps,
        interval=task.interval if kind == "pbt" else task.n_steps,
        resource="partial_fit",
        refit=refit,
        **shared,
    )


def run_tool(task, tool, seed):
    X, y, X_test, y_test = task.data(seed)
    search = _search(task, tool, seed)
    start = time.perf_counter()
    search.fit(X, y)
    wall = time.perf_counter() - start - getattr(search, "refit_time_", 0.0)
    res = search.cv_results_
    n_splits = search.n_splits_
    fit_time = float(np.sum(np.asarray(res["mean_fit_time"]) * n_splits))
    nres_units = float(np.sum(res["n_resources"]) * n_splits)
    notes = []
    if tool == "hyperband":
        units = trained_units(res, "config_id", n_splits)
        n_configs = len(np.unique(res["config_id"]))
        n_exploits = 0
        init = []
        if search.metadata_["resource_units"] * n_splits != nres_units:
            notes.append(
                f"metadata_ resource_units {search.metadata_['resource_units']} "
                f"x {n_splits} != sum(n_resources) x folds {nres_units:.0f}"
            )
    else:
        units = trained_units(res, "member", n_splits)
        planned = search.population_size * task.n_steps * n_splits
        if units != planned:
            notes.append(f"trained {units} units, population x steps x folds {planned}")
        first = np.asarray(res["iter"]) == 0
        n_configs = int(first.sum())
        n_exploits = int((np.asarray(res["parent"]) >= 0).sum())
        init = [res["params"][i] for i in np.flatnonzero(first)]
    test = math.nan
    if X_test is not None:
        test = float(search.score(X_test, y_test))
    return Run(
        score=float(search.best_score_),
        test=test,
        fit_time=fit_time,
        wall=wall,
        units=float(units),
        nres_units=nres_units,
        n_configs=n_configs,
        n_exploits=n_exploits,
        init_params=init,
        notes=notes,
    )


# ---------------------------------------------------------------------------
# Statistics and tables.


def _stats(values):
    """Median, 25th and 75th percentiles, ignoring NaN."""
    values = [v for v in values if not math.isnan(v)]
    if not values:
        return math.nan, math.nan, math.nan
    return tuple(float(np.quantile(values, q)) for q in (0.5, 0.25, 0.75))


def _cell(values, digits=4):
    med, lo, hi = _stats(values)
    return _fmt(med, digits), f"{_fmt(lo, digits)}–{_fmt(hi, digits)}"


def _shown(task, run):
    return -run.score if task.negate else run.score


def _wins(runs, a, b, key):
    """Seeds where tool ``a``'s ``key`` beats ``b``'s: wins, ties, paired seeds."""
    pa, pb = runs.get(a, {}), runs.get(b, {})
    common = sorted(set(pa) & set(pb))
    diffs = [key(pa[s]) - key(pb[s]) for s in common]
    wins = sum(d > 1e-12 for d in diffs)
    ties = sum(abs(d) <= 1e-12 for d in diffs)
    return wins, ties, len(common)


def _print_task(task, runs, tools, seeds):
    print(f"## {task.name}: {task.title}\n")
    X, y, X_test, _ = task.data(seeds[0] if seeds else 0)
    cv = task.cv()
    print(
        f"- {len(X)} training rows"
        + (f", {len(X_test)} held-out test rows" if X_test is not None else "")
        + f"; cv={type(cv).__name__}({cv.n_splits}), unshuffled; "
        f"n_steps={task.n_steps} epochs of partial_fit; "
        f"PBT interval={task.interval}, random interval={task.n_steps}"
    )
    hb = runs.get("hyperband")
    if hb:
        r = next(iter(hb.values()))
        print(
            f"- hyperband: {r.n_configs} configurations; units trained "
            f"{r.units:.0f}, sum(n_resources) x folds {r.nres_units:.0f}"
        )
    elif "hyperband" in tools and task.hyperband_skip:
        print(f"- hyperband: not run on this task ({task.hyperband_skip})")
    better = "lower" if task.negate else "higher"
    print(
        f"- best CV {task.score_name} ({better} is better); times in seconds; "
        f"units = epochs trained over all folds\n"
    )
    header = ["tool", f"best CV {task.score_name}", "IQR"]
    has_test = X_test is not None
    if has_test:
        header += [f"test {task.score_name}", "IQR"]
    header += ["fit s", "IQR", "wall s", "IQR", "units", "exploits", "seeds"]
    rows = []
    for tool in tools:
        if tool not in runs:
            if tool == "hyperband" and task.hyperband_skip:
                continue
            rows.append([tool] + ["—"] * (len(header) - 1))
            continue
        rs = list(runs[tool].values())
        row = [tool, *_cell([_shown(task, r) for r in rs])]
        if has_test:
            row += [*_cell([r.test for r in rs])]
        row += [
            *_cell([r.fit_time for r in rs], 3),
            *_cell([r.wall for r in rs], 3),
            _fmt(_stats([r.units for r in rs])[0], 5),
            _fmt(_stats([float(r.n_exploits) for r in rs])[0]),
            str(len(rs)),
        ]
        rows.append(row)
    print(
        f"### Median and IQR over {len(seeds)} seed{'s' if len(seeds) != 1 else ''}\n"
    )
    print(_table(header, rows))
    print()
    lines = []
    for a, b in PAIRS:
        if a not in runs or b not in runs:
            continue
        w, t, n = _wins(runs, a, b, lambda r: r.score)
        ma = _stats([_shown(task, r) for r in runs[a].values()])[0]
        mb = _stats([_shown(task, r) for r in runs[b].values()])[0]
        line = (
            f"- {a} beats {b} on best CV {task.score_name} on {w}/{n} seeds "
            f"(tied on {t}; median {ma:.4g} vs {mb:.4g})"
        )
        if has_test:
            w, t, n = _wins(runs, a, b, lambda r: r.test)
            line += f"; on test {task.score_name} on {w}/{n} (tied on {t})"
        lines.append(line)
    if lines:
        print("\n".join(lines) + "\n")


def _versions():
    import scipy
    import sklearn
    import threadpoolctl

    import skhyper

    # Which code ran: the package's folder and, in a git checkout, its commit
    # and whether skhyper/ differs from it.
    where = Path(skhyper.__file__).resolve().parent
    try:
        git = ["git", "-C", str(where)]
        sha = subprocess.run(
            git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            git + ["status", "--porcelain", "--", "."], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        sha = dirty = ""
    origin = f"{where}" + (
        f", git {sha}{' + uncommitted changes' if dirty else ''}" if sha else ""
    )
    return (
        f"skhyper {skhyper.__version__} ({origin}), sklearn {sklearn.__version__}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, threadpoolctl "
        f"{threadpoolctl.__version__}, Python {sys.version.split()[0]}"
    )


# ---------------------------------------------------------------------------
# Command line.


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--seeds", type=int, default=10, help="number of seeds, 0..N-1 (default 10)"
    )
    parser.add_argument(
        "--tasks",
        type=_name_list(tuple(TASKS)),
        default=list(TASKS),
        help=f"comma-separated subset of {','.join(TASKS)}",
    )
    parser.add_argument(
        "--tools",
        type=_name_list(ALL_TOOLS),
        default=list(ALL_TOOLS),
        help=f"comma-separated subset of {','.join(ALL_TOOLS)}",
    )
    parser.add_argument(
        "--show-warnings",
        action="store_true",
        help="show Python warnings (hidden by default: SGD's convergence and "
        "overflow warnings at large step sizes are expected)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not args.show_warnings:
        warnings.simplefilter("ignore")
    tools = [t for t in ALL_TOOLS if t in args.tools]
    seeds = list(range(args.seeds))
    start = time.perf_counter()

    print("# PBTSearchCV benchmark\n")
    print(f"- versions: {_versions()}")
    print(
        f"- tasks: {', '.join(args.tasks)}; tools: {', '.join(tools)}; "
        f"seeds: {args.seeds}"
    )
    print(
        "- n_jobs=1, one BLAS/OpenMP thread (threadpoolctl); random-N is "
        "PBTSearchCV with interval=n_steps (no exploit), at exactly pbt-N's "
        "compute\n"
    )
    failures = {}
    notes = {}
    with threadpool_limits(limits=1):
        for name in args.tasks:
            task = TASKS[name]
            task_start = time.perf_counter()
            runs = {}
            for seed in seeds:
                for tool in tools:
                    if tool == "hyperband" and task.hyperband_skip:
                        continue
                    try:
                        run = run_tool(task, tool, seed)
                    except Exception:
                        key = f"{name}/{tool}"
                        if key not in failures:
                            print(
                                f"!! {key} failed on seed {seed}:\n"
                                f"{traceback.format_exc()}",
                                file=sys.stderr,
                            )
                            failures[key] = [0, traceback.format_exc()]
                        failures[key][0] += 1
                        continue
                    runs.setdefault(tool, {})[seed] = run
                    for a, b in PAIRS:
                        if tool == b and seed in runs.get(a, {}):
                            if runs[a][seed].init_params != run.init_params:
                                run.notes.append(
                                    f"initial population differs from {a}'s"
                                )
                    for text in run.notes:
                        key = f"{name}/{tool}"
                        notes.setdefault(key, f"seed {seed}: {text}")
                        print(f"?? {key} seed {seed}: {text}", file=sys.stderr)
                    test = "" if math.isnan(run.test) else f", test {run.test:.4f}"
                    _log(
                        f"{name} seed {seed} {tool:9s}: best CV "
                        f"{_shown(task, run):.4g}{test}, fit {run.fit_time:.2f}s, "
                        f"wall {run.wall:.2f}s, units {run.units:.0f}",
                        start,
                    )
            _print_task(task, runs, tools, seeds)
            print(f"Task wall time: {time.perf_counter() - task_start:.0f} s\n")

    if notes:
        print("## Consistency notes\n")
        for key, text in notes.items():
            print(f"- {key}, {text}")
        print()
    if failures:
        print("## Failures\n")
        for key, (count, tb) in failures.items():
            print(f"- {key}: {count} failed run(s): {tb.strip().splitlines()[-1]}")
        print()
    print(f"Total wall time: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
