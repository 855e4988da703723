"""The searches on a dask.distributed cluster, against loky on the same cores.

Three measurements, printed as markdown tables:

1. **Speed-up on 2 cores.** Two fit-bound BayesSearchCVs (``n_points=4``, so
   that a batch has 12 fits for the 2 workers): an RBF SVC on 4000 samples,
   whose fits contend for memory bandwidth, and gradient boosting on 2000,
   whose fits are compute-bound; a fit-bound PBTSearchCV (an MLP, population
   8) and a dispatch-bound one
   (SGD, whose steps take milliseconds) run with ``n_jobs=1``, ``n_jobs=2``
   (loky) and under ``joblib.parallel_backend("dask")`` on a 2-worker
   ``LocalCluster`` (one thread per worker process), alternately,
   ``--repeats`` times, after a warm-up; median wall seconds and the
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
   40 MB X, with its wall seconds (median of ``--repeats``), loky's also
   with the folds sent as joblib sends any array (each task dumps and
   hashes its fold again), as the engine did before it shared them.

Examples
--------
::

    python benchmarks/bench_dask.py              # ~5 minutes on 2 cores
    python benchmarks/bench_dask.py --repeats 1
"""

import argparse
import importlib.util
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
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import joblib  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import GradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import SGDClassifier  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

if importlib.util.find_spec("skhyper") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


def _same(a, b):
    keys = [k for k in a if "time" not in k and k != "params"]
    return all(
        np.array_equal(np.asarray(a[k]), np.asarray(b[k]), equal_nan=True)
        if np.asarray(a[k]).dtype.kind in "fc" else list(a[k]) == list(b[k])
        for k in keys
    ) and a["params"] == b["params"]


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


def speedup(repeats):
    X, y = make_classification(n_samples=4000, n_features=20, random_state=0)
    rows = []
    for name, make, n in [
            ("bayes, SVC on 4000 samples (fit-bound, memory-bound)", _bayes_svc, 4000),
            ("bayes, gradient boosting on 2000 samples (fit-bound, compute-bound)",
             _bayes_gbm, 2000),
            ("pbt, MLP population 8 (fit-bound)", _pbt_mlp, 4000),
            ("pbt, SGD population 8 (dispatch-bound)", _pbt_sgd, 4000)]:
        times = {1: [], 2: [], "dask": []}
        fit_seconds = {1: [], 2: [], "dask": []}
        results = {}
        _run(make, X[:500], y[:500], 2)  # warm-up of the loky workers
        _run(make, X[:500], y[:500], "dask")
        for _ in range(repeats):
            for mode in times:
                seconds, search = _run(make, X[:n], y[:n], mode)
                times[mode].append(seconds)
                fit_seconds[mode].append(_task_seconds(search))
                results[mode] = search.cv_results_
        median = {mode: float(np.median(t)) for mode, t in times.items()}
        fits = {mode: float(np.median(t)) for mode, t in fit_seconds.items()}
        same = _same(results[2], results[1]) and _same(results["dask"], results[1])
        rows.append((name, median, fits, same))
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


def overhead(repeats):
    X, y = make_classification(n_samples=300, n_features=10, random_state=0)

    def make():
        return BayesSearchCV(
            NoOpClassifier(), {"c": Real(0, 1)}, n_iter=48, n_points=8,
            n_initial_points=48, cv=3, random_state=0,
        )

    n_tasks = 48 * 3
    times = {1: [], 2: [], "dask": []}
    _run(make, X, y, 2)
    _run(make, X, y, "dask")
    for _ in range(repeats):
        for mode in times:
            times[mode].append(_run(make, X, y, mode)[0])
    median = {mode: float(np.median(t)) for mode, t in times.items()}
    print("\n| backend | wall s | ms per fit task | overhead over n_jobs=1, ms per task |")
    print("|---|---:|---:|---:|")
    for mode, label in [(1, "n_jobs=1"), (2, "n_jobs=2 (loky)"), ("dask", "dask, 2 workers")]:
        print(f"| {label} | {median[mode]:.2f} | {1e3 * median[mode] / n_tasks:.2f} | "
              f"{1e3 * (median[mode] - median[1]) / n_tasks:.2f} |")


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


def memory(repeats):
    modes = [("1", "n_jobs=1"), ("2", "n_jobs=2 (loky)"),
             ("2-unshared", "n_jobs=2 (loky), folds not shared"), ("dask", "dask, 2 workers")]
    # made by a child too: Linux carries a process's peak RSS over to the
    # programs it starts, so this one must stay small
    folder = tempfile.mkdtemp(prefix="bench-dask-")
    subprocess.run([sys.executable, __file__, "--make-data", folder], check=True)
    env = {**os.environ, "BENCH_DASK_DATA": folder}
    for scenario, title in [
        ("models", "PBT, 64 MLP members x 3 folds: what the fold-models weigh"),
        ("data", "PBT, 4 SGD members x 5 folds of 100 000 x 50: what the folds weigh"),
    ]:
        if scenario == "models":
            modes_here = [m for m in modes if m[0] != "2-unshared"]
            print(f"\n| {title} | parent RSS before fit | parent peak RSS "
                  "| one member's 3 fold-models |")
            print("|---|---:|---:|---:|")
        else:
            modes_here = modes
            print(f"\n| {title} | parent RSS before fit | parent peak RSS | wall s (median) |")
            print("|---|---:|---:|---:|")
        for mode, label in modes_here:
            runs = []
            for _ in range(repeats if scenario == "data" else 1):
                out = subprocess.run(
                    [sys.executable, __file__, "--memory-child", f"{scenario}:{mode}"],
                    capture_output=True, text=True, check=True, env=env,
                ).stdout.strip().splitlines()[-1]
                runs.append(json.loads(out))
            m = runs[0]
            last = (f"{m['member_mb']:.1f} MB" if scenario == "models"
                    else f"{np.median([r['seconds'] for r in runs]):.2f}")
            print(f"| {label} | {m['before_mb']:.0f} MB | "
                  f"{max(r['peak_mb'] for r in runs):.0f} MB | {last} |")
    shutil.rmtree(folder)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--parts", default="speedup,overhead,memory",
                        help="comma-separated, of speedup, overhead, memory")
    parser.add_argument("--memory-child", help=argparse.SUPPRESS)
    parser.add_argument("--make-data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_data:
        X, y = make_classification(n_samples=100_000, n_features=50, random_state=0)
        np.save(os.path.join(args.make_data, "X.npy"), X)
        np.save(os.path.join(args.make_data, "y.npy"), y)
        return
    if args.memory_child:
        _memory_child(*args.memory_child.split(":"))
        return
    from distributed import Client, LocalCluster

    parts = args.parts.split(",")
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster):
        if "speedup" in parts:
            speedup(args.repeats)
        if "overhead" in parts:
            overhead(args.repeats)
    if "memory" in parts:
        memory(args.repeats)


if __name__ == "__main__":
    main()
