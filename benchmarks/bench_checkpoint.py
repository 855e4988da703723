"""What a Checkpoint costs per batch, as the search grows.

A checkpoint is written after every batch. This script drives the engine's
side of a checkpoint (``skhyper._checkpoint.Journal``) directly, with the
fold results ``_fit_and_score`` returns (5 folds, ``n_points`` settings a
batch), so no optimizer or estimator time is in the numbers:

- **per batch**: the journal is filled to 100, 1,000 and 10,000 rows of
  ``cv_results_`` (in large batches, untimed), then ``--batches`` batches of
  ``--n-points`` rows each are recorded; the median seconds per batch, the
  file size and the seconds to open the file again to resume (read, check
  and decode every batch) are printed;
- **fold-models**: the searches that continue training also store their live
  fold-models after every batch (SGDClassifier, 3 folds a member, 20
  features); the median seconds of a batch's write and of the read on resume.

    PYTHONPATH=. python benchmarks/bench_checkpoint.py [--rows 100,1000,10000] [--n-points 10]

(from the repository root: ``PYTHONPATH=.`` makes it time this checkout's
skhyper, not an installed one).

The same script runs on any skhyper version with the same ``Journal`` API
(``Journal(checkpoint, search).start(fingerprint)``, ``.record(batch, outs,
models)``), which is how the "before" numbers were taken.
"""

import argparse
import os
import statistics
import tempfile
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier

from skhyper import BayesSearchCV, Real
from skhyper._checkpoint import Journal, fingerprint
from skhyper._engine import Batch
from skhyper.callbacks import Checkpoint

from _report import _table

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
    return Batch(candidates, {}, members=members, targets=[1] * len(members))


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


def per_batch(rows, n_points, n_batches, folder):
    X, y, splits, search = _problem()
    rng = np.random.default_rng(0)
    out = []
    for n in rows:
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
        out.append([
            f"{n:,}", f"{ms:.2f}",
            f"{os.path.getsize(path) / 1e6:.2f}", f"{opened:.3f}",
        ])
    return out


def fold_models(populations, n_batches, folder):
    X, y, splits, search = _problem()
    rng = np.random.default_rng(0)
    out = []
    for size in populations:
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
        out.append([
            f"{size} x 3", f"{ms:.1f}", f"{read * 1e3:.1f}",
            f"{max(sizes) / 1e3:.0f}",
        ])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", default="100,1000,10000")
    parser.add_argument("--n-points", type=int, default=10)
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--populations", default="8,64")
    args = parser.parse_args()
    rows = [int(v) for v in args.rows.split(",")]
    populations = [int(v) for v in args.populations.split(",")]
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as folder:
        print(f"## Per batch ({args.n_points} settings x {N_SPLITS} folds), "
              f"median of {args.batches}\n")
        print(_table(
            ["rows before the batch", "ms per batch", "file MB", "s to open (resume)"],
            per_batch(rows, args.n_points, args.batches, folder),
        ))
        print(f"\n## Fold-models of continued training (SGDClassifier), "
              f"median of {args.batches} batches\n")
        print(_table(
            ["members x folds", "ms to write a batch", "ms to read on resume",
             "models file kB"],
            fold_models(populations, args.batches, folder),
        ))


if __name__ == "__main__":
    main()
