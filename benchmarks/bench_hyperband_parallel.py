"""How busy HyperbandSearchCV keeps its workers.

Two measurements, printed as markdown tables:

1. **Speed-up on 2 cores.** Searches of three kinds (an RBF SVC over
   ``n_samples`` on ``load_digits``, whose small rungs cost less than their
   dispatch, and on 4000 samples, which is fit-bound; HistGradientBoosting
   over ``max_iter``, retrained at every rung; one BLAS/
   OpenMP thread per process) runs with ``n_jobs=1`` and ``n_jobs=2`` (loky),
   in alternating order, once a seed (the tool ``loky-2``; the seed is a
   repeat, the search's ``random_state`` stays 0), after a warm-up that starts
   the loky workers (a cost paid once per process, not per search); the table gives
   the median wall times and their ratio, the fits' own seconds (fit + score
   time summed over ``cv_results_``: more with two processes at once, when
   they share the cores' caches and memory bandwidth), and checks that both
   give the same ``cv_results_``.
2. **Fits in flight with 16 workers.** An estimator that sleeps
   ``max_iter`` x ``--unit-ms`` milliseconds in ``fit`` (no CPU, so 16
   threads can overlap on 2 cores) is searched with ``n_jobs=16`` on joblib's
   threading backend. For every joblib call (a wave of brackets) the number of
   fits in flight is the fits' summed duration over the call's wall time;
   the table gives its mean over calls, and over the whole search. Beside it,
   the same numbers for the brackets run one after another, one rung per call
   (the schedule before waves), from a list-scheduling simulation of the
   same fit durations on 16 workers, and the simulation of the waves as a
   check of the measurement (the task ``sleeper``, tool ``threading-16``;
   medians over seeds, which are repeats).

Examples
--------
::

    python benchmarks/bench_hyperband_parallel.py            # ~3 minutes
    python benchmarks/bench_hyperband_parallel.py --seeds 1 --unit-ms 2
"""

import heapq
import os
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import numpy as np  # noqa: E402
from _harness import Benchmark, Setting, by, main, median  # noqa: E402
from joblib import Parallel, delayed, parallel_backend  # noqa: E402
from scipy.stats import loguniform, randint  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.datasets import load_digits, make_classification  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from skhyper import HyperbandSearchCV, Real, hyperband_schedule  # noqa: E402

N_SPLITS = 3


def _svc_search(C, gamma, min_resources):
    """An RBF SVC over ``n_samples`` with log-uniform ``C`` and ``gamma``."""
    return dict(
        estimator=SVC(),
        search_spaces={"C": loguniform(*C), "gamma": loguniform(*gamma)},
        resource="n_samples",
        min_resources=min_resources,
    )


def _svc():
    X, y = load_digits(return_X_y=True)
    search = _svc_search((1e-1, 1e3), (1e-5, 1e-2), min_resources=14)
    return "SVC(rbf), digits, n_samples 14..1198", search, X, y


def _svc_large():
    X, y = make_classification(
        n_samples=4000, n_features=20, n_informative=10, flip_y=0.05, random_state=0
    )
    X = StandardScaler().fit_transform(X)
    search = _svc_search((1e-1, 1e3), (1e-4, 1.0), min_resources=32)
    return "SVC(rbf), 4000 x 20, n_samples 32..2666", search, X, y


def _hgb():
    X, y = make_classification(
        n_samples=2000, n_features=10, n_informative=6, flip_y=0.05, random_state=0
    )
    search = dict(
        estimator=HistGradientBoostingClassifier(early_stopping=False, random_state=0),
        search_spaces={
            "learning_rate": loguniform(1e-2, 1.0),
            "max_leaf_nodes": randint(4, 65),
        },
        resource="max_iter",
        max_resources=81,
        continue_training=False,  # retrain every rung: fit-bound
    )
    return "HistGradientBoosting, max_iter 1..81, retrained", search, X, y


def _same(a, b):
    for key in a:
        if key.endswith("_time"):
            continue
        if key == "params":
            if a[key] != b[key]:
                return False
        elif not np.array_equal(np.asarray(a[key]), np.asarray(b[key])):
            return False
    return True


SPEED_TASKS = {"svc": _svc, "svc-4000": _svc_large, "hgb-retrained": _hgb}


def speed_up(name, seed):
    """Wall and fits' own seconds of one search with n_jobs=1 and with 2."""
    title, kwargs, X, y = SPEED_TASKS[name]()
    out, results = {"title": title}, {}
    for n_jobs in ((1, 2) if seed % 2 == 0 else (2, 1)):
        search = HyperbandSearchCV(
            **kwargs, cv=N_SPLITS, n_jobs=n_jobs, random_state=0, refit=False
        )
        start = time.perf_counter()
        search.fit(X, y)
        out[f"wall_{n_jobs}"] = time.perf_counter() - start
        res = results[n_jobs] = search.cv_results_
        out[f"busy_{n_jobs}"] = N_SPLITS * float(
            np.sum(res["mean_fit_time"] + res["mean_score_time"])
        )
    out["same"] = _same(results[1], results[2])
    return out


def _print_speed_up(records):
    print("## Wall-time speed-up, n_jobs=2 against n_jobs=1 (loky, 2 cores)\n")
    print(
        "| search | n_jobs=1 s | n_jobs=2 s | speed-up | fits' own s, n_jobs=1 / 2 "
        "| same cv_results_ |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for name, rs in by(records, "task").items():
        one = median([r["wall_1"] for r in rs])
        two = median([r["wall_2"] for r in rs])
        busy_1 = median([r["busy_1"] for r in rs])
        busy_2 = median([r["busy_2"] for r in rs])
        same = all(r["same"] for r in rs)
        print(
            f"| {rs[0]['title']} | {one:.1f} | {two:.1f} | {one / two:.2f}x | "
            f"{busy_1:.1f} / {busy_2:.1f} | {'yes' if same else 'NO'} |"
        )
    print()


class Sleeper(ClassifierMixin, BaseEstimator):
    """Sleeps ``max_iter`` x ``unit`` seconds in fit; records when."""

    log = []

    def __init__(self, c=0.0, max_iter=81, unit=0.001):
        self.c = c
        self.max_iter = max_iter
        self.unit = unit

    def fit(self, X, y):
        start = time.perf_counter()
        time.sleep(self.max_iter * self.unit)
        Sleeper.log.append((self.c, self.max_iter, start, time.perf_counter()))
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        return -((self.c - 0.3) ** 2)


def _simulate(batches, n_workers):
    """Greedy list scheduling of each batch's durations on ``n_workers``, a
    batch starting when the one before has finished (joblib's order)."""
    in_flight, total, wall = [], 0.0, 0.0
    for durations in batches:
        free = [0.0] * min(n_workers, len(durations))
        heapq.heapify(free)
        end = 0.0
        for d in durations:
            t = heapq.heappop(free) + d
            end = max(end, t)
            heapq.heappush(free, t)
        in_flight.append(sum(durations) / end)
        total += sum(durations)
        wall += end
    return np.mean(in_flight), total / wall, wall


def fits_in_flight(unit_ms, n_workers=16, max_resources=81, iterations=1):
    X, y = make_classification(n_samples=60, random_state=0)
    unit = unit_ms / 1000
    Sleeper.log = []
    search = HyperbandSearchCV(
        Sleeper(unit=unit), {"c": Real(0, 1)}, resource="max_iter",
        max_resources=max_resources, cv=N_SPLITS, n_jobs=n_workers,
        hyperband_iterations=iterations, random_state=0, refit=False,
    )
    with parallel_backend("threading", n_jobs=n_workers):
        start = time.perf_counter()
        search.fit(X, y)
        wall = time.perf_counter() - start
    res = search.cv_results_
    n_b = len(search.metadata_["brackets"])
    wave = (
        res["hyperband_iteration"] * n_b + (n_b - 1 - res["bracket"]) + res["iter"]
    )
    row_wave = {
        (p["c"], r): w for p, r, w in zip(res["params"], res["n_resources"], wave)
    }
    calls = {}
    for c, r, t0, t1 in Sleeper.log:
        calls.setdefault(row_wave[c, r], []).append((t0, t1))
    measured = [
        sum(t1 - t0 for t0, t1 in fits)
        / (max(t1 for _, t1 in fits) - min(t0 for t0, _ in fits))
        for fits in calls.values()
    ]
    busy = sum(t1 - t0 for _, _, t0, t1 in Sleeper.log)
    # the same durations, scheduled as waves and as rungs one after another
    schedule = hyperband_schedule(max_resources)
    sequential = [
        [r * unit] * (n * N_SPLITS)
        for _ in range(iterations) for bracket in schedule for n, r in bracket
    ]
    waves = []
    for _ in range(iterations):
        for w in range(n_b):
            waves.append([
                bracket[w - k][1] * unit
                for k, bracket in enumerate(schedule) if 0 <= w - k < len(bracket)
                for _ in range(bracket[w - k][0] * N_SPLITS)
            ])
    sim_seq, sim_seq_all, seq_wall = _simulate(sequential, n_workers)
    sim_wave, sim_wave_all, wave_wall = _simulate(waves, n_workers)
    return {
        "waves": [len(calls), float(np.mean(measured)), busy / wall, wall],
        "waves_simulated": [len(waves), sim_wave, sim_wave_all, wave_wall],
        "rungs_simulated": [len(sequential), sim_seq, sim_seq_all, seq_wall],
    }


def _print_fits_in_flight(records, unit_ms, n_workers=16, max_resources=81,
                          iterations=1):
    print(
        f"## Fits in flight, n_jobs={n_workers} (threading backend, a sleeping "
        f"estimator: {unit_ms:g} ms per unit of max_iter, R={max_resources}, "
        f"{iterations} iteration(s), {N_SPLITS} folds; median of "
        f"{len(records)})\n"
    )
    print(
        "| schedule | joblib calls | mean fits in flight per call | over the search "
        "| wall s |"
    )
    print("|---|---:|---:|---:|---:|")
    for key, label in (
        ("waves", "waves, measured"),
        ("waves_simulated", "waves, simulated"),
        ("rungs_simulated", "rungs one after another, simulated"),
    ):
        calls, per_call, overall, wall = (
            median([r[key][i] for r in records]) for i in range(4)
        )
        print(
            f"| {label} | {calls:.0f} | {per_call:.1f} | {overall:.1f} | {wall:.2f} |"
        )
    print()


def run(task, tool, seed, settings):
    if task == "sleeper":
        return fits_in_flight(settings["unit_ms"]) if tool == "threading-16" else None
    return speed_up(task, seed) if tool == "loky-2" else None


def report(records, settings):
    records = [r for r in records if "error" not in r]
    sleeper = [r for r in records if r["task"] == "sleeper"]
    if sleeper:
        _print_fits_in_flight(sleeper, settings["unit_ms"])
    speed = [r for r in records if r["task"] != "sleeper"]
    if speed:
        _print_speed_up(speed)


def _start_workers(tools):
    if "loky-2" in tools:
        Parallel(n_jobs=2)(delayed(abs)(i) for i in range(4))  # a cost paid once


BENCHMARK = Benchmark(
    title="HyperbandSearchCV on many workers",
    tasks={"sleeper": None, **SPEED_TASKS},
    tools={"threading-16": None, "loky-2": None},
    run=run,
    report=report,
    settings={
        "unit_ms": Setting(
            3.0, 1.0,
            "the sleeping estimator's milliseconds per unit of max_iter", float,
        ),
    },
    seeds=3,
    # the speed-up needs both cores idle and ~20 s: not a smoke test
    smoke_tasks=["sleeper"],
    setup=_start_workers,
)

if __name__ == "__main__":
    main(BENCHMARK)
