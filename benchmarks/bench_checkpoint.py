"""What a Checkpoint costs per batch, as the search grows.

A checkpoint is written after every batch. This script drives the engine's
side of a checkpoint (``skhyper._checkpoint.Journal``) directly, with the
fold results ``_fit_and_score`` returns (5 folds, ``n_points`` settings a
batch), so no optimizer or estimator time is in the numbers:

- **per batch** (tasks ``rows-100``, ``rows-1000``, ``rows-10000``): the
  journal is filled to that many rows of ``cv_results_`` (in large batches,
  untimed), then ``--batches`` batches of ``--n-points`` rows each are
  recorded; the median seconds per batch, the file size and the seconds to
  open the file again to resume (read, check and decode every batch);
- **fold-models** (tasks ``models-8``, ``models-64``): the searches that
  continue training also store their live fold-models after every batch
  (SGDClassifier, 3 folds a member, 20 features); the median seconds of a
  batch's write and of the read on resume.

The one tool is the journal; the seed draws the batches' numbers. The tables
show the median over seeds.

    PYTHONPATH=. python benchmarks/bench_checkpoint.py --seeds 1

(from the repository root: ``PYTHONPATH=.`` makes it time this checkout's
skhyper, not an installed one).

The same script runs on any skhyper version with the same ``Journal`` API
(``Journal(checkpoint, search).start(fingerprint)``, ``.record(batch, outs,
models)``), which is how the "before" numbers were taken.
"""

import os
import statistics
import tempfile
import time

import numpy as np
from _harness import Benchmark, Setting, by, main, median, table, values
from _hooks import Batch, Journal, Training, fingerprint
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier

from skhyper import BayesSearchCV, Real
from skhyper.callbacks import Checkpoint

N_SPLITS = 5


def _outs(rng, n_rows):
    """What ``_fit_and_score`` returns for ``n_rows`` settings of 5 folds."""
    return [
        {"fit_error": None, "test_scores": float(rng.uniform()), "n_test_samples": 40,
         "fit_time": float(rng.uniform(0, 0.1)), "score_time": float(rng.uniform(0, 0.01))}
        for _ in range(n_rows * N_SPLITS)
    ]


def _batch(rng, n_rows, members=None):
    candidates = [{"C": float(c)} for c in rng.uniform(1e-2, 1e2, n_rows)]
    if members is None:
        return Batch(candidates, {})
    return Batch(candidates, {}, training=Training(members, [1] * len(members)))


def _journal(path, search, X, y, splits, resume=True):
    journal = Journal(Checkpoint(path, resume=resume), search)
    journal.start(fingerprint(search, X, y, {}, splits))
    return journal


def _problem():
    X, y = make_classification(n_samples=200, n_features=20, random_state=0)
    folds = np.arange(200) % N_SPLITS
    splits = [(np.flatnonzero(folds != k), np.flatnonzero(folds == k)) for k in range(N_SPLITS)]
    search = BayesSearchCV(LogisticRegression(), {"C": Real(1e-2, 1e2)}, random_state=0)
    return X, y, splits, search


def _median_ms(journal, n_batches, make):
    """Median milliseconds of ``journal.record(*make())`` over ``n_batches``."""
    seconds = []
    for _ in range(n_batches):
        args = make()
        start = time.perf_counter()
        journal.record(*args)
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1e3


def per_batch(n, n_points, n_batches, folder, rng):
    X, y, splits, search = _problem()
    path = os.path.join(folder, f"rows{n}.json")
    journal = _journal(path, search, X, y, splits, resume=False)
    fill, done = max(n_points, n // 20), 0
    while done < n:  # untimed: fill to n rows in large batches
        size = min(fill, n - done)
        journal.record(_batch(rng, size), _outs(rng, size))
        done += size
    ms = _median_ms(journal, n_batches, lambda: (_batch(rng, n_points), _outs(rng, n_points)))
    start = time.perf_counter()
    _journal(path, search, X, y, splits)
    opened = time.perf_counter() - start
    return {"ms_per_batch": ms, "file_mb": os.path.getsize(path) / 1e6, "open_s": opened}


def fold_models(size, n_batches, folder, rng):
    X, y, splits, search = _problem()
    path = os.path.join(folder, f"models{size}.json")
    journal = _journal(path, search, X, y, splits, resume=False)
    members = list(range(size))
    models = {m: [SGDClassifier(random_state=0).fit(X, y) for _ in range(3)]
              for m in members}
    ms = _median_ms(
        journal, n_batches, lambda: (_batch(rng, size, members), _outs(rng, size), models)
    )
    start = time.perf_counter()
    journal = _journal(path, search, X, y, splits)
    if hasattr(journal, "load_models"):  # issue 25 on
        loaded = journal.load_models()
    else:
        loaded = journal.models_to_restore(len(journal.batches))
    assert len(loaded) == size
    read = time.perf_counter() - start
    sizes = [os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder)
             if f.startswith(f"models{size}.json.models")]
    return {"write_ms": ms, "read_ms": read * 1e3, "models_kb": max(sizes) / 1e3}


TASKS = {"rows-100": 100, "rows-1000": 1000, "rows-10000": 10000,
         "models-8": 8, "models-64": 64}


def run(task, tool, seed, settings):
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory() as folder:
        if task.startswith("rows"):
            return per_batch(TASKS[task], settings["n_points"], settings["batches"],
                             folder, rng)
        return fold_models(TASKS[task], settings["batches"], folder, rng)


def report(runs, settings):
    groups = by(runs, "task")

    def cell(task, name, spec):
        return format(median(values(groups[task], name)), spec)

    rows = [t for t in TASKS if t.startswith("rows") and t in groups]
    if rows:
        print(f"## Per batch ({settings['n_points']} settings x {N_SPLITS} folds), "
              f"median of {settings['batches']}\n")
        print(table(
            ["rows before the batch", "ms per batch", "file MB", "s to open (resume)"],
            [
                [f"{TASKS[t]:,}", cell(t, "ms_per_batch", ".2f"),
                 cell(t, "file_mb", ".2f"), cell(t, "open_s", ".3f")]
                for t in rows
            ],
        ))
        print()
    models = [t for t in TASKS if t.startswith("models") and t in groups]
    if models:
        print(f"## Fold-models of continued training (SGDClassifier), "
              f"median of {settings['batches']} batches\n")
        print(table(
            ["members x folds", "ms to write a batch", "ms to read on resume",
             "models file kB"],
            [[f"{TASKS[t]} x 3", cell(t, "write_ms", ".1f"), cell(t, "read_ms", ".1f"),
              cell(t, "models_kb", ".0f")] for t in models],
        ))
        print()


BENCHMARK = Benchmark(
    title="What a Checkpoint costs per batch, as the search grows",
    tasks=TASKS,
    tools={"journal": run},
    run=run,
    report=report,
    settings={
        "n_points": Setting(10, 10, "settings a batch", int),
        "batches": Setting(5, 2, "timed batches (the median is shown)", int),
    },
    seeds=1,
    smoke_tasks=["rows-100", "models-8"],
)

if __name__ == "__main__":
    main(BENCHMARK)
