"""Benchmark skhyper's DACSearchCV (schedule and feedback policies) against the
best static configuration (BayesSearchCV) and PBTSearchCV, at equal compute.

Every tool searches each task once per seed, with ``n_jobs=1`` and one
BLAS/OpenMP thread (threadpoolctl). Results go to stdout as markdown tables;
progress and tracebacks go to stderr.

**Tasks** (the data builders are ``bench_pbt.py``'s):

* ``block``: the block-scaled problem of ``tests/test_dac.py`` (and
  ``bench_pbt.py``): rows ``2 e_j`` (j < 4) and ``e_j`` (j >= 4), each twice,
  ``y = X w*``; ``SGDRegressor(penalty=None, fit_intercept=False,
  learning_rate="constant", tol=None, shuffle=False)`` over ``eta0``
  (log-uniform 1e-2-2), **2** epochs of ``partial_fit``, ``KFold(2)``,
  ``neg_mean_squared_error`` (shown as MSE, lower is better). A step size
  ``1/4`` then ``1`` solves it exactly; no fixed ``eta0`` does. 400
  evaluations per tool, schedules with 2 knots (as the test). No held-out
  set; the best static MSE over a 200-point grid of ``eta0`` is printed as a
  reference.
* ``sgd-diabetes``: ``load_diabetes``, a held-out quarter
  (``train_test_split(test_size=0.25, random_state=seed)``); X standardized
  and y standardized by the training split's mean and spread;
  ``SGDRegressor(learning_rate="constant", random_state=0)``, ``eta0``
  dynamic (log-uniform 1e-4-1e-1), ``alpha`` static (log-uniform 1e-6-1e-1),
  20 epochs, ``KFold(3)``, R^2.
* ``sgd-digits``: digits / 16, stratified held-out quarter;
  ``SGDClassifier(learning_rate="constant", random_state=0)``, ``eta0``
  dynamic (1e-4-1e-1), ``alpha`` static (1e-6-1e-2), 20 epochs,
  ``StratifiedKFold(3)``, accuracy.
* ``mlp-digits``: the same data; ``MLPClassifier((32,), adam, tol=0, no
  early stop)``, ``learning_rate_init`` dynamic (1e-4-1e-1), ``alpha``
  static (1e-6-1e-1), 20 epochs by warm start (``resource="max_iter"``: a
  DAC step is one warm-start fit of one epoch, which restarts adam's moment
  estimates; static-bayes trains 20 epochs in one fit).
* ``hgb-classif``: bench_pbt's fixed ``make_classification(2000, 20
  features)``; ``HistGradientBoostingClassifier(early_stopping=False)``,
  ``learning_rate`` dynamic (0.01-0.5) over 20 boosting iterations by warm
  start (a step is one iteration), ``max_leaf_nodes`` static (4-64),
  ``StratifiedKFold(3)``, accuracy. 20 evaluations per tool (not 40): each
  warm-start step re-bins the data, ~25 ms.

**Tools** (``random_state=seed``; ``n_iter`` evaluations each: 400 on block,
20 on hgb-classif, 40 otherwise):

* ``dac-schedule``: ``DACSearchCV(policy="schedule", n_knots=3)`` (2 on
  block), default learner (cross-entropy method), ``n_iter`` policies.
* ``dac-feedback``: ``DACSearchCV(policy="feedback")``, ``n_iter`` policies.
* ``static-bayes``: ``BayesSearchCV(n_iter)`` over the same space, every
  value fixed, each configuration trained ``n_steps`` in one fit
  (``SGD*(max_iter=n_steps, tol=None)``, ``MLPClassifier(max_iter=20)``,
  ``HistGradientBoostingClassifier(max_iter=20)``).
* ``pbt``: ``PBTSearchCV(population_size=n_iter, n_steps,
  interval=n_steps // 5)`` (1 on block), default exploit/explore. PBT trains
  its population ``n_steps`` once, so a population of ``n_iter`` gives it
  exactly the others' units (a population of 8 would get a fifth of them).

*Equal compute*: every tool trains ``n_iter x n_steps x folds`` units (the
table's *units* column; PBT's counted from ``cv_results_``, checked).
DAC's feedback policy also scores the training fold after every step; that
is in its fit seconds, not its units.

**Metrics**, median and IQR over seeds: *best CV* (``best_score_``), *test*
(the refitted ``best_estimator_`` on the held-out quarter: DAC and PBT replay
the winning policy / schedule on the whole training split), *fit s* (sum of
``mean_fit_time x n_splits``), *wall s* (``fit`` less ``refit_time_``),
*units*. Then the issue's targets: on block, the per-seed ratio of each DAC
tool's MSE to static-bayes's (target: median at most 0.1); on the real tasks,
the paired per-seed difference DAC - static-bayes of the test score, its
mean and standard error (*no worse within noise*: mean + 2 SE >= 0;
*better*: mean - 2 SE > 0; the CV difference is printed too). The best
policy (``best_policy_``) of the median seed of each DAC tool is printed.
Last, the per-step cost of DAC's in-worker policy loop
(``skhyper._dac.PolicyStepper``) against the plain ``partial_fit`` loop
(``skhyper._incremental.Stepper``), 20 steps, 20 repetitions.

Seeds: 10 on every task, as the issue asks (``--seeds`` sets block and
sgd-diabetes, ``--slow-seeds`` the digits tasks, ``--hgb-seeds``
hgb-classif); a full run takes about 40 minutes in one thread, so run it as
two processes side by side (below).

Examples
--------
Smoke run (about 3 minutes)::

    python benchmarks/bench_dac.py --seeds 2 --slow-seeds 1 --hgb-seeds 1

Full run (about 20 minutes as two processes on two cores)::

    python benchmarks/bench_dac.py --tasks block,sgd-diabetes,sgd-digits,mlp-digits
    python benchmarks/bench_dac.py --tasks hgb-classif --no-overhead
"""

import argparse
import importlib.util
import math
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_diabetes
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from _report import _fmt, _log, _name_list, _print_closing, _table
from bench_pbt import (
    _block_data,
    _cell,
    _classif_data,
    _digits_data,
    _mlp,
    _stats,
    _versions,
    trained_units,
)

# Run from a source checkout without installing (bench_pbt does the same).
if importlib.util.find_spec("skhyper") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skhyper import BayesSearchCV, DACSearchCV, Integer, PBTSearchCV, Real  # noqa: E402
from _hooks import FeedbackPolicy, PolicyStepper, SchedulePolicy, Stepper  # noqa: E402

ALL_TOOLS = ("dac-schedule", "dac-feedback", "static-bayes", "pbt")
DAC_TOOLS = ("dac-schedule", "dac-feedback")


# ---------------------------------------------------------------------------
# Tasks.


def _diabetes_data(seed):
    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed
    )
    scaler = StandardScaler().fit(X_train)
    mean, std = y_train.mean(), y_train.std()
    return (
        scaler.transform(X_train),
        (y_train - mean) / std,
        scaler.transform(X_test),
        (y_test - mean) / std,
    )


def _block_sgd(**extra):
    return SGDRegressor(
        penalty=None,
        fit_intercept=False,
        learning_rate="constant",
        tol=None,
        shuffle=False,
        random_state=0,
        **extra,
    )


def _hgb(**extra):
    return HistGradientBoostingClassifier(early_stopping=False, random_state=0, **extra)


@dataclass
class Task:
    name: str
    title: str
    estimator: Callable[[], object]  # continued step by step (DAC, PBT)
    full: Callable[[], object]  # trained n_steps in one fit (static-bayes)
    space: Callable[[], dict]
    dynamic: list
    data: Callable[[int], tuple]  # seed -> X_train, y_train, X_test, y_test
    cv: Callable[[], object]
    scoring: Optional[str]
    n_steps: int
    n_iter: int
    n_knots: int
    interval: int  # PBT's
    score_name: str
    seeds: str  # which --*seeds option sets this task's seeds
    resource: str = "partial_fit"
    negate: bool = False  # shown as -score (MSE)


ETA = lambda: Real(1e-4, 1e-1, prior="log-uniform")  # noqa: E731

TASKS = {
    "block": Task(
        name="block",
        title="block-scaled least squares (tests/test_dac.py), SGDRegressor, eta0",
        estimator=_block_sgd,
        full=lambda: _block_sgd(max_iter=2),
        space=lambda: {"eta0": Real(1e-2, 2.0, prior="log-uniform")},
        dynamic=["eta0"],
        data=_block_data,
        cv=lambda: KFold(2),
        scoring="neg_mean_squared_error",
        n_steps=2,
        n_iter=400,
        n_knots=2,
        interval=1,
        score_name="MSE",
        seeds="seeds",
        negate=True,
    ),
    "sgd-diabetes": Task(
        name="sgd-diabetes",
        title="SGDRegressor on standardized diabetes, eta0 dynamic, alpha static",
        estimator=lambda: SGDRegressor(learning_rate="constant", random_state=0),
        full=lambda: SGDRegressor(
            learning_rate="constant", random_state=0, max_iter=20, tol=None
        ),
        space=lambda: {
            "eta0": ETA(),
            "alpha": Real(1e-6, 1e-1, prior="log-uniform"),
        },
        dynamic=["eta0"],
        data=_diabetes_data,
        cv=lambda: KFold(3),
        scoring=None,
        n_steps=20,
        n_iter=40,
        n_knots=3,
        interval=4,
        score_name="R2",
        seeds="seeds",
    ),
    "sgd-digits": Task(
        name="sgd-digits",
        title="SGDClassifier on digits / 16, eta0 dynamic, alpha static",
        estimator=lambda: SGDClassifier(learning_rate="constant", random_state=0),
        full=lambda: SGDClassifier(
            learning_rate="constant", random_state=0, max_iter=20, tol=None
        ),
        space=lambda: {
            "eta0": ETA(),
            "alpha": Real(1e-6, 1e-2, prior="log-uniform"),
        },
        dynamic=["eta0"],
        data=_digits_data,
        cv=lambda: StratifiedKFold(3),
        scoring=None,
        n_steps=20,
        n_iter=40,
        n_knots=3,
        interval=4,
        score_name="accuracy",
        seeds="slow_seeds",
    ),
    "mlp-digits": Task(
        name="mlp-digits",
        title="MLPClassifier(32,), adam, by warm start on digits / 16, "
        "learning_rate_init dynamic, alpha static",
        estimator=lambda: _mlp(max_iter=200),
        full=lambda: _mlp(max_iter=20),
        space=lambda: {
            "learning_rate_init": ETA(),
            "alpha": Real(1e-6, 1e-1, prior="log-uniform"),
        },
        dynamic=["learning_rate_init"],
        data=_digits_data,
        cv=lambda: StratifiedKFold(3),
        scoring=None,
        n_steps=20,
        n_iter=40,
        n_knots=3,
        interval=4,
        score_name="accuracy",
        seeds="slow_seeds",
        resource="max_iter",
    ),
    "hgb-classif": Task(
        name="hgb-classif",
        title="HistGradientBoostingClassifier by warm start on bench_pbt's "
        "make_classification, learning_rate dynamic over 20 iterations, "
        "max_leaf_nodes static",
        estimator=_hgb,
        full=lambda: _hgb(max_iter=20),
        space=lambda: {
            "learning_rate": Real(0.01, 0.5, prior="log-uniform"),
            "max_leaf_nodes": Integer(4, 64),
        },
        dynamic=["learning_rate"],
        data=_classif_data,
        cv=lambda: StratifiedKFold(3),
        scoring=None,
        n_steps=20,
        n_iter=20,
        n_knots=3,
        interval=4,
        score_name="accuracy",
        seeds="hgb_seeds",
        resource="max_iter",
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
    units: float  # steps trained, all folds
    policy: str = ""  # repr of best_policy_ (DAC)
    params: dict = field(default_factory=dict)  # best_params_
    notes: list = field(default_factory=list)


def _search(task, tool, seed, refit):
    shared = dict(
        scoring=task.scoring, cv=task.cv(), n_jobs=1, random_state=seed, refit=refit
    )
    if tool == "static-bayes":
        return BayesSearchCV(task.full(), task.space(), n_iter=task.n_iter, **shared)
    if tool == "pbt":
        return PBTSearchCV(
            task.estimator(),
            task.space(),
            population_size=task.n_iter,
            n_steps=task.n_steps,
            interval=task.interval,
            resource=task.resource,
            **shared,
        )
    return DACSearchCV(
        task.estimator(),
        task.space(),
        dynamic=task.dynamic,
        policy=tool.split("-")[1],
        n_steps=task.n_steps,
        n_iter=task.n_iter,
        n_knots=task.n_knots,
        resource=task.resource,
        **shared,
    )


def run_tool(task, tool, seed):
    X, y, X_test, y_test = task.data(seed)
    search = _search(task, tool, seed, refit=X_test is not None)
    start = time.perf_counter()
    search.fit(X, y)
    wall = time.perf_counter() - start - getattr(search, "refit_time_", 0.0)
    res = search.cv_results_
    n_splits = search.n_splits_
    fit_time = float(np.sum(np.asarray(res["mean_fit_time"]) * n_splits))
    planned = task.n_iter * task.n_steps * n_splits
    notes = []
    if tool == "pbt":
        units = trained_units(res, "member", n_splits)
    else:  # every row trains n_steps on every fold, from scratch
        units = len(res["params"]) * task.n_steps * n_splits
    if units != planned:
        notes.append(f"trained {units} units, n_iter x steps x folds {planned}")
    test = math.nan
    if X_test is not None:
        test = float(search.score(X_test, y_test))
    return Run(
        score=float(search.best_score_),
        test=test,
        fit_time=fit_time,
        wall=wall,
        units=float(units),
        policy=repr(getattr(search, "best_policy_", "")),
        params=dict(search.best_params_),
        notes=notes,
    )


def best_static_on_grid(task, seed, n=200):
    """The best static CV MSE of the block problem over a log grid of eta0
    (as tests/test_dac.py computes it): a reference for static-bayes."""
    X, y, _, _ = task.data(seed)
    dim = task.space()["eta0"]
    best = math.inf
    for eta in np.geomspace(dim.low, dim.high, n):
        mse = []
        for train, test in task.cv().split(X):
            model = task.estimator().set_params(eta0=eta)
            for _ in range(task.n_steps):
                model.partial_fit(X[train], y[train])
            mse.append(np.mean((model.predict(X[test]) - y[test]) ** 2))
        best = min(best, float(np.mean(mse)))
    return best


# ---------------------------------------------------------------------------
# Tables and targets.


def _shown(task, value):
    return -value if task.negate else value


def _paired(runs, a, b, key):
    common = sorted(set(runs.get(a, {})) & set(runs.get(b, {})))
    return np.array([key(runs[a][s]) - key(runs[b][s]) for s in common])


def _mean_se(diffs):
    if len(diffs) == 0:
        return math.nan, math.nan
    se = float(np.std(diffs, ddof=1) / math.sqrt(len(diffs))) if len(diffs) > 1 else math.inf
    return float(np.mean(diffs)), se


def _median_seed(runs):
    """The seed whose best CV score is the (lower) median."""
    order = sorted(runs, key=lambda s: (runs[s].score, s))
    return order[(len(order) - 1) // 2]


def _print_task(task, runs, tools, seeds, grid):
    print(f"## {task.name}: {task.title}\n")
    X, y, X_test, _ = task.data(seeds[0] if seeds else 0)
    cv = task.cv()
    has_test = X_test is not None
    print(
        f"- {len(X)} training rows"
        + (f", {len(X_test)} held-out test rows" if has_test else "")
        + f"; cv={type(cv).__name__}({cv.n_splits}), unshuffled; "
        f"n_steps={task.n_steps} ({task.resource}); n_iter={task.n_iter} "
        f"(PBT population {task.n_iter}, interval {task.interval}); "
        f"dynamic {task.dynamic}; schedule knots {task.n_knots}"
    )
    better = "lower" if task.negate else "higher"
    print(
        f"- best CV {task.score_name} ({better} is better); times in seconds; "
        f"units = steps trained over all folds\n"
    )
    header = ["tool", f"best CV {task.score_name}", "IQR"]
    if has_test:
        header += [f"test {task.score_name}", "IQR"]
    header += ["fit s", "IQR", "wall s", "IQR", "units", "seeds"]
    rows = []
    for tool in tools:
        if tool not in runs:
            rows.append([tool] + ["—"] * (len(header) - 1))
            continue
        rs = list(runs[tool].values())
        row = [tool, *_cell([_shown(task, r.score) for r in rs])]
        if has_test:
            row += [*_cell([r.test for r in rs])]
        row += [
            *_cell([r.fit_time for r in rs], 3),
            *_cell([r.wall for r in rs], 3),
            _fmt(_stats([r.units for r in rs])[0], 5),
            str(len(rs)),
        ]
        rows.append(row)
    if grid:
        g = list(grid.values())
        rows.append(
            ["(grid static, 200 eta0)", *_cell(g)]
            + ["—"] * (len(header) - 4)
            + [str(len(g))]
        )
    n = len(seeds)
    print(f"### Median and IQR over {n} seed{'s' if n != 1 else ''}\n")
    print(_table(header, rows))
    print()

    print("### Best policies (median seed by best CV)\n")
    for tool in tools:
        if tool not in runs:
            continue
        seed = _median_seed(runs[tool])
        r = runs[tool][seed]
        static = {k: v for k, v in r.params.items() if k not in task.dynamic}
        what = r.policy if tool in DAC_TOOLS else f"best_params_ {r.params}"
        if tool in DAC_TOOLS and static:
            what += f", static {static}"
        print(f"- {tool}, seed {seed} (best CV {_shown(task, r.score):.4g}): {what}")
    print()
    return _targets(task, runs, grid)


def _targets(task, runs, grid):
    out = {}
    print("### Targets\n")
    base = "static-bayes"
    for tool in DAC_TOOLS:
        if tool not in runs or base not in runs:
            continue
        if task.negate:  # block: an order of magnitude below the static MSE
            common = sorted(set(runs[tool]) & set(runs[base]))
            ratios = [runs[tool][s].score / runs[base][s].score for s in common]
            med = float(np.median(ratios))
            met = med <= 0.1
            out[tool] = met
            line = (
                f"- {tool}: median MSE ratio to {base} {med:.3g} (per seed "
                f"{', '.join(f'{r:.2g}' for r in ratios)}); at most 0.1: "
                f"{'met' if met else 'missed'}"
            )
            if grid:
                gr = [-runs[tool][s].score / grid[s] for s in common if s in grid]
                line += f"; median ratio to the grid's best static {np.median(gr):.3g}"
            print(line)
            continue
        d_test = _paired(runs, tool, base, lambda r: r.test)
        d_cv = _paired(runs, tool, base, lambda r: r.score)
        mt, st = _mean_se(d_test)
        mc, sc = _mean_se(d_cv)
        no_worse = mt + 2 * st >= 0
        better = mt - 2 * st > 0
        out[tool] = (no_worse, better)
        print(
            f"- {tool} - {base}, test {task.score_name}: mean {mt:+.4f} (SE "
            f"{st:.4f}, {len(d_test)} seeds, wins {int((d_test > 0).sum())}); "
            f"CV: mean {mc:+.4f} (SE {sc:.4f}, wins {int((d_cv > 0).sum())}); "
            f"no worse within noise: {'yes' if no_worse else 'no'}; better: "
            f"{'yes' if better else 'no'}"
        )
    if "pbt" in runs:
        for tool in DAC_TOOLS:
            if tool not in runs:
                continue
            key = (lambda r: r.score) if task.negate else (lambda r: r.test)
            d = _paired(runs, tool, "pbt", key)
            m, s = _mean_se(d)
            what = "best CV (-MSE)" if task.negate else f"test {task.score_name}"
            print(
                f"- {tool} - pbt, {what}: mean {m:+.4g} (SE {s:.4g}, wins "
                f"{int((d > 0).sum())}/{len(d)})"
            )
    print()
    return out


# ---------------------------------------------------------------------------
# Per-step overhead of the in-worker policy loop.


def overhead(repeats=20, n_steps=20):
    """Median ms per step of PolicyStepper (schedule, feedback) against a
    plain loop of partial_fit calls, on sgd-digits and sgd-diabetes data."""
    print("## Per-step overhead of DAC's in-worker policy loop\n")
    print(
        f"- {n_steps} steps of partial_fit from a fresh clone, {repeats} "
        f"repetitions, median ms per step; plain = "
        f"`Stepper('partial_fit').train`, policy = `PolicyStepper(plain, policy, "
        f"{n_steps}).train` (the feedback policy scores the training data "
        f"after each step)\n"
    )
    rows = []
    for name in ("sgd-digits", "sgd-diabetes"):
        task = TASKS[name]
        X, y, _, _ = task.data(0)
        est = task.estimator().set_params(eta0=0.01)
        base = Stepper.for_resource(est, "partial_fit", y)
        dims = {"eta0": ETA().check("eta0")}
        policies = {
            "schedule": SchedulePolicy(dims, {"eta0": [0.8, 0.5, 0.2]}),
            "feedback": FeedbackPolicy(
                dims, {"eta0": 0.6}, {"eta0": [0.1, -0.2, 0.5, -0.1]}
            ),
        }

        def timed(train):
            times = []
            for _ in range(repeats):
                model = clone(est)
                t = time.perf_counter()
                train(model)
                times.append(time.perf_counter() - t)
            return 1000 * float(np.median(times)) / n_steps

        plain = timed(lambda m: base.train(m, X, y, 0, n_steps, {}))
        row = [name, f"{len(X)}x{X.shape[1]}", f"{plain:.3f}"]
        for policy in policies.values():
            ms = timed(
                lambda m, p=policy: PolicyStepper(base, p, n_steps).train(
                    m, X, y, 0, n_steps, {}
                )
            )
            row += [f"{ms:.3f}", f"{ms - plain:+.3f}"]
        rows.append(row)
    header = [
        "data",
        "X",
        "plain ms/step",
        "schedule ms/step",
        "overhead",
        "feedback ms/step",
        "overhead",
    ]
    print(_table(header, rows))
    print()


# ---------------------------------------------------------------------------
# Command line.


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--seeds", type=int, default=10, help="seeds 0..N-1 of block and "
        "sgd-diabetes (default 10)"
    )
    parser.add_argument(
        "--slow-seeds", type=int, default=10, help="seeds of sgd-digits and "
        "mlp-digits (default 10: ~40 s a seed each)"
    )
    parser.add_argument(
        "--hgb-seeds", type=int, default=10, help="seeds of hgb-classif "
        "(default 10: ~100 s a seed)"
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
        "--no-overhead", action="store_true", help="skip the per-step overhead table"
    )
    parser.add_argument(
        "--show-warnings",
        action="store_true",
        help="show Python warnings (hidden by default: SGD's overflow and "
        "convergence warnings at large step sizes are expected)",
    )
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not args.show_warnings:
        warnings.simplefilter("ignore")
    tools = [t for t in ALL_TOOLS if t in args.tools]
    start = time.perf_counter()
    n_seeds = {"seeds": args.seeds, "slow_seeds": args.slow_seeds,
               "hgb_seeds": args.hgb_seeds}

    print("# DACSearchCV benchmark\n")
    print(f"- versions: {_versions()}")
    print(
        f"- tasks: {', '.join(args.tasks)}; tools: {', '.join(tools)}; seeds: "
        + ", ".join(f"{n} {n_seeds[TASKS[n].seeds]}" for n in args.tasks)
    )
    print(
        "- n_jobs=1, one BLAS/OpenMP thread (threadpoolctl); every tool trains "
        "n_iter x n_steps x folds units (PBT: population n_iter)\n"
    )
    failures, notes, targets = {}, {}, {}
    with threadpool_limits(limits=1):
        if not args.no_overhead:
            overhead()
        for name in args.tasks:
            task = TASKS[name]
            task_start = time.perf_counter()
            runs, grid = {}, {}
            seeds = list(range(n_seeds[task.seeds]))
            for seed in seeds:
                if task.negate:
                    grid[seed] = best_static_on_grid(task, seed)
                for tool in tools:
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
                    for text in run.notes:
                        notes.setdefault(f"{name}/{tool}", f"seed {seed}: {text}")
                        print(f"?? {name}/{tool} seed {seed}: {text}", file=sys.stderr)
                    test = "" if math.isnan(run.test) else f", test {run.test:.4f}"
                    _log(
                        f"{name} seed {seed} {tool:12s}: best CV "
                        f"{_shown(task, run.score):.4g}{test}, fit "
                        f"{run.fit_time:.2f}s, wall {run.wall:.2f}s, units "
                        f"{run.units:.0f}",
                        start,
                    )
            targets[name] = _print_task(task, runs, tools, seeds, grid)
            print(f"Task wall time: {time.perf_counter() - task_start:.0f} s\n")

    if targets:
        print("## Targets over tasks\n")
        for tool in DAC_TOOLS:
            block = targets.get("block", {}).get(tool)
            real = {n: t[tool] for n, t in targets.items() if n != "block" and tool in t}
            if block is None and not real:
                continue  # the tool did not run
            no_worse = [n for n, (ok, _) in real.items() if ok]
            better = [n for n, (_, b) in real.items() if b]
            met = (
                (block is None or block)
                and len(no_worse) == len(real)
                and (not real or better)
            )
            print(
                f"- {tool}: block order of magnitude below static: "
                f"{'—' if block is None else ('met' if block else 'missed')}; "
                f"real tasks no worse than static-bayes within noise on "
                f"{len(no_worse)}/{len(real)} ({', '.join(no_worse) or 'none'}), "
                f"better on {len(better)} ({', '.join(better) or 'none'}); "
                f"all targets: {'met' if met else 'missed'}"
            )
        print()
    _print_closing(notes, failures, start)


if __name__ == "__main__":
    main()
