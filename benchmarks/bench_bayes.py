"""Benchmark skhyper's BayesSearchCV against random search, skopt and Optuna.

Two measurements, each printed as markdown tables on stdout (progress and
tracebacks go to stderr):

**Metric 1, search quality.** Every tool searches every task with the same
budget of evaluations, once per seed. A tool's score trajectory is read in
evaluation order from ``cv_results_["mean_test_score"]`` (for Optuna, from
``study_.trials`` by trial number). For each task,

    normalized regret after b evaluations = (s* - best_b) / (s* - s_ref)

where ``best_b`` is the best mean CV score among the tool's first ``b``
evaluations, and

* ``s*``, the best possible score, is the largest of: the known optimum
  (synthetic tasks only, minus the function's minimum), the best score any
  tool reached for any seed in this run, and, for the ML tasks, the best
  point of the reference sample below;
* ``s_ref``, the reference, is the median score of a point drawn from the
  search space's prior: over 100 000 random points for the synthetic tasks,
  and over a grid evenly spaced on the prior's scale (log for these spaces)
  for the ML tasks, whose evaluations are too costly to sample densely.

So 0 is the best possible, 1 is as good as a typical random point; lower is
better. The tables show the median and, in brackets, the 75th percentile over
seeds, so that a seed stuck in a poor local optimum shows. Because ``s*`` for
an ML task is the best found in the run, its regrets shift when the run's
tools change. The ML tasks of more than three dimensions or with categories
take their ``s_ref`` from ``n_grid`` random points instead of a grid.

Tasks: 2-5-D test functions (``branin``, ``camel``, ``hartmann3``,
``ackley5``), 6-10-D ones with several local optima or a narrow valley
(``hartmann6``, ``levy8``, ``styblinski-tang8``, ``rosenbrock6``,
``ackley10``), real estimators over two or one parameter (``svc-digits``,
``ridge-diabetes``, ``lasso-diabetes``) and over five or six of mixed kinds
(``hgb-breast-cancer``: HistGradientBoostingClassifier's learning rate,
iterations, leaves, leaf size, L2 penalty and feature fraction, log-loss;
``svc-pipeline-digits``: scaler, PCA components, C, gamma and kernel).

``--save`` writes the runs to a JSON file after every task and tool and
``--load`` prints the tables from one or several such files, so that
processes run side by side on disjoint tasks or tools make one report.

**Metric 2, cost of one suggestion.** Each tool is given N observations of a
2-D (optionally 5-D) test function at random points and its clock runs from
telling the N-th observation to having its next suggestion, so the time
covers the surrogate refit whether a tool does it in ``tell`` (skopt) or in
``ask`` (Optuna). Each repeat builds a fresh optimizer. With
``--timing-mode warm`` (the default) the clock is the mean over the 10
suggestions that follow the N observations, each evaluated and told, as in a
running search (time in ask and tell, not in the objective); what a tool
carries over between suggestions counts (skhyper: the GP hyperparameters as
a warm start, re-optimized when the data grew by 5% once n > 200).
``cold`` times only the first suggestion of the fresh optimizer. The tables
show the median over repeats. skopt uses
``skopt.Optimizer.tell/ask``; Optuna a study filled by ``add_trials`` then
timed over ``add_trial`` + ``ask`` + ``suggest_float``; skhyper
``BayesOptimizer.tell/ask``. BLAS, OpenMP and torch are held to one thread.

Every tool runs with its defaults apart from the seed, ``n_jobs=1`` and
``refit=False``: skopt and both Optuna samplers start from 10 random points,
skhyper from a Sobol design of max(5, d + 1) points. For one seed, ``random``
and the two Optuna samplers draw the same first 10 points (the same numpy
stream in the same order), so their 10-evaluation columns coincide: common
random numbers, not a bug.

Examples
--------
Smoke run of the competitor tools (a few minutes)::

    python benchmarks/bench_bayes.py --quick --tools random,skopt,optuna-tpe,optuna-gp

Full run (all tools, 20 seeds, budgets 10/20/30/60)::

    python benchmarks/bench_bayes.py

The 6-10-D tasks against Optuna in two processes, then one report::

    python benchmarks/bench_bayes.py --tools random,optuna-tpe,optuna-gp,skhyper \\
        --tasks hartmann6,levy8,styblinski-tang8,rosenbrock6,ackley10 \\
        --skip-timing --save hd.json
    python benchmarks/bench_bayes.py --tools random,optuna-tpe,optuna-gp,skhyper \\
        --tasks hgb-breast-cancer,svc-pipeline-digits --skip-timing --save ml.json
    python benchmarks/bench_bayes.py --load hd.json ml.json
"""

import argparse
import importlib
import importlib.util
import json
import math
import os
import sys
import time
import traceback
import warnings
from pathlib import Path

# Before numpy (or scipy, sklearn, torch) loads: one BLAS/OpenMP thread, so
# timings compare algorithms, not thread pools, and the run shares cores fairly.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
from sklearn.model_selection import RandomizedSearchCV  # noqa: E402

from _report import _fmt, _log, _name_list, _table  # noqa: E402
from _tasks import (  # noqa: E402
    TASKS,
    as_params,
    grid_points,
    random_params,
    random_points,
)

# Run from a source checkout without installing: let `import skhyper` find
# the package next to this folder.
if importlib.util.find_spec("skhyper") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ALL_TOOLS = ("random", "skopt", "optuna-tpe", "optuna-gp", "skhyper")
TIMED_TOOLS = ("skopt", "optuna-tpe", "optuna-gp", "skhyper")
# Test functions whose random observations feed the timing, by dimension.
TIMING_FUNCTIONS = {2: "branin", 5: "ackley5", 10: "ackley10"}
N_REFERENCE_RANDOM = 100_000


# ---------------------------------------------------------------------------
# Search adapters: run one search, return its scores in evaluation order.


class _RoundedLogUniform:
    """Integers drawn log-uniformly: what RandomizedSearchCV lacks for them."""

    def __init__(self, low, high):
        from scipy.stats import loguniform

        self.low, self.high = low, high
        self._real = loguniform(max(low - 0.5, 0.5), high + 0.5)

    def rvs(self, random_state=None):
        value = round(float(self._real.rvs(random_state=random_state)))
        return int(min(max(value, self.low), self.high))


def _random_distribution(d):
    from scipy.stats import loguniform, randint, uniform

    if d.kind == "cat":
        return list(d.choices)
    if d.kind == "int":
        return _RoundedLogUniform(d.low, d.high) if d.log else randint(d.low, d.high + 1)
    return loguniform(d.low, d.high) if d.log else uniform(d.low, d.high - d.low)


def _skopt_dimension(d):
    from skopt.space import Categorical, Integer, Real

    if d.kind == "cat":
        return Categorical(list(d.choices), name=d.name)
    kind = Integer if d.kind == "int" else Real
    return kind(d.low, d.high, prior="log-uniform" if d.log else "uniform", name=d.name)


def _optuna_distribution(d):
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    if d.kind == "cat":
        return CategoricalDistribution(list(d.choices))
    kind = IntDistribution if d.kind == "int" else FloatDistribution
    return kind(d.low, d.high, log=d.log)


def _skhyper_dimension(d):
    from skhyper import Categorical, Integer, Real

    if d.kind == "cat":
        return Categorical(list(d.choices))
    kind = Integer if d.kind == "int" else Real
    return kind(d.low, d.high, prior="log-uniform" if d.log else "uniform")


def _search_random(task, X, y, n_evals, seed):
    distributions = {d.name: _random_distribution(d) for d in task.space}
    search = RandomizedSearchCV(
        task.estimator,
        distributions,
        n_iter=n_evals,
        cv=task.cv,
        scoring=task.scoring,
        refit=False,
        random_state=seed,
        n_jobs=1,
    )
    search.fit(X, y)
    return search.cv_results_["mean_test_score"]


def _search_skopt(task, X, y, n_evals, seed):
    from skopt import BayesSearchCV

    space = {d.name: _skopt_dimension(d) for d in task.space}
    search = BayesSearchCV(
        task.estimator,
        space,
        n_iter=n_evals,
        cv=task.cv,
        scoring=task.scoring,
        refit=False,
        random_state=seed,
        n_jobs=1,
    )
    search.fit(X, y)
    return search.cv_results_["mean_test_score"]


def _optuna_search(sampler_name):
    def search(task, X, y, n_evals, seed):
        import optuna
        from optuna_integration import OptunaSearchCV

        sampler = getattr(optuna.samplers, sampler_name)(seed=seed)
        study = optuna.create_study(direction="maximize", sampler=sampler)
        distributions = {d.name: _optuna_distribution(d) for d in task.space}
        search = OptunaSearchCV(
            task.estimator,
            distributions,
            n_trials=n_evals,
            cv=task.cv,
            scoring=task.scoring,
            refit=False,
            random_state=seed,
            study=study,
            n_jobs=1,
        )
        search.fit(X, y)
        trials = sorted(search.study_.trials, key=lambda t: t.number)
        return [
            t.value if t.state == optuna.trial.TrialState.COMPLETE else math.nan
            for t in trials
        ]

    return search


def _search_skhyper(task, X, y, n_evals, seed):
    from skhyper import BayesSearchCV

    space = {d.name: _skhyper_dimension(d) for d in task.space}
    search = BayesSearchCV(
        task.estimator,
        space,
        n_iter=n_evals,
        n_points=1,
        cv=task.cv,
        scoring=task.scoring,
        refit=False,
        random_state=seed,
        n_jobs=1,
    )
    search.fit(X, y)
    return search.cv_results_["mean_test_score"]


SEARCHES = {
    "random": _search_random,
    "skopt": _search_skopt,
    "optuna-tpe": _optuna_search("TPESampler"),
    "optuna-gp": _optuna_search("GPSampler"),
    "skhyper": _search_skhyper,
}


# ---------------------------------------------------------------------------
# Timing adapters: given N observations (points, higher-is-better scores),
# return the seconds from telling the N-th one to holding the next suggestion.


# In warm mode each timer runs this many suggestions after the N observations,
# evaluating each, and reports the mean time per suggestion.
N_STEPS = 10


def _run_timed(suggest, observe, score, warm):
    """Seconds per suggestion: the first one (cold) or the mean of N_STEPS.

    ``suggest()`` returns (handle, point); ``observe(handle, point, value)``
    tells the value. The objective's own evaluation is not timed.
    """
    steps = N_STEPS if warm else 1
    elapsed = 0.0
    for _ in range(steps):
        start = time.perf_counter()
        handle, point = suggest()
        elapsed += time.perf_counter() - start
        value = score(point)
        start = time.perf_counter()
        observe(handle, point, value)
        elapsed += time.perf_counter() - start
    return elapsed / steps


def _time_skopt(space, points, scores, seed, score, warm=False):
    from skopt import Optimizer
    from skopt.space import Real

    dimensions = [
        Real(d.low, d.high, prior="log-uniform" if d.log else "uniform") for d in space
    ]
    optimizer = Optimizer(dimensions, random_state=seed)
    xs = points.tolist()
    losses = [-float(s) for s in scores]  # skopt minimizes
    optimizer.tell(xs[:-1], losses[:-1])
    # skopt refits its GP and picks the next point inside tell(); ask() returns
    # it: the clock covers both, starting from the N-th observation.
    start = time.perf_counter()
    optimizer.tell(xs[-1], losses[-1])
    first = time.perf_counter() - start

    def suggest():
        x = optimizer.ask()
        return x, np.asarray(x, dtype=float)

    def observe(x, point, value):
        optimizer.tell(x, -value)

    if not warm:
        return first + _run_timed(suggest, lambda *a: None, score, warm)
    return _run_timed(suggest, observe, score, warm)


def _optuna_timer(sampler_name):
    def timer(space, points, scores, seed, score, warm=False):
        import optuna
        from optuna.distributions import FloatDistribution

        sampler = getattr(optuna.samplers, sampler_name)(seed=seed)
        study = optuna.create_study(direction="maximize", sampler=sampler)
        distributions = {
            d.name: FloatDistribution(d.low, d.high, log=d.log) for d in space
        }
        study.add_trials(
            [
                optuna.trial.create_trial(
                    params=as_params(space, p), distributions=distributions, value=float(s)
                )
                for p, s in zip(points, scores)
            ]
        )

        def suggest():
            # The sampler fits its model when the trial is created, in ask().
            trial = study.ask()
            point = [trial.suggest_float(d.name, d.low, d.high, log=d.log) for d in space]
            return trial, np.asarray(point)

        def observe(trial, point, value):
            study.tell(trial, value)

        return _run_timed(suggest, observe, score, warm)

    return timer


def _time_skhyper(space, points, scores, seed, score, warm=False):
    from skhyper import BayesOptimizer, Real

    optimizer = BayesOptimizer(
        {
            d.name: Real(d.low, d.high, prior="log-uniform" if d.log else "uniform")
            for d in space
        },
        random_state=seed,
    )
    optimizer.tell([as_params(space, p) for p in points], [float(s) for s in scores])

    def suggest():
        params = optimizer.ask()
        # A point from the initial design or drawn at random would time nothing.
        if not np.isfinite(optimizer.last_acquisition_).all():
            raise RuntimeError(
                f"skhyper's ask after {len(points)} told observations did not use "
                f"its model; timing void."
            )
        return params, np.array([params[d.name] for d in space])

    def observe(params, point, value):
        optimizer.tell(params, value)

    return _run_timed(suggest, observe, score, warm)


TIMERS = {
    "skopt": _time_skopt,
    "optuna-tpe": _optuna_timer("TPESampler"),
    "optuna-gp": _optuna_timer("GPSampler"),
    "skhyper": _time_skhyper,
}


# ---------------------------------------------------------------------------
# Bookkeeping.


class Failures:
    """Collects tool failures: the first traceback of each tool, and counts.

    A tool whose import fails is marked unavailable and skipped from then on,
    so that an unfinished tool costs one traceback, not one per run.
    """

    def __init__(self):
        self.first = {}
        self.counts = {}
        self.unavailable = set()

    def record(self, tool, where):
        """Record the exception being handled; call from an ``except`` block."""
        self.counts[tool] = self.counts.get(tool, 0) + 1
        if isinstance(sys.exc_info()[1], ImportError):
            self.unavailable.add(tool)
        if tool not in self.first:
            self.first[tool] = (where, traceback.format_exc())
            print(
                f"!! {tool} failed on {where}:\n{self.first[tool][1]}", file=sys.stderr
            )


def _versions(tools):
    names = ["sklearn", "numpy", "scipy"]
    if "skopt" in tools:
        names.append("skopt")
    if any(t.startswith("optuna") for t in tools):
        names += ["optuna", "optuna_integration", "torch"]
    if "skhyper" in tools:
        names.append("skhyper")
    parts = []
    for name in names:
        try:
            module = importlib.import_module(name)
            parts.append(f"{name} {getattr(module, '__version__', '?')}")
        except Exception as exc:  # a broken tool must not stop the header
            parts.append(f"{name} unavailable ({type(exc).__name__})")
    return ", ".join(parts)


# ---------------------------------------------------------------------------
# Metric 1.


def _reference(task, X, y, n_grid):
    """Median prior score ``s_ref`` and the best point seen while computing it."""
    if task.is_synthetic:
        rng = np.random.default_rng(0)
        points = random_points(task.space, N_REFERENCE_RANDOM, rng)
        scores = -task.test_function.func(points)
        return float(np.median(scores)), -task.test_function.minimum
    if task.is_real and len(task.space) <= 3:
        n_per_dim = max(2, round(n_grid ** (1 / len(task.space))))
        params = [as_params(task.space, p) for p in grid_points(task.space, n_per_dim)]
    else:
        # A grid in more dimensions, or over categories, is a few corners.
        params = random_params(task.space, n_grid, np.random.default_rng(0))
    scores = [task.score(p, X, y) for p in params]
    return float(np.median(scores)), float(np.max(scores))


def save_runs(path, trajectories, references, wall):
    """Write the runs so far to a JSON file, atomically (temporary file, then rename)."""
    data = {
        "references": {t: list(r) for t, r in references.items()},
        "runs": [
            {
                "task": task,
                "tool": tool,
                # JSON has no NaN: a failed or short run is null.
                "trajectories": [
                    [None if not np.isfinite(v) else float(v) for v in row] for row in runs
                ],
                "wall": wall.get((task, tool), []),
            }
            for (task, tool), runs in trajectories.items()
        ],
    }
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
    os.replace(tmp, path)


def load_runs(paths):
    """Merge runs saved by ``--save``; a later file wins for the same (task, tool)."""
    trajectories, references, wall = {}, {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for task, ref in data["references"].items():
            if task in references and not np.allclose(references[task], ref):
                print(f"!! {path}: other reference scores for {task}", file=sys.stderr)
            references.setdefault(task, tuple(ref))
        for run in data["runs"]:
            key = run["task"], run["tool"]
            trajectories[key] = np.array(
                [[np.nan if v is None else v for v in row] for row in run["trajectories"]],
                dtype=float,
            )
            wall[key] = run["wall"]
    return trajectories, references, wall


def run_regret(tasks, tools, seeds, n_evals, n_grid, failures, start, save=None):
    """Run every search; return trajectories and per-task references.

    Returns
    -------
    trajectories : dict (task, tool) -> array of shape (n_seeds, n_evals)
        Best score so far; NaN where a run failed or fell short.
    references : dict task -> (s_ref, s_best_known)
    wall : dict (task, tool) -> list of seconds per search
    """
    trajectories, references, wall = {}, {}, {}
    for task_name in tasks:
        task = TASKS[task_name]
        X, y = task.load_data()
        references[task_name] = _reference(task, X, y, n_grid)
        _log(f"{task_name}: reference s_ref={references[task_name][0]:.5g}", start)
        for tool in tools:
            runs = np.full((len(seeds), n_evals), np.nan)
            wall[task_name, tool] = []
            for i, seed in enumerate(seeds):
                if tool in failures.unavailable:
                    break
                t0 = time.perf_counter()
                try:
                    scores = np.asarray(
                        SEARCHES[tool](task, X, y, n_evals, seed), dtype=float
                    )
                except Exception:
                    failures.record(tool, f"task {task_name}, seed {seed}")
                    continue
                elapsed = time.perf_counter() - t0
                wall[task_name, tool].append(elapsed)
                if len(scores) != n_evals:
                    print(
                        f"!! {tool} on {task_name} seed {seed} made {len(scores)} "
                        f"evaluations, expected {n_evals}",
                        file=sys.stderr,
                    )
                scores = scores[:n_evals]
                # fmax ignores NaN (failed fits) once a finite score exists.
                runs[i, : len(scores)] = np.fmax.accumulate(scores)
                _log(
                    f"{task_name:15s} {tool:11s} seed {seed}: "
                    f"best {np.nanmax(scores):.5g} in {elapsed:.1f}s",
                    start,
                )
            trajectories[task_name, tool] = runs
            if save:
                save_runs(save, trajectories, references, wall)
    return trajectories, references, wall


def _best_possible(trajectories, references, task_name, tools):
    """``s*``: the known optimum or reference best, or the best any run found."""
    found = [trajectories[task_name, tool] for tool in tools]
    return max(
        [references[task_name][1]]
        + [np.nanmax(runs) for runs in found if np.isfinite(runs).any()]
    )


def normalized_regrets(trajectories, references, tasks, tools):
    """Normalized regret per (task, tool), shape (n_seeds, n_evals)."""
    regrets = {}
    for task_name in tasks:
        s_ref = references[task_name][0]
        s_star = _best_possible(trajectories, references, task_name, tools)
        for tool in tools:
            runs = trajectories[task_name, tool]
            regrets[task_name, tool] = (s_star - runs) / (s_star - s_ref)
    return regrets


def _median_regret(regrets, task, tool, budget, q=50):
    """The ``q``-th percentile over seeds (the median by default)."""
    if regrets[task, tool].shape[1] < budget:
        return math.nan  # loaded runs of a smaller budget
    column = regrets[task, tool][:, budget - 1]
    if not np.isfinite(column).any():
        return math.nan
    return float(np.nanpercentile(column, q))


# ---------------------------------------------------------------------------
# Metric 2.


def run_timing(dims_list, obs_list, large_obs, tools, repeats, failures, start, warm=True):
    """Median seconds per suggestion, dict (dims, n_obs, tool) -> float."""
    times = {}
    for dims in dims_list:
        task = TASKS[TIMING_FUNCTIONS[dims]]
        for n_obs in list(obs_list) + list(large_obs):
            rng = np.random.default_rng(n_obs)
            points = random_points(task.space, n_obs, rng)
            scores = -task.test_function.func(points)

            def score(point, func=task.test_function.func):
                return -float(func(np.asarray(point, dtype=float)[None, :])[0])
            for tool in tools:
                if n_obs in large_obs and tool != "skhyper":
                    continue
                if tool in failures.unavailable:
                    continue
                samples = []
                for repeat in range(repeats):
                    try:
                        samples.append(
                            TIMERS[tool](
                                task.space, points, scores, repeat, score, warm=warm
                            )
                        )
                    except Exception:
                        failures.record(tool, f"timing {dims}-D, {n_obs} obs")
                        break
                if samples:
                    times[dims, n_obs, tool] = float(np.median(samples))
                    _log(
                        f"timing {dims}-D {n_obs:5d} obs {tool:11s}: "
                        f"{times[dims, n_obs, tool] * 1e3:.1f} ms",
                        start,
                    )
    return times


# ---------------------------------------------------------------------------
# Output.


def _print_summary(regrets, times, tasks, tools, budget, timing_dims):
    print("## Summary against targets\n")
    lines = []
    if {"skhyper", "optuna-gp"} <= set(tools) and regrets is not None:
        for q, label in ((50, "median"), (75, "75th-percentile")):
            pairs = [
                (
                    _median_regret(regrets, t, "skhyper", budget, q),
                    _median_regret(regrets, t, "optuna-gp", budget, q),
                )
                for t in tasks
            ]
            if any(math.isnan(a) or math.isnan(b) for a, b in pairs):
                lines.append(
                    f"- {label} regret targets at {budget} evaluations: n/a (skhyper "
                    "or optuna-gp has no result on some task)"
                )
                continue
            # A small tolerance so that two regrets of exactly zero tie.
            not_worse = sum(a <= b + 1e-12 for a, b in pairs)
            halved = sum(a <= 0.5 * b + 1e-12 for a, b in pairs)
            worse = ", ".join(
                f"{t} {a:.4g} vs {b:.4g}"
                for t, (a, b) in zip(tasks, pairs)
                if not a <= b + 1e-12
            )
            lines.append(
                f"- at {budget} evaluations, skhyper {label} regret <= optuna-gp on "
                f"every task: {'PASS' if not_worse == len(tasks) else 'FAIL'} "
                f"({not_worse}/{len(tasks)} tasks{'; worse: ' + worse if worse else ''})"
            )
            lines.append(
                f"- at {budget} evaluations, skhyper {label} regret <= half of "
                f"optuna-gp on at least half the tasks: "
                f"{'PASS' if 2 * halved >= len(tasks) else 'FAIL'} "
                f"({halved}/{len(tasks)} tasks)"
            )
    elif regrets is not None:
        lines.append("- regret targets: n/a (need tools skhyper and optuna-gp)")
    if times is not None:
        for dims in timing_dims:
            ours = times.get((dims, 100, "skhyper"))
            theirs = times.get((dims, 100, "optuna-gp"))
            if ours is None or theirs is None:
                lines.append(
                    f"- {dims}-D: skhyper per-suggestion time at 100 obs <= 1/4 of "
                    "optuna-gp: n/a (need both timings at 100 observations)"
                )
                continue
            ok = ours <= theirs / 4
            lines.append(
                f"- {dims}-D: skhyper per-suggestion time at 100 obs <= 1/4 of "
                f"optuna-gp: {'PASS' if ok else 'FAIL'} "
                f"({ours * 1e3:.1f} ms vs {theirs * 1e3:.1f} ms, "
                f"ratio {theirs / ours:.2f}x)"
            )
    print("\n".join(lines) + "\n")


def _print_regret(trajectories, references, wall, tasks, tools, budgets, n_seeds):
    regrets = normalized_regrets(trajectories, references, tasks, tools)
    for budget in budgets:
        print(
            f"### Normalized regret after {budget} evaluations: median [75th "
            f"percentile] over {n_seeds} seed{'s' if n_seeds != 1 else ''} "
            "(lower is better)\n"
        )
        rows = [
            [t]
            + [
                f"{_fmt(_median_regret(regrets, t, tool, budget))} "
                f"[{_fmt(_median_regret(regrets, t, tool, budget, 75))}]"
                for tool in tools
            ]
            for t in tasks
        ]
        print(_table(["task"] + list(tools), rows))
        print(
            f"\nregret = (s* - best score in the first {budget} evaluations) / "
            "(s* - s_ref); "
            "s* = best possible (known optimum, or best seen in this run), "
            "s_ref = median score of a random point from the prior. "
            "0 = optimal, 1 = a typical random point.\n"
        )

    print("### Reference scores per task\n")
    rows = []
    for t in tasks:
        s_ref = references[t][0]
        s_star = _best_possible(trajectories, references, t, tools)
        source = (
            "known optimum" if TASKS[t].is_synthetic else "best seen (reference + runs)"
        )
        rows.append([t, _fmt(s_star, 6), _fmt(s_ref, 6), source])
    print(
        _table(["task", "s* (best possible)", "s_ref (median random)", "s* from"], rows)
    )
    print()

    print(f"### Mean wall time of one search of {max(budgets)} evaluations (s)\n")
    rows = [
        [t]
        + [
            _fmt(np.mean(wall[t, tool]) if wall[t, tool] else math.nan)
            for tool in tools
        ]
        for t in tasks
    ]
    print(_table(["task"] + list(tools), rows))
    print()
    return regrets


def _print_timing(times, dims_list, obs_list, large_obs, tools, repeats):
    for dims in dims_list:
        print(
            f"### Seconds per suggestion, {dims}-D {TIMING_FUNCTIONS[dims]} "
            f"(median of {repeats}; one thread)\n"
        )
        rows = [
            [str(n)] + [_fmt(times.get((dims, n, tool), math.nan)) for tool in tools]
            for n in list(obs_list) + list(large_obs)
        ]
        print(_table(["observations"] + list(tools), rows))
        print()


def _print_failures(failures):
    if not failures.first:
        return
    print("## Failures\n")
    for tool, (where, tb) in failures.first.items():
        last = tb.strip().splitlines()[-1]
        print(
            f"- {tool}: {failures.counts[tool]} failed run(s); first on {where}: {last}"
        )
    print()


# ---------------------------------------------------------------------------
# Command line.


def _int_list(text):
    return [int(v) for v in text.split(",") if v]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--seeds",
        type=int,
        default=None,
        help="number of seeds, 0..N-1 (default 20; --quick 2)",
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
        "--budgets",
        type=_int_list,
        default=None,
        help="evaluation counts at which regret is reported; the "
        "largest is each search's n_iter (default 10,20,30,60; "
        "--quick 10,20)",
    )
    parser.add_argument(
        "--target-budget",
        type=int,
        default=30,
        help="evaluations at which the summary checks the regret targets "
        "(default 30, or the largest budget if 30 is not among them)",
    )
    parser.add_argument(
        "--timing-obs",
        type=_int_list,
        default=None,
        help="observation counts for the timing (default "
        "25,50,100,200; --quick 25,50,100)",
    )
    parser.add_argument(
        "--timing-dims",
        type=_int_list,
        default=[2],
        help="dimensions of the timing functions, from 2,5,10 (default 2)",
    )
    parser.add_argument(
        "--large-obs",
        action="store_true",
        help="also time skhyper alone at 500 and 1000 observations",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="timing repeats (default 3; --quick 1)",
    )
    parser.add_argument(
        "--timing-mode",
        choices=("warm", "cold"),
        default="warm",
        help="warm: each tool has made the suggestion before, as in a running "
        "search (default); cold: a fresh optimizer told N observations",
    )
    parser.add_argument(
        "--save",
        metavar="PATH",
        help="write metric 1's runs to this JSON file after every task and tool, "
        "for --load",
    )
    parser.add_argument(
        "--load",
        metavar="PATH",
        nargs="+",
        help="print metric 1 from runs saved by --save (several files from "
        "processes run side by side are merged) instead of running searches",
    )
    parser.add_argument("--skip-regret", action="store_true", help="skip metric 1")
    parser.add_argument("--skip-timing", action="store_true", help="skip metric 2")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 2 seeds, budgets 10,20, coarse ML reference "
        "grids, timing at 25/50/100 observations with 1 repeat",
    )
    parser.add_argument(
        "--show-warnings",
        action="store_true",
        help="show Python warnings (hidden by default: skopt and "
        "Lasso warn on every duplicate point or slow convergence)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    if args.seeds is None:
        args.seeds = 2 if quick else 20
    if args.budgets is None:
        args.budgets = [10, 20] if quick else [10, 20, 30, 60]
    if args.timing_obs is None:
        args.timing_obs = [25, 50, 100] if quick else [25, 50, 100, 200]
    if args.repeats is None:
        args.repeats = 1 if quick else 3
    # Evaluations spent on each ML task's reference grid.
    args.n_grid = 36 if quick else 121
    bad_dims = sorted(set(args.timing_dims) - set(TIMING_FUNCTIONS))
    if bad_dims:
        parser.error(
            f"--timing-dims {bad_dims}: choose from {sorted(TIMING_FUNCTIONS)}"
        )
    args.budgets = sorted(set(args.budgets))
    if args.target_budget not in args.budgets:
        args.target_budget = max(args.budgets)
    return args


def main(argv=None):
    args = parse_args(argv)
    if not args.show_warnings:
        warnings.simplefilter("ignore")
    tools = [t for t in ALL_TOOLS if t in args.tools]
    if any(t.startswith("optuna") for t in tools):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        try:
            import torch

            torch.set_num_threads(1)
        except ImportError:
            pass

    start = time.perf_counter()
    seeds = list(range(args.seeds))
    print("# BayesSearchCV benchmark\n")
    print(f"- versions: {_versions(tools)}")
    if not args.load:
        print(f"- tasks: {', '.join(args.tasks)}; tools: {', '.join(tools)}")
        print(f"- seeds: {args.seeds}; budgets: {args.budgets}; one BLAS/torch thread\n")
    failures = Failures()

    regrets = None
    if args.load:
        trajectories, references, wall = load_runs(args.load)
        tasks = [t for t in TASKS if t in references]
        tools = [t for t in ALL_TOOLS if any(key[1] == t for key in trajectories)]
        n_seeds = max(len(runs) for runs in trajectories.values())
        for key in ((t, tool) for t in tasks for tool in tools):
            if key not in trajectories:
                trajectories[key] = np.full((n_seeds, max(args.budgets)), np.nan)
                wall[key] = []
        print(
            f"- loaded from {', '.join(args.load)}: tasks {', '.join(tasks)}; "
            f"tools {', '.join(tools)}; budgets {args.budgets}\n"
        )
        print("## Metric 1: search quality\n")
        regrets = _print_regret(
            trajectories, references, wall, tasks, tools, args.budgets, n_seeds
        )
        args.tasks = tasks
    elif not args.skip_regret:
        trajectories, references, wall = run_regret(
            args.tasks,
            tools,
            seeds,
            max(args.budgets),
            args.n_grid,
            failures,
            start,
            save=args.save,
        )
        print("## Metric 1: search quality\n")
        regrets = _print_regret(
            trajectories, references, wall, args.tasks, tools, args.budgets, args.seeds
        )

    times = None
    timed = [t for t in TIMED_TOOLS if t in tools]
    if not args.skip_timing and timed and not args.load:
        large = [500, 1000] if args.large_obs else []
        times = run_timing(
            args.timing_dims,
            args.timing_obs,
            large,
            timed,
            args.repeats,
            failures,
            start,
            warm=args.timing_mode == "warm",
        )
        print(f"## Metric 2: time per suggestion ({args.timing_mode})\n")
        _print_timing(
            times, args.timing_dims, args.timing_obs, large, timed, args.repeats
        )

    _print_summary(
        regrets, times, args.tasks, tools, args.target_budget, args.timing_dims
    )
    _print_failures(failures)
    print(f"Total wall time: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
