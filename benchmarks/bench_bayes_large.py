"""BayesOptimizer at large budgets: what its shortcuts cost and save.

Two shortcuts keep a suggestion cheap however many observations there are
(``skhyper/surrogate/_propose.py`` says why):

- with more than ``MAX_EXACT`` observations (500; ``--max-exact`` sets it for
  the ``skhyper`` tool) the Gaussian process is a local model, fitted to the
  observations nearest the best one, not to all; with more than ``MAX_FIT``
  (200) its hyperparameters are optimized on that many of them;
- from ``_ALWAYS_REFIT_BELOW`` observations on (64) its hyperparameters are
  re-optimized only once the data have grown by 5 %, not at every ask.

This benchmark runs the optimizer past both on test functions with many
local optima or a narrow valley: as it is (``skhyper``), with every
observation in the model and in the hyperparameter fit (``exact``) and with the hyperparameters refitted
at every ask up to 200 observations (``refit-200``, as before issue 27), side
by side in one process, and prints

- the simple regret ``f(best found) - f(optimum)`` after 100, 200, 500, 750
  and ``--budget`` evaluations (those below the budget; median and quartiles
  over seeds; lower is better), and for each variant against ``skhyper``
  after ``--budget`` evaluations the seeds where it ended better / worse,
  the paired Wilcoxon signed-rank p-value and the unpaired Mann-Whitney one
  (once two runs of a seed diverge, the seed pairs nothing);
- the seconds one suggestion takes (``ask`` and ``tell``) averaged over the
  last ``--window`` asks of the run, one thread.

``random`` (uniform draws) sets the floor. The variants agree exactly with
``skhyper`` until their shortcut starts. ``another-stream`` is the null
variant: skhyper on another random stream (its ``random_state`` offset), the
yardstick for any change of results: what it differs from ``skhyper`` by,
chance alone gives. ``--batch 8`` asks a batch at a time, as a search with 8
workers does.

    python benchmarks/bench_bayes_large.py --seeds 10 --tools random,skhyper,exact --out large.jsonl
    python benchmarks/bench_bayes_large.py --seeds 10 --budget 200 --tools skhyper,refit-200 --out refit.jsonl
    python benchmarks/bench_bayes_large.py --seeds 100 --budget 200 --tasks ackley10 --tools skhyper,another-stream --out null.jsonl
    python benchmarks/bench_bayes_large.py --table large.jsonl
"""

import math
import time

import numpy as np
from _harness import (
    Benchmark,
    Setting,
    Tool,
    fmt,
    fmt_iqr,
    main,
    one_thread,
    paired_p,
    table,
    tools_in,
    unpaired_p,
)
from _hooks import MAX_EXACT, surrogate_settings
from _tasks import TEST_FUNCTIONS, as_params

TASKS = {name: TEST_FUNCTIONS[name]
         for name in ("hartmann6", "rosenbrock6", "levy8", "styblinski-tang8", "ackley10")}
CHECKPOINTS = (100, 200, 500, 750)


def _space(function):
    from skhyper import Real

    return {f"x{i}": Real(low, high) for i, (low, high) in enumerate(function.bounds)}


def _run_skhyper(function, seed, settings, variant, stream=0):
    from skhyper import BayesOptimizer

    optimizer = BayesOptimizer(_space(function), random_state=seed + stream)
    values, seconds = [], []
    with surrogate_settings(**variant):
        while len(values) < settings["budget"]:
            start = time.perf_counter()
            asked = optimizer.ask(settings["batch"])
            elapsed = time.perf_counter() - start
            points = np.array([[p[f"x{i}"] for i in range(function.n_dims)] for p in asked])
            batch = function.func(points)
            start = time.perf_counter()
            optimizer.tell(asked, [-float(v) for v in batch])
            elapsed += time.perf_counter() - start
            seconds.extend([elapsed / len(asked)] * len(asked))
            values.extend(float(v) for v in batch)
    return values, seconds


def run(task, tool, seed, settings):
    function = TASKS[task]
    if tool == "random":
        rng = np.random.default_rng(seed)
        low, high = np.array(function.bounds).T
        points = low + (high - low) * rng.uniform(size=(settings["budget"], len(low)))
        values, seconds = function.func(points).tolist(), []
    else:
        variant = {"max_exact": settings["max_exact"], **VARIANTS[tool]}
        values, seconds = _run_skhyper(function, seed, settings, variant, STREAMS.get(tool, 0))
    window = seconds[-settings["window"]:]
    return {
        "regret": (np.minimum.accumulate(values) - function.minimum).tolist(),
        "ask_seconds_last": float(np.mean(window)) if window else None,
        "ask_seconds_mean": float(np.mean(seconds)) if seconds else None,
    }


def _regret_at(run, budget):
    regret = run["regret"]
    return regret[min(budget, len(regret)) - 1]


def report(runs, settings):
    budget = settings["budget"]
    checkpoints = [b for b in CHECKPOINTS if b < budget] + [budget]
    tools = tools_in((r["tool"] for r in runs), TOOLS)
    tasks = [t for t in TASKS if any(r["task"] == t for r in runs)]
    runs = {(r["task"], r["tool"], r["seed"]): r for r in runs}
    print(f"## Simple regret after b evaluations: median [q1, q3] over seeds "
          f"(batch {settings['batch']})\n")
    rows = []
    for task in tasks:
        for b in checkpoints:
            cells = []
            for tool in tools:
                got = [_regret_at(r, b) for k, r in runs.items() if k[:2] == (task, tool)]
                cells.append(fmt_iqr(got) if got else "—")
            rows.append([task, b, *cells])
    print(table(["task", "b", *tools], rows))
    print()
    for tool in tools:
        if tool in VARIANTS and tool != "skhyper" and "skhyper" in tools:
            _print_paired(runs, tasks, budget, tool)
    print(f"## Seconds per suggestion over the last {settings['window']} asks "
          f"(median [q1, q3] over seeds; one thread)\n")
    rows = []
    for task in tasks:
        cells = []
        for tool in tools:
            got = [r["ask_seconds_last"] for k, r in runs.items()
                   if k[:2] == (task, tool) and r["ask_seconds_last"] is not None]
            cells.append(fmt_iqr(got) if got else "—")
        rows.append([task, *cells])
    print(table(["task", *tools], rows))
    print()


def _print_paired(runs, tasks, budget, variant):
    print(f"## skhyper against {variant} after {budget} evaluations, over seeds\n")
    rows = []
    for task in tasks:
        pairs = [(_regret_at(runs[task, "skhyper", s], budget),
                  _regret_at(runs[task, variant, s], budget))
                 for (t, tool, s) in runs if t == task and tool == "skhyper"
                 and (task, variant, s) in runs]
        if not pairs:
            continue
        ours, theirs = np.array(pairs).T
        rows.append([task, len(pairs), int(np.sum(ours < theirs)), int(np.sum(ours > theirs)),
                     fmt(float(np.median(ours - theirs))), fmt(paired_p(ours, theirs), 2),
                     fmt(unpaired_p(ours, theirs), 2)])
    print(table(["task", "seeds", "skhyper better", "skhyper worse",
                 f"median (skhyper - {variant})", "Wilcoxon p (paired)",
                 "Mann-Whitney p (unpaired)"], rows))
    print()


# The surrogate's settings each variant of skhyper changes.
VARIANTS = {
    "skhyper": {},
    "exact": {"max_exact": math.inf, "max_fit": math.inf},
    "refit-200": {"always_refit_below": 200},
    "another-stream": {},
}
# A null variant: skhyper itself, its random_state offset by this much. What
# it differs from skhyper by is what another stream of random bits alone
# does, the yardstick of a change of results (benchmarks/README, issue 27).
STREAMS = {"another-stream": 1_000_000}
# run() tells the tools apart by name; they need nothing beyond skhyper.
TOOLS = {name: Tool() for name in ("random", *VARIANTS)}

BENCHMARK = Benchmark(
    title="BayesOptimizer at large budgets: the local model and the refit schedule",
    tasks=TASKS,
    tools=TOOLS,
    run=run,
    report=report,
    settings={
        "budget": Setting(1000, 20, "evaluations per run", int),
        "batch": Setting(1, 4, "settings asked at a time", int),
        "window": Setting(100, 4, "the last asks whose time is reported", int),
        "max_exact": Setting(MAX_EXACT, 12, "the local model's size (the library's by "
                             "default)", int),
    },
    seeds=10,
    smoke_tasks=["hartmann6"],
    setup=one_thread,
)

if __name__ == "__main__":
    main(BENCHMARK)
