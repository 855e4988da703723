"""The searches on a dask.distributed cluster, against loky on the same cores.

Three measurements, printed as markdown tables:

1. **Speed-up on 2 cores.** Two fit-bound BayesSearchCVs (``n_points=4``, so
   that a batch has 12 fits for the 2 workers): an RBF SVC on 4000 samples,
   whose fits contend for memory bandwidth, and gradient boosting on 2000,
   whose fits are compute-bound; a fit-bound PBTSearchCV (an MLP, population
   8) and a dispatch-bound one
   (SGD, whose steps take milliseconds) run with ``n_jobs=1``, ``n_jobs=2``
   (loky) and under ``joblib.parallel_backend("dask")`` on a 2-worker
   ``LocalCluster`` (one thread per worker process), one after another for
   each seed (a repeat), after a warm-up; median wall seconds and the
   speed-up over ``n_jobs=1``, and whether all three give the same
   ``cv_results_``. A second table sums the fit tasks' own seconds in the
   same runs: how much slower one fit runs when two run at once bounds the
   speed-up (``2 / slowdown``) whatever the search does.
2. **Per-task overhead.** A BayesSearchCV of an estimator whose ``fit`` does
   nothing, ``n_points=8`` (24 tasks a batch): wall seconds per fit task
   under each backend, less the ``n_jobs=1`` run's (the search's own work).
3. **Peak memory of the parent**, measured in a fresh process per backend
   (``ru_maxrss``): for a PBT population of 64 members x 3 fold-models (an
   MLP whose weights are about 0.4 MB), with the size of one member's
   fold-models for scale; and for a PBT of 4 SGD members on 5 folds of a
   40 MB X, with its wall seconds (median over seeds), loky's also
   with the folds sent as joblib sends any array (each task dumps and
   hashes its fold again), as the engine did before it shared them.

Tasks: the four searches of 1 (``bayes-svc``, ``bayes-gbm``, ``pbt-mlp``,
``pbt-sgd``), ``overhead``, ``memory-models`` and ``memory-data``; tools: the
backends (``n_jobs=1``, ``loky-2``, ``dask-2``, and ``loky-2-unshared`` on
``memory-data``); a seed is a repeat.

Examples
--------
::

    python benchmarks/bench_dask.py --seeds 3     # ~5 minutes on 2 cores
    python benchmarks/bench_dask.py --seeds 1
"""

import atexit
import hashlib
import json
import logging
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from _harness import Benchmark, Tool, by, main, median  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

from skhyper import BayesSearchCV, Integer, PBTSearchCV, Real  # noqa: E402


class NoOpClassifier(ClassifierMixin, BaseEstimator):
    """Fits nothing: what is left of a fit task is the backend's overhead."""

    def __init__(self, c=0.0):
        self.c = c

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def _bayes_svc():
    return BayesSearchCV(
        SVC(), {"C": Real(1e-1, 1e2, prior="log-uniform"),
                "gamma": Real(1e-4, 1e-2, prior="log-uniform")},
        n_iter=12, n_points=4, n_initial_points=4, cv=3, random_state=0,
    )


def _bayes_gbm():
    return BayesSearchCV(
        GradientBoostingClassifier(n_estimators=40, random_state=0),
        {"learning_rate": Real(1e-2, 1.0, prior="log-uniform"), "max_depth": Integer(2, 4)},
        n_iter=12, n_points=4, n_initial_points=4, cv=3, random_state=0,
    )


def _pbt_mlp():
    return PBTSearchCV(
        MLPClassifier(hidden_layer_sizes=(200,), random_state=0),
        {"alpha": Real(1e-5, 1e-1, prior="log-uniform")},
        population_size=8, n_steps=6, interval=2, cv=3, random_state=0,
    )


def _pbt_sgd():
    return PBTSearchCV(
        SGDClassifier(random_state=0), {"alpha": Real(1e-5, 1e-1, prior="log-uniform")},
        population_size=8, n_steps=12, interval=3, cv=3, random_state=0,
    )


def _digest(results):
    """A hash of ``cv_results_`` without its times: equal for equal results."""
    h = hashlib.sha256()
    for key in sorted(results):
        if "time" in key:
            continue
        value = np.asarray(results[key])
        h.update(key.encode())
        numeric = value.dtype.kind in "fcib"
        h.update(value.tobytes() if numeric else repr(list(value)).encode())
    return h.hexdigest()[:16]


def _run(make, X, y, mode):
    search = make()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        if mode == "dask":
            with joblib.parallel_backend("dask"):
                search.fit(X, y)
        else:
            search.set_params(n_jobs=mode).fit(X, y)
    return time.perf_counter() - start, search


SPEEDUP = {
    "bayes-svc": (
        "bayes, SVC on 4000 samples (fit-bound, memory-bound)", _bayes_svc, 4000
    ),
    "bayes-gbm": ("bayes, gradient boosting on 2000 samples (fit-bound, compute-bound)",
                  _bayes_gbm, 2000),
    "pbt-mlp": ("pbt, MLP population 8 (fit-bound)", _pbt_mlp, 4000),
    "pbt-sgd": ("pbt, SGD population 8 (dispatch-bound)", _pbt_sgd, 4000),
}
MODES = {"n_jobs=1": 1, "loky-2": 2, "dask-2": "dask"}
_WARM = set()


def speedup(task, tool):
    """One search of ``task`` on one backend (after a warm-up per process)."""
    X, y = make_classification(n_samples=4000, n_features=20, random_state=0)
    _, make, n = SPEEDUP[task]
    if task not in _WARM:
        _run(make, X[:500], y[:500], 2)  # warm-up of the loky workers
        if _CLUSTER:
            _run(make, X[:500], y[:500], "dask")
        _WARM.add(task)
    seconds, search = _run(make, X[:n], y[:n], MODES[tool])
    return {"wall": seconds, "fit_seconds": _task_seconds(search),
            "results": _digest(search.cv_results_)}


def _print_speedup(records):
    groups = by(records, "task", "tool")
    rows = []
    for task, (name, _, _) in SPEEDUP.items():
        if not any(key[0] == task for key in groups):
            continue
        m = {MODES[t]: median([r["wall"] for r in groups.get((task, t), [])])
             for t in MODES}
        f = {MODES[t]: median([r["fit_seconds"] for r in groups.get((task, t), [])])
             for t in MODES}
        digests = {r["results"] for t in MODES for r in groups.get((task, t), [])}
        rows.append((name, m, f, len(digests) == 1))
    print("| search | n_jobs=1 | n_jobs=2 (loky) | dask, 2 workers | speed-up loky | "
          "speed-up dask | same cv_results_ |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, m, _, same in rows:
        print(f"| {name} | {m[1]:.2f} s | {m[2]:.2f} s | {m['dask']:.2f} s | "
              f"{m[1] / m[2]:.2f}x | {m[1] / m['dask']:.2f}x | {same} |")
    # Two fits at once on two cores each run slower than one alone (shared
    # caches and memory bandwidth, a shared machine): the sum of the fit
    # tasks' own seconds, measured in the same runs, says how much of the
    # missing speed-up is that and how much is the search's waiting.
    print()
    print("| search | fit+score s, n_jobs=1 | n_jobs=2 (loky) | dask | slowdown of a fit, "
          "loky | dask | best speed-up it allows, loky | dask |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, m, f, _ in rows:
        slow = {mode: f[mode] / f[1] for mode in (2, "dask")}
        print(f"| {name} | {f[1]:.2f} | {f[2]:.2f} | {f['dask']:.2f} | {slow[2]:.2f}x | "
              f"{slow['dask']:.2f}x | {2 / slow[2]:.2f}x | {2 / slow['dask']:.2f}x |")


def _task_seconds(search):
    """The seconds every fit task of ``search`` spent fitting and scoring."""
    r = search.cv_results_
    return float(np.sum([
        np.sum(r[f"mean_{what}_time"]) * search.n_splits_ for what in ("fit", "score")
    ]))


N_OVERHEAD_TASKS = 48 * 3


def overhead(tool):
    X, y = make_classification(n_samples=300, n_features=10, random_state=0)

    def make():
        return BayesSearchCV(
            NoOpClassifier(), {"c": Real(0, 1)}, n_iter=48, n_points=8,
            n_initial_points=48, cv=3, random_state=0,
        )

    if "overhead" not in _WARM:
        _run(make, X, y, 2)
        if _CLUSTER:
            _run(make, X, y, "dask")
        _WARM.add("overhead")
    return {"wall": _run(make, X, y, MODES[tool])[0]}


def _print_overhead(records):
    groups = by(records, "tool")
    m = {t: median([r["wall"] for r in groups.get(t, [])]) for t in MODES}
    print("\n| backend | wall s | ms per fit task | overhead over n_jobs=1, ms per task |")
    print("|---|---:|---:|---:|")
    n = N_OVERHEAD_TASKS
    for tool, label in [("n_jobs=1", "n_jobs=1"), ("loky-2", "n_jobs=2 (loky)"),
                        ("dask-2", "dask, 2 workers")]:
        print(f"| {label} | {m[tool]:.2f} | {1e3 * m[tool] / n:.2f} | "
              f"{1e3 * (m[tool] - m['n_jobs=1']) / n:.2f} |")


def _memory_search(scenario):
    """The PBT of the memory measurement and its data."""
    if scenario == "models":  # 64 members whose fold-models weigh
        X, y = make_classification(n_samples=600, n_features=100, random_state=0)
        return X, y, PBTSearchCV(
            MLPClassifier(hidden_layer_sizes=(500,), random_state=0),
            {"alpha": Real(1e-5, 1e-1, prior="log-uniform")},
            population_size=64, n_steps=2, interval=1, cv=3, random_state=0,
        )
    # data that weighs: 100 000 x 50 (40 MB), 5 folds, read from the files
    # memory() wrote (make_classification's own temporaries would set the peak)
    folder = os.environ["BENCH_DASK_DATA"]
    X, y = np.load(os.path.join(folder, "X.npy")), np.load(os.path.join(folder, "y.npy"))
    return X, y, PBTSearchCV(
        SGDClassifier(random_state=0), {"alpha": Real(1e-5, 1e-1, prior="log-uniform")},
        population_size=4, n_steps=6, interval=1, cv=5, random_state=0,
    )


def _memory_child(scenario, mode):
    """Run in a fresh process: the parent's peak RSS over one PBT."""
    X, y, search = _memory_search(scenario)
    if mode == "2-unshared":  # the folds sent as joblib sends arrays (as before)
        from _hooks import send_folds_unshared

        send_folds_unshared()
        mode = "2"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if mode == "dask":
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster):
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            seconds = _run(lambda: search, X, y, "dask")[0]
    else:
        seconds = _run(lambda: search, X, y, int(mode))[0]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    member = clone(search.estimator).set_params(max_iter=1).fit(X[:200], y[:200])
    print(json.dumps({"before_mb": before / 1024, "peak_mb": peak / 1024, "seconds": seconds,
                      "member_mb": 3 * len(pickle.dumps(member)) / 2**20}))


MEMORY_MODES = {"n_jobs=1": "1", "loky-2": "2", "loky-2-unshared": "2-unshared",
                "dask-2": "dask"}
MEMORY_TASKS = {
    "memory-models": "PBT, 64 MLP members x 3 folds: what the fold-models weigh",
    "memory-data": "PBT, 4 SGD members x 5 folds of 100 000 x 50: what the folds weigh",
}
_DATA_FOLDER = []


def memory(task, tool):
    """One PBT in a fresh process: its peak RSS (Linux carries a process's
    peak over to the programs it starts, so the data are made by a child too)."""
    if not _DATA_FOLDER:
        folder = tempfile.mkdtemp(prefix="bench-dask-")
        atexit.register(shutil.rmtree, folder, True)
        subprocess.run([sys.executable, __file__, "--make-data", folder], check=True)
        _DATA_FOLDER.append(folder)
    env = {**os.environ, "BENCH_DASK_DATA": _DATA_FOLDER[0]}
    scenario = task.split("-")[1]
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child",
         f"{scenario}:{MEMORY_MODES[tool]}"],
        capture_output=True, text=True, check=True, env=env,
    ).stdout.strip().splitlines()[-1]
    return json.loads(out)


def _print_memory(records):
    groups = by(records, "task", "tool")
    for task, title in MEMORY_TASKS.items():
        if not any(key[0] == task for key in groups):
            continue
        last = "one member's 3 fold-models" if task == "memory-models" else "wall s (median)"
        print(f"\n| {title} | parent RSS before fit | parent peak RSS | {last} |")
        print("|---|---:|---:|---:|")
        labels = {"n_jobs=1": "n_jobs=1", "loky-2": "n_jobs=2 (loky)",
                  "loky-2-unshared": "n_jobs=2 (loky), folds not shared",
                  "dask-2": "dask, 2 workers"}
        for tool, label in labels.items():
            runs = groups.get((task, tool))
            if not runs:
                continue
            m = runs[0]
            cell = (f"{m['member_mb']:.1f} MB" if task == "memory-models"
                    else f"{median([r['seconds'] for r in runs]):.2f}")
            print(f"| {label} | {m['before_mb']:.0f} MB | "
                  f"{max(r['peak_mb'] for r in runs):.0f} MB | {cell} |")


# ---------------------------------------------------------------------------
# The benchmark.

_CLUSTER = []


def run(task, tool, seed, settings):
    if task in MEMORY_TASKS:
        if tool == "loky-2-unshared" and task != "memory-data":
            return None
        return memory(task, tool)
    if tool == "loky-2-unshared":
        return None
    if task == "overhead":
        return overhead(tool)
    return speedup(task, tool)


def report(records, settings):
    records = [r for r in records if "error" not in r]
    speed = [r for r in records if r["task"] in SPEEDUP]
    if speed:
        print("## Speed-up on 2 cores\n")
        _print_speedup(speed)
    over = [r for r in records if r["task"] == "overhead"]
    if over:
        print("\n## Per-task overhead")
        _print_overhead(over)
    mem = [r for r in records if r["task"] in MEMORY_TASKS]
    if mem:
        print("\n## Peak memory of the parent")
        _print_memory(mem)
    print()


def setup(tools):
    """One 2-worker LocalCluster for the process, if a dask tool runs."""
    if "dask-2" in tools:
        from distributed import Client, LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1,
                               dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
        _CLUSTER.append((cluster, client))
        atexit.register(cluster.close)
        atexit.register(client.close)


BENCHMARK = Benchmark(
    title="The searches on a dask.distributed cluster, against loky on the same cores",
    tasks={**dict.fromkeys(SPEEDUP), "overhead": None, **dict.fromkeys(MEMORY_TASKS)},
    tools={
        "n_jobs=1": None,
        "loky-2": None,
        "loky-2-unshared": None,
        "dask-2": Tool(requires=("distributed",)),
    },
    run=run,
    report=report,
    seeds=3,
    smoke_tasks=["overhead"],
    setup=setup,
    versions=("skhyper", "sklearn", "numpy", "joblib", "dask", "distributed"),
)


def _child(argv):
    """The fresh processes of the memory measurement."""
    if argv[0] == "--make-data":
        X, y = make_classification(n_samples=100_000, n_features=50, random_state=0)
        np.save(os.path.join(argv[1], "X.npy"), X)
        np.save(os.path.join(argv[1], "y.npy"), y)
    else:
        _memory_child(*argv[1].split(":"))


if __name__ == "__main__":
    if sys.argv[1:2] in (["--make-data"], ["--memory-child"]):
        _child(sys.argv[1:])
    else:
        main(BENCHMARK)
