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

**Metric 2, cost of one suggestion** (the tasks ``time-<d>d-<N>``). Each
tool is given N observations of a 2-D, 5-D or 10-D test function at random
points and its clock runs from
telling the N-th observation to having its next suggestion, so the time
covers the surrogate refit whether a tool does it in ``tell`` (skopt) or in
``ask`` (Optuna). Each repeat builds a fresh optimizer. With
``--timing-mode warm`` (the default) the clock is the mean over the 10
suggestions that follow the N observations, each evaluated and told, as in a
running search (time in ask and tell, not in the objective); what a tool
carries over between suggestions counts (skhyper: the GP hyperparameters as
a warm start, re-optimized when the data grew by 5% once n >= 64; the first
of the 10 suggestions fits them afresh). ``cold`` times only the first
suggestion of the fresh optimizer. A seed is a repeat; the tables show the
median over seeds. Only skhyper is timed at 500, 1000 and 10,000
observations (its model is local beyond 500). skopt uses
``skopt.Optimizer.tell/ask``; Optuna a study filled by ``add_trials`` then
timed over ``add_trial`` + ``ask`` + ``suggest_float``; skhyper
``BayesOptimizer.tell/ask``. BLAS, OpenMP and torch are held to one thread.

Every tool runs with its defaults apart from the seed, ``n_jobs=1`` and
``refit=False``: skopt and both Optuna samplers start from 10 random points,
skhyper from a Sobol design of max(5, d + 1) points. For one seed, ``random``
and the two Optuna samplers draw the same first 10 points (the same numpy
stream in the same order), so their 10-evaluation columns coincide: common
random numbers, not a bug.

Every tool runs through the benchmark harness (``benchmarks/_harness.py``):
``--out runs.jsonl`` keeps the runs, ``--table`` prints from saved runs,
``--shard i/n`` splits them across processes, ``--smoke`` is a seconds-long
run. The commands that printed the README's tables are beside them there.

Examples
--------
Smoke run of the competitor tools (a few minutes)::

    python benchmarks/bench_bayes.py --seeds 2 --budgets 10,20 --n-grid 36 \\
        --tools random,skopt,optuna-tpe,optuna-gp

Full run (all tools, 20 seeds, budgets 10/20/30/60, the 2-D timing)::

    python benchmarks/bench_bayes.py

The 6-10-D tasks against Optuna in two processes, then one report::

    T=random,optuna-tpe,optuna-gp,skhyper
    python benchmarks/bench_bayes.py --tools $T --out hd.jsonl \\
        --tasks hartmann6,levy8,styblinski-tang8,rosenbrock6,ackley10
    python benchmarks/bench_bayes.py --tools $T --out ml.jsonl \\
        --tasks hgb-breast-cancer,svc-pipeline-digits
    python benchmarks/bench_bayes.py --table hd.jsonl ml.jsonl
"""

import functools
import math
import os
import time

# Before numpy (or scipy, sklearn, torch) loads: one BLAS/OpenMP thread, so
# timings compare algorithms, not thread pools, and the run shares cores fairly.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
from _harness import (  # noqa: E402
    Benchmark,
    Setting,
    Tool,
    by,
    fmt,
    int_list,
    main,
    table,
    tools_in,
)
from _tasks import (  # noqa: E402
    TASKS,
    as_params,
    grid_points,
    random_params,
    random_points,
)
from sklearn.model_selection import RandomizedSearchCV  # noqa: E402

ALL_TOOLS = ("random", "skopt", "optuna-tpe", "optuna-gp", "skhyper")
TIMED_TOOLS = ("skopt", "optuna-tpe", "optuna-gp", "skhyper")
# Test functions whose random observations feed the timing, by dimension.
TIMING_FUNCTIONS = {2: "branin", 5: "ackley5", 10: "ackley10"}
TIMING_OBS = (25, 50, 100, 200)
LARGE_OBS = (500, 1000, 10_000)  # skhyper alone
TIMING_TASKS = {
    f"time-{dims}d-{n}": (dims, n)
    for dims in TIMING_FUNCTIONS
    for n in TIMING_OBS + LARGE_OBS
}
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
# Metric 1.


@functools.lru_cache(maxsize=None)
def _data(task_name):
    return TASKS[task_name].load_data()


@functools.lru_cache(maxsize=None)
def _reference(task_name, n_grid):
    """Median prior score ``s_ref`` and the best point seen while computing it."""
    task = TASKS[task_name]
    X, y = _data(task_name)
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


def _search(task_name, tool, seed, settings):
    """One search: its scores in evaluation order, its references, its time."""
    s_ref, s_best = _reference(task_name, settings["n_grid"])
    X, y = _data(task_name)
    n_evals = max(settings["budgets"])
    start = time.perf_counter()
    scores = list(SEARCHES[tool](TASKS[task_name], X, y, n_evals, seed))
    return {
        "scores": scores,
        "search_seconds": time.perf_counter() - start,
        "s_ref": s_ref,
        "s_best": s_best,
    }


def _trajectory(run, n_evals):
    """Best score so far after each evaluation; NaN where a run fell short."""
    out = np.full(n_evals, np.nan)
    if "scores" in run:
        scores = np.array([np.nan if v is None else v for v in run["scores"]], float)
        scores = scores[:n_evals]
        # fmax ignores NaN (failed fits) once a finite score exists.
        out[: len(scores)] = np.fmax.accumulate(scores)
    return out


def normalized_regrets(runs, n_evals):
    """Normalized regret per (task, tool), shape (n_seeds, n_evals); and per
    task ``(s*, s_ref)``."""
    regrets, references = {}, {}
    for task_name, task_runs in by(runs, "task").items():
        ok = [r for r in task_runs if "s_ref" in r]
        if not ok:
            continue
        s_ref = ok[0]["s_ref"]
        traj = {r["tool"]: [] for r in task_runs}
        for r in task_runs:
            traj[r["tool"]].append(_trajectory(r, n_evals))
        found = [np.array(t) for t in traj.values()]
        # s*: the known optimum or reference best, or the best any run found.
        s_star = max(
            [ok[0]["s_best"]] + [np.nanmax(f) for f in found if np.isfinite(f).any()]
        )
        references[task_name] = s_star, s_ref
        for tool, rows in traj.items():
            regrets[task_name, tool] = (s_star - np.array(rows)) / (s_star - s_ref)
    return regrets, references


def _regret_at(regrets, task, tool, budget, q=50):
    """The ``q``-th percentile over seeds (the median by default)."""
    if (task, tool) not in regrets:
        return math.nan
    column = regrets[task, tool][:, budget - 1]
    if not np.isfinite(column).any():
        return math.nan
    return float(np.nanpercentile(column, q))


def _print_regret(runs, budgets):
    regrets, references = normalized_regrets(runs, max(budgets))
    tasks = [t for t in TASKS if t in references]
    tools = tools_in((key[1] for key in regrets), ALL_TOOLS)
    n_seeds = max(len(v) for v in regrets.values())
    print("## Metric 1: search quality\n")
    for budget in budgets:
        print(
            f"### Normalized regret after {budget} evaluations: median [75th "
            f"percentile] over {n_seeds} seed{'s' if n_seeds != 1 else ''} "
            "(lower is better)\n"
        )
        rows = [
            [t]
            + [
                f"{fmt(_regret_at(regrets, t, tool, budget))} "
                f"[{fmt(_regret_at(regrets, t, tool, budget, 75))}]"
                for tool in tools
            ]
            for t in tasks
        ]
        print(table(["task"] + list(tools), rows))
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
        s_star, s_ref = references[t]
        source = (
            "known optimum" if TASKS[t].is_synthetic else "best seen (reference + runs)"
        )
        rows.append([t, fmt(s_star, 6), fmt(s_ref, 6), source])
    print(
        table(["task", "s* (best possible)", "s_ref (median random)", "s* from"], rows)
    )
    print()

    wall = by(runs, "task", "tool")
    print(f"### Mean wall time of one search of {max(budgets)} evaluations (s)\n")
    rows = []
    for t in tasks:
        cells = []
        for tool in tools:
            times = [r["search_seconds"] for r in wall.get((t, tool), [])
                     if "search_seconds" in r]
            cells.append(fmt(np.mean(times) if times else math.nan))
        rows.append([t] + cells)
    print(table(["task"] + list(tools), rows))
    print()


# ---------------------------------------------------------------------------
# Metric 2.


def _time(task_name, tool, seed, settings):
    """Seconds per suggestion after N random observations (seed = repeat)."""
    dims, n_obs = TIMING_TASKS[task_name]
    task = TASKS[TIMING_FUNCTIONS[dims]]
    rng = np.random.default_rng(n_obs)
    points = random_points(task.space, n_obs, rng)
    scores = -task.test_function.func(points)

    def score(point, func=task.test_function.func):
        return -float(func(np.asarray(point, dtype=float)[None, :])[0])

    warm = settings["timing_mode"] == "warm"
    seconds = TIMERS[tool](task.space, points, scores, seed, score, warm=warm)
    return {"seconds_per_suggestion": seconds}


def _print_timing(runs, settings):
    groups = by(runs, "task", "tool")
    tools = tools_in((key[1] for key in groups), TIMED_TOOLS)
    print(f"## Metric 2: time per suggestion ({settings['timing_mode']})\n")
    for dims, function in TIMING_FUNCTIONS.items():
        tasks = [t for t, (d, _) in TIMING_TASKS.items()
                 if d == dims and any(key[0] == t for key in groups)]
        if not tasks:
            continue
        n_seeds = max(len(groups[key]) for key in groups if key[0] in tasks)
        print(
            f"### Seconds per suggestion, {dims}-D {function} "
            f"(median of {n_seeds}; one thread)\n"
        )
        # Each anchor's time over skhyper's (the targets are ratios).
        ratios = [t for t in tools if t != "skhyper"] if "skhyper" in tools else []
        rows = []
        for t in tasks:
            medians = {}
            for tool in tools:
                times = [r["seconds_per_suggestion"] for r in groups.get((t, tool), [])
                         if "seconds_per_suggestion" in r]
                medians[tool] = float(np.median(times)) if times else math.nan
            rows.append([str(TIMING_TASKS[t][1])] + [fmt(medians[tool]) for tool in tools]
                        + [fmt(medians[tool] / medians["skhyper"], 2) for tool in ratios])
        print(table(["observations"] + list(tools) + [f"{t} / skhyper" for t in ratios], rows))
        print()


# ---------------------------------------------------------------------------
# The benchmark.


def run(task, tool, seed, settings):
    if task in TIMING_TASKS:
        large = TIMING_TASKS[task][1] in LARGE_OBS
        if tool not in TIMERS or (large and tool != "skhyper"):
            return None  # not timed: random search has no suggestion to time
        return _time(task, tool, seed, settings)
    return _search(task, tool, seed, settings)


def report(runs, settings):
    budgets = sorted(set(settings["budgets"]))
    if any(r["task"] in TASKS for r in runs):
        _print_regret([r for r in runs if r["task"] in TASKS], budgets)
    if any(r["task"] in TIMING_TASKS for r in runs):
        _print_timing([r for r in runs if r["task"] in TIMING_TASKS], settings)


def setup(tools):
    if any(t.startswith("optuna") for t in tools):
        import optuna

        optuna.logging.set_verbosity(optuna.logging.WARNING)
        try:
            import torch

            torch.set_num_threads(1)
        except ImportError:
            pass


_OPTUNA = ("optuna", "optuna_integration")
BENCHMARK = Benchmark(
    title="BayesSearchCV benchmark",
    tasks={**TASKS, **TIMING_TASKS},
    tools={
        "random": Tool(),
        "skopt": Tool(requires=("skopt",)),
        "optuna-tpe": Tool(requires=_OPTUNA),
        "optuna-gp": Tool(requires=_OPTUNA + ("torch",)),
        "skhyper": Tool(),
    },
    run=run,
    report=report,
    settings={
        "budgets": Setting(
            [10, 20, 30, 60], [10],
            "evaluation counts at which regret is reported; the largest is each "
            "search's n_iter", int_list,
        ),
        "n_grid": Setting(121, 36, "evaluations of an ML task's reference grid", int),
        "timing_mode": Setting(
            "warm", "warm",
            "warm: each tool has made the suggestion before, as in a running search; "
            "cold: a fresh optimizer told N observations",
        ),
    },
    seeds=20,
    default_tasks=list(TASKS) + [f"time-2d-{n}" for n in TIMING_OBS],
    smoke_tasks=["branin", "ridge-diabetes", "time-2d-25"],
    setup=setup,
    versions=(
        "sklearn", "numpy", "scipy", "skopt", "optuna", "optuna_integration", "torch",
        "skhyper",
    ),
)

if __name__ == "__main__":
    main(BENCHMARK)
