"""Checkpoint and resume: every finished batch on disk, and a search that replays it.

A checkpoint is one JSON file. It holds a fingerprint of the search (its
class and each of its parameters that can change the results) and of the
data (X, y, the fit parameters and the folds), and, batch by batch, a key of
what the search asked and the raw fold results of the batch: scores, times
and fit errors, as ``_fit_and_score`` returns them. Searches that continue
training keep their live fold-models in a side file written with joblib,
named in the JSON with its SHA-256.

Resuming *replays* the search from its seed: the strategy asks its batches
again, and each batch the checkpoint holds is answered from the file instead
of being fitted (its key must match what the search asks now), so every
strategy's state (the Gaussian process, Hyperband's brackets, PBT's
population, the DAC learner, L-BFGS-B's iterates, and the random stream
between them) is rebuilt exactly as it was, and the search goes on to the
same ``cv_results_`` as an uninterrupted run. Replaying costs the strategy's
own computation, never a fit.

Writing is atomic: a temporary file in the same directory, flushed to disk,
then ``os.replace``. Loading the JSON executes nothing. Loading the side file
unpickles fold-models, which can run code: it is loaded only from the path
the user gave, and only when its SHA-256 matches the one in the JSON.
"""

import hashlib
import io
import json
import numbers
import os
import tempfile

import joblib
import numpy as np

from ._callbacks import _SearchCallback

__all__ = ["Checkpoint", "Journal", "decode", "encode", "fingerprint"]

_FORMAT = "skhyper-checkpoint"
_VERSION = 1
# Parameters that change how a search runs, never what it finds.
_EXECUTION_PARAMS = frozenset({"n_jobs", "pre_dispatch", "verbose"})


class Checkpoint(_SearchCallback):
    """Write every finished batch of a search to a file, and resume from it.

    After every batch (one ask of the search's strategy) the file is
    rewritten atomically with all the evaluations so far. A later ``fit`` of
    the same search on the same data, with ``resume=True``, continues where
    the file stops and ends with the same ``cv_results_`` as a search that
    was never interrupted (timings apart): the batches already in the file
    are not fitted again. That holds for a search stopped by a callback,
    interrupted by Ctrl-C, or killed with its process; the batch in progress
    at that moment is lost and fitted again.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file (JSON). Searches that continue training
        (Hyperband over ``partial_fit`` or warm-start iterations, PBT, DAC)
        also write their live fold-models next to it, to
        ``<path>.models-<batch>`` (joblib).
    resume : bool, default=True
        Whether ``fit`` continues from ``path`` when the file exists. False
        starts afresh and replaces the file.

    Notes
    -----
    Resuming needs ``random_state`` to be an integer: the search replays its
    own choices from the seed. A checkpoint written by another search class,
    with other parameters (``n_jobs``, ``pre_dispatch`` and ``verbose``
    apart) or on other data or folds is refused with an error naming what
    differs; so is a truncated or corrupted file.

    The JSON file holds numbers, strings and the fit errors' tracebacks;
    loading it executes nothing. The fold-models file is a pickle, and
    unpickling can execute code: **trust a fold-models file as you would
    trust code**. skhyper loads it only from the path given here and only
    when its SHA-256 matches the one recorded in the JSON.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skhyper import BayesSearchCV, Real
    >>> from skhyper.callbacks import Checkpoint, DeadlineStopper
    >>> X, y = load_iris(return_X_y=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "search.json")
    >>> def search():
    ...     return BayesSearchCV(
    ...         LogisticRegression(max_iter=1000),
    ...         {"C": Real(1e-2, 1e2, prior="log-uniform")}, n_iter=6, random_state=0,
    ...     )
    >>> first = search().set_callbacks(Checkpoint(path), DeadlineStopper(1e-9)).fit(X, y)
    >>> len(first.cv_results_["params"])  # stopped after one batch
    1
    >>> resumed = search().set_callbacks(Checkpoint(path)).fit(X, y)
    >>> len(resumed.cv_results_["params"])
    6
    >>> bool((resumed.cv_results_["mean_test_score"]
    ...       == search().fit(X, y).cv_results_["mean_test_score"]).all())
    True
    """

    def __init__(self, path, resume=True):
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(
                f"Checkpoint: path must be a str or os.PathLike; got {path!r} of type "
                f"{type(path).__name__}."
            )
        if not isinstance(resume, (bool, np.bool_)):
            raise TypeError(f"Checkpoint: resume must be True or False; got {resume!r}.")
        self.path = os.fspath(path)
        self.resume = bool(resume)

    def __repr__(self):
        return f"Checkpoint(path={self.path!r}, resume={self.resume!r})"


def find_checkpoint(search):
    """The search's one :class:`Checkpoint` callback, or None."""
    found = [cb for cb in getattr(search, "_skl_callbacks", []) if isinstance(cb, Checkpoint)]
    if len(found) > 1:
        raise ValueError(
            f"{type(search).__name__} has {len(found)} Checkpoint callbacks; give it one."
        )
    return found[0] if found else None


# -- fingerprints ---------------------------------------------------------------------
def _normalize(obj):
    """A picklable stand-in of ``obj`` whose hash is stable across processes."""
    if isinstance(obj, dict):
        return {"__dict__": sorted((repr(k), _normalize(v)) for k, v in obj.items())}
    if isinstance(obj, (list, tuple)):
        return [type(obj).__name__, [_normalize(v) for v in obj]]
    if hasattr(obj, "get_params") and not isinstance(obj, type):
        # an estimator or a search dimension: its class and parameters, not
        # its fitted state or an internal random generator
        cls = type(obj)
        return [f"{cls.__module__}.{cls.__qualname__}", _normalize(obj.get_params(deep=False))]
    if hasattr(obj, "dist") and hasattr(obj, "args") and hasattr(obj, "kwds"):
        # a scipy.stats frozen distribution (its random_state is not part of it)
        return ["scipy.stats", obj.dist.name, _normalize(obj.args), _normalize(obj.kwds)]
    if isinstance(obj, np.random.RandomState):
        return ["RandomState", joblib.hash(obj.get_state())]
    if callable(obj) and hasattr(obj, "__qualname__"):
        return ["callable", getattr(obj, "__module__", ""), obj.__qualname__]
    try:
        return ["hash", joblib.hash(obj)]
    except Exception:  # noqa: BLE001 - not picklable: its repr is the best we have
        return ["repr", repr(obj)]


def stable_hash(obj):
    return joblib.hash(_normalize(obj))


def fingerprint(search, X, y, fit_params, splits):
    """What a checkpoint must match: the search's class, each parameter, the data."""
    params = {
        name: stable_hash(value)
        for name, value in search.get_params(deep=False).items()
        if name not in _EXECUTION_PARAMS
    }
    return {
        "search": type(search).__qualname__,
        "params": params,
        "data": {
            "X": joblib.hash(X), "y": joblib.hash(y),
            "fit_params": stable_hash(fit_params), "folds": joblib.hash(splits),
        },
    }


def batch_key(batch):
    """What the search asked in a batch, as a hash (compared on replay)."""
    return stable_hash([
        batch.candidates, batch.members, batch.targets, batch.copies,
        batch.splits, batch.candidate_splits,
    ])


# -- a JSON encoding that loads without executing anything ----------------------------
def encode(value):
    """``value`` (fold results) as plain JSON types; raises TypeError otherwise."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biuf":
            raise TypeError(f"cannot checkpoint an array of dtype {value.dtype}")
        return {"__ndarray__": value.ravel().tolist(), "dtype": value.dtype.str,
                "shape": list(value.shape)}
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if all(isinstance(k, str) and not k.startswith("__") for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {"__items__": [[encode(k), encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot checkpoint a value of type {type(value).__name__}: {value!r}")


def decode(value):
    """The inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__ndarray__" in value:
        dtype = np.dtype(value["dtype"])
        if dtype.kind not in "biuf":
            raise ValueError(f"unexpected array dtype {dtype}")
        return np.asarray(value["__ndarray__"], dtype=dtype).reshape(value["shape"])
    if "__tuple__" in value:
        return tuple(decode(v) for v in value["__tuple__"])
    if "__items__" in value:
        return {_hashable(decode(k)): decode(v) for k, v in value["__items__"]}
    return {k: decode(v) for k, v in value.items()}


def _hashable(key):
    return tuple(_hashable(k) for k in key) if isinstance(key, list) else key


# -- the file -------------------------------------------------------------------------
def _atomic_write(path, data):
    """Write ``data`` (bytes) to ``path`` so that it is either the old or the new file."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _dumps(payload):
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


class Journal:
    """The engine's side of a checkpoint during one ``fit``."""

    def __init__(self, checkpoint, search):
        self.checkpoint = checkpoint
        self.path = checkpoint.path
        self.search = search
        self.batches = []  # [{"key": ..., "outs": [...]}] as in the file
        self.models_file = None  # (name, sha256, n_batches) of the side file
        self.n_replayed = 0

    # reading ---------------------------------------------------------------
    def start(self, fingerprint):
        """Start a fit: load the file to resume, or start afresh."""
        self.fingerprint = fingerprint
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
            raise ValueError(
                f"Checkpoint: path={self.path!r} is not in a writable directory; "
                f"create {directory!r} first."
            )
        if not (self.checkpoint.resume and os.path.exists(self.path)):
            return
        payload = self._load()
        self._check_matches(payload["fingerprint"])
        self.batches = payload["batches"]
        self.models_file = payload["models"]

    def _load(self):
        name = type(self.search).__name__
        try:
            with open(self.path, "rb") as f:
                document = json.loads(f.read().decode("utf-8"))
            payload = document["payload"]
            if hashlib.sha256(_dumps(payload).encode()).hexdigest() != document["sha256"]:
                raise ValueError("its SHA-256 does not match its contents")
            if payload.get("format") != _FORMAT or payload.get("version") != _VERSION:
                raise ValueError(
                    f"it is not a version-{_VERSION} {_FORMAT} file"
                )
            for key in ("fingerprint", "batches", "models"):
                payload[key]  # noqa: B018 - a missing key is corruption
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError,
                ValueError) as exc:
            raise ValueError(
                f"{name} cannot resume from the checkpoint {self.path!r}: the file is "
                f"truncated or corrupted ({type(exc).__name__}: {exc}). Delete it, or use "
                f"Checkpoint(path, resume=False) to start afresh."
            ) from None
        return payload

    def _check_matches(self, saved):
        name = type(self.search).__name__
        now = self.fingerprint
        fix = "Delete it, or use Checkpoint(path, resume=False) to start afresh."
        if saved["search"] != now["search"]:
            raise ValueError(
                f"The checkpoint {self.path!r} was written by {saved['search']}, not "
                f"{now['search']}. {fix}"
            )
        differ = sorted(
            k for k in set(saved["params"]) | set(now["params"])
            if saved["params"].get(k) != now["params"].get(k)
        )
        if differ:
            raise ValueError(
                f"The checkpoint {self.path!r} was written by {name} with other "
                f"parameters: {', '.join(differ)} differ. {fix}"
            )
        differ = sorted(k for k in now["data"] if saved["data"].get(k) != now["data"][k])
        if differ:
            raise ValueError(
                f"The checkpoint {self.path!r} was written on other data: "
                f"{', '.join(differ)} differ. {fix}"
            )

    def replayed(self, n_batch, batch):
        """The recorded fold results of batch ``n_batch``, or None once the
        checkpoint has no more batches."""
        if n_batch >= len(self.batches):
            return None
        saved = self.batches[n_batch]
        if saved["key"] != batch_key(batch):
            raise ValueError(
                f"{type(self.search).__name__} cannot resume from {self.path!r}: its "
                f"batch {n_batch} holds other settings than the search asks now. The "
                f"search is not reproducible from its random_state (an estimator or a "
                f"space with its own unseeded randomness?), or another skhyper version "
                f"wrote the file. Delete it, or use Checkpoint(path, resume=False)."
            )
        self.n_replayed = n_batch + 1
        return [decode(out) for out in saved["outs"]]

    def models_to_restore(self, n_batch):
        """Fold-models saved after batch ``n_batch - 1``, when resuming there."""
        if self.models_file is None or n_batch != len(self.batches) or n_batch == 0:
            return None
        name, digest, at = self.models_file
        if at != n_batch:
            return None
        path = self._models_path(name)
        if not os.path.exists(path) or _sha256_file(path) != digest:
            raise ValueError(
                f"{type(self.search).__name__} cannot resume from {self.path!r}: the "
                f"fold-models file {path!r} is missing or does not match the checkpoint "
                f"(SHA-256). Delete the checkpoint, or use Checkpoint(path, resume=False)."
            )
        return joblib.load(path)

    # writing ---------------------------------------------------------------
    def record(self, batch, outs, models=None):
        """Add a fitted batch and rewrite the file (with ``models``, the live
        fold-models after it, for continued training)."""
        self.batches.append({"key": batch_key(batch), "outs": [encode(out) for out in outs]})
        old = self.models_file
        if models is not None:
            name = f"{os.path.basename(self.path)}.models-{len(self.batches)}"
            path = self._models_path(name)
            buffer = io.BytesIO()
            joblib.dump(models, buffer)
            _atomic_write(path, buffer.getvalue())
            self.models_file = [name, _sha256_file(path), len(self.batches)]
        payload = {
            "format": _FORMAT, "version": _VERSION, "fingerprint": self.fingerprint,
            "batches": self.batches, "models": self.models_file,
        }
        text = _dumps(payload)
        digest = hashlib.sha256(text.encode()).hexdigest()
        # the bytes of _dumps({"payload": payload, "sha256": digest}), without
        # serializing the payload a second time
        _atomic_write(self.path, f'{{"payload":{text},"sha256":"{digest}"}}'.encode())
        if old is not None and models is not None and old[0] != self.models_file[0]:
            try:  # the file now names the new models; the old ones may go
                os.remove(self._models_path(old[0]))
            except OSError:
                pass

    def _models_path(self, name):
        return os.path.join(os.path.dirname(os.path.abspath(self.path)), os.path.basename(name))
