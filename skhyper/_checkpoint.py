"""Checkpoint and resume: every finished batch on disk, and a search that replays it.

A checkpoint is a journal in JSON Lines at the path the user gives. Its
first record holds a fingerprint of the search (its class and each of its
parameters that can change the results; a callable by what it does: its
code, constants, defaults, closure and the globals it reads) and of the data
(X, y, the fit parameters and the folds). Each later record is one finished
batch: a key of what the search asked and the raw fold results, as
``_fit_and_score`` returns them. A batch *appends* its record, so writing it
costs what it adds, not the size of the file; each record carries its own
SHA-256 (an integrity check against a torn write or an edit, not a
signature: anyone who can edit the file can recompute it).

Searches that evaluate every setting from scratch (the engine's
``_FreshEvaluator``) need nothing else and read nothing else. Searches that
continue training (``_trainer._Trainer``) also need their live
fold-models: after each batch they are written with skops.io, which loads
only the types it trusts, to one of two slots whose names are derived from
the checkpoint's path (``<path>.models.0``, ``<path>.models.1``); the
batch's record names the slot (0 or 1, never a file name), the format and
the slot's SHA-256. The two slots alternate, so a kill between writing the
models and appending the record leaves the previous record and its slot
intact. Pickle is used only when the user allows it (``allow_pickle=True``),
for models skops cannot store or whose types the user does not trust.

Resuming *replays* the search from its seed: the strategy asks its batches
again, and each batch the journal holds is answered from it instead of
being fitted (its key must match what the search asks now), so every
strategy's state (the Gaussian process, Hyperband's brackets, PBT's
population, the DAC learner, the optimizers' iterates, and the random stream
between them) is rebuilt exactly as it was, and the search goes on to the
same ``cv_results_`` as an uninterrupted run. Replaying costs the strategy's
own computation, never a fit.
"""

import hashlib
import json
import numbers
import os
import pickle
import re
import secrets
import stat
import warnings
import zipfile

import numpy as np

from ._fingerprint import stable_hash

__all__ = ["Journal", "batch_key", "check_not_a_directory", "decode", "encode"]

_FORMAT = "skhyper-checkpoint"
_VERSION = 2
_CODECS = ("skops", "pickle")


def check_not_a_directory(path):
    """Refuse a checkpoint path that is a folder (checked by Checkpoint and
    again when a fit opens the file)."""
    if os.path.isdir(path):
        raise ValueError(
            f"Checkpoint: path={path!r} is a directory; give the path of a file to "
            f"write, such as {os.path.join(path, 'search.json')!r}."
        )


def batch_key(batch):
    """What the search asked in a batch, as a hash (compared on replay)."""
    training = batch.training
    return stable_hash([
        batch.candidates,
        None if training is None else training.members,
        None if training is None else training.targets,
        None if training is None else training.copies,
        None,  # where Batch.splits (never set) was: the keys of older files stay
        batch.candidate_splits,
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


# -- the files ------------------------------------------------------------------------
def _fsync_directory(directory):
    """Make a rename or a new file in ``directory`` durable (POSIX; elsewhere
    the platform gives no way to, and nothing is done)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_write(path, data):
    """Write ``data`` (bytes) to ``path`` so that it is either the old or the
    new file, created as ``open()`` would (the umask applies; a file replaced
    keeps its mode)."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = f"{path}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            try:
                os.fchmod(f.fileno(), stat.S_IMODE(os.stat(path).st_mode))
            except (OSError, AttributeError):  # no file to replace, or no fchmod
                pass
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    _fsync_directory(directory)


def _dumps(record):
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


# A record's line: '{"record":<JSON>,"sha256":"<64 hex digits of <JSON>>"}\n'.
_PREFIX, _MIDDLE, _SUFFIX = b'{"record":', b',"sha256":"', b'"}'
_DIGEST = 64


def _line(record):
    text = _dumps(record).encode()
    digest = hashlib.sha256(text).hexdigest().encode()
    return _PREFIX + text + _MIDDLE + digest + _SUFFIX + b"\n"


def _parse(line):
    """The record of a line, or None if the line is not a whole, intact record."""
    tail = len(_MIDDLE) + _DIGEST + len(_SUFFIX)
    if not (line.startswith(_PREFIX) and line.endswith(_SUFFIX)
            and len(line) > len(_PREFIX) + tail):
        return None
    text, digest = line[len(_PREFIX):-tail], line[-_DIGEST - len(_SUFFIX):-len(_SUFFIX)]
    if line[len(_PREFIX) + len(text):-_DIGEST - len(_SUFFIX)] != _MIDDLE:
        return None
    if hashlib.sha256(text).hexdigest().encode() != digest:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _is_version_1(data):
    """Whether ``data`` is a checkpoint of skhyper before issue 25: one JSON
    document ``{"payload": {..., "version": 1}, "sha256": ...}``."""
    if not data.startswith(b'{"payload":'):
        return False
    try:
        payload = json.loads(data)["payload"]
        return payload["format"] == _FORMAT and payload["version"] == 1
    except (ValueError, KeyError, TypeError):
        return False


def _our_temporaries(path):
    """What a kill during a write leaves beside ``path``: the temporaries of
    this module, and of version 1 (``tempfile.mkstemp``'s 8 characters)."""
    pattern = re.compile(
        rf"{re.escape(os.path.basename(path))}\.(?:models[.-]\d+\.)?[a-z0-9_]{{8}}\.tmp"
    )
    directory = os.path.dirname(os.path.abspath(path))
    return [os.path.join(directory, name) for name in os.listdir(directory)
            if pattern.fullmatch(name)]


def _models_files(path):
    """The fold-models files of the checkpoint at ``path``: this version's
    two slots and version 1's ``<path>.models-<batch>``."""
    pattern = re.compile(rf"{re.escape(os.path.basename(path))}\.models(?:\.[01]|-\d+)")
    directory = os.path.dirname(os.path.abspath(path))
    return [os.path.join(directory, name) for name in os.listdir(directory)
            if pattern.fullmatch(name)]


def _skops():
    import skops.io  # noqa: PLC0415 - imported on use: it imports every estimator

    return skops.io


class Journal:
    """The engine's side of a checkpoint during one ``fit``."""

    def __init__(self, checkpoint, search):
        self.checkpoint = checkpoint
        self.path = checkpoint.path
        self.search = search
        self.batches = []  # the batch records, as in the file
        self._n_read = 0  # batches read from the file to resume
        self._slot = None  # the slot of the last fold-models written or read

    # reading ---------------------------------------------------------------
    def start(self, fingerprint):
        """Start a fit: read the file to resume, or start afresh."""
        self.fingerprint = fingerprint
        directory = os.path.dirname(os.path.abspath(self.path))
        check_not_a_directory(self.path)
        if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
            raise ValueError(
                f"Checkpoint: path={self.path!r} is not in a writable directory; "
                f"create {directory!r} first."
            )
        for tmp in _our_temporaries(self.path):  # left by a kill during a write
            os.remove(tmp)
        if self.checkpoint.resume and os.path.exists(self.path):
            self._resume()
            return
        _atomic_write(self.path, _line(
            {"format": _FORMAT, "version": _VERSION, "fingerprint": fingerprint}
        ))
        for stale in _models_files(self.path):  # of the checkpoint just replaced
            os.remove(stale)
        for name, reason in fingerprint["opaque"].items():
            warnings.warn(
                f"Checkpoint: {type(self.search).__name__}'s {name} cannot be "
                f"fingerprinted ({reason}), so {self.path!r} will be written but "
                f"cannot be resumed: resuming could not check that {name} is the same.",
                UserWarning,
            )

    def _resume(self):
        records, size = self._read()
        self._check_matches(records[0].get("fingerprint"))
        self.batches = records[1:]
        self._n_read = len(self.batches)
        if size != os.path.getsize(self.path):  # a torn last record: gone
            os.truncate(self.path, size)

    def _refuse(self, why):
        raise ValueError(
            f"{type(self.search).__name__} cannot resume from the checkpoint "
            f"{self.path!r}: {why}. Delete it, or use Checkpoint(path, resume=False) "
            f"to start afresh."
        )

    def _read(self):
        """The file's records, and the size of its intact part: a last line
        without its newline is a write a kill cut short, and is dropped."""
        try:
            with open(self.path, "rb") as f:
                data = f.read()
        except OSError as exc:
            self._refuse(f"it cannot be read ({type(exc).__name__}: {exc})")
        if _is_version_1(data):
            self._refuse(
                "it is a version 1 checkpoint, written by an older skhyper, whose "
                "fold-models were a pickle the file named; this version does not read it"
            )
        *lines, torn = data.split(b"\n")
        records = [_parse(line) for line in lines]
        bad = [i for i, record in enumerate(records) if record is None]
        if bad or not records:
            where = f"record {bad[0] + 1}" if bad else "its first record"
            self._refuse(f"the file is truncated or corrupted ({where} is not intact)")
        header = records[0]
        if header.get("format") != _FORMAT or header.get("version") != _VERSION:
            self._refuse(
                f"the file is truncated or corrupted (it is not a version {_VERSION} "
                f"{_FORMAT} file)"
            )
        if not all({"key", "outs", "models"} <= set(r) for r in records[1:]):
            self._refuse("the file is truncated or corrupted (a batch record lacks a field)")
        return records, len(data) - len(torn)

    def _check_matches(self, saved):
        name = type(self.search).__name__
        now = self.fingerprint
        if not (
            isinstance(saved, dict) and {"search", "params", "data"} <= set(saved)
            and isinstance(saved["params"], dict) and isinstance(saved["data"], dict)
            and isinstance(saved.get("opaque", {}), dict)
        ):
            self._refuse("the file is truncated or corrupted (no fingerprint)")
        fix = "Delete it, or use Checkpoint(path, resume=False) to start afresh."
        if saved["search"] != now["search"]:
            raise ValueError(
                f"The checkpoint {self.path!r} was written by {saved['search']}, not "
                f"{now['search']}. {fix}"
            )
        opaque = {**saved.get("opaque", {}), **now["opaque"]}
        if opaque:
            raise ValueError(
                f"{name} cannot resume from the checkpoint {self.path!r}: "
                + "; ".join(f"{k} cannot be fingerprinted ({why})" for k, why in
                            sorted(opaque.items()))
                + ", so resuming cannot check that it is the one the checkpoint was "
                "written with. Pass a function (its code, defaults and closure are "
                f"fingerprinted) or a make_scorer scorer. {fix}"
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
        if n_batch >= self._n_read:
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
        return [decode(out) for out in saved["outs"]]

    def resumes_at(self, n_batch):
        """Whether batch ``n_batch`` is the first one fitted after the batches
        read from the file (the evaluator then restores what it kept)."""
        return n_batch == self._n_read > 0

    def load_models(self):
        """The live fold-models ``{member: [fold-model, ...]}`` saved with the
        last batch read, from the slot it names (continued training only)."""
        saved = self.batches[self._n_read - 1]["models"]
        name = type(self.search).__name__
        if not (isinstance(saved, dict) and saved.get("slot") in (0, 1)
                and type(saved["slot"]) is int and saved.get("codec") in _CODECS
                and isinstance(saved.get("members"), list)):
            self._refuse("its last batch names no fold-models (the file was edited?)")
        slot, codec = saved["slot"], saved["codec"]
        path = self._models_path(slot)
        if codec == "pickle" and not self.checkpoint.allow_pickle:
            raise ValueError(
                f"{name} cannot resume from {self.path!r}: its fold-models {path!r} "
                f"were stored with pickle, and loading a pickle runs code. If you trust "
                f"this checkpoint and its folder as code, use Checkpoint(path, "
                f"allow_pickle=True); otherwise delete it, or use Checkpoint(path, "
                f"resume=False)."
            )
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != saved.get("sha256"):
            raise ValueError(
                f"{name} cannot resume from {self.path!r}: the fold-models file "
                f"{path!r} is missing or does not match the checkpoint (SHA-256). Delete "
                f"the checkpoint, or use Checkpoint(path, resume=False)."
            )
        models = self._load(data, path) if codec == "skops" else pickle.loads(data)
        members = [_hashable(decode(m)) for m in saved["members"]]
        if not isinstance(models, list) or len(models) != len(members):
            self._refuse(f"the fold-models file {path!r} does not hold its members")
        self._slot = slot
        return dict(zip(members, models))

    def _load(self, data, path):
        sio = _skops()
        try:
            return sio.loads(data, trusted=self.checkpoint.trusted)
        except TypeError as exc:  # UntrustedTypesFoundException
            untrusted = _untrusted(data, self.checkpoint.trusted)
            if not untrusted:
                raise
            raise ValueError(
                f"{type(self.search).__name__} cannot resume from {self.path!r}: the "
                f"fold-models file {path!r} holds types skops.io does not trust: "
                f"{untrusted}. If they are the types of your models, pass them as "
                f"Checkpoint(path, trusted=[...]); otherwise delete the checkpoint."
            ) from exc
        except Exception as exc:  # noqa: BLE001 - not a skops file
            raise ValueError(
                f"{type(self.search).__name__} cannot resume from {self.path!r}: the "
                f"fold-models file {path!r} cannot be read by skops.io "
                f"({type(exc).__name__}: {exc}). Delete the checkpoint, or use "
                f"Checkpoint(path, resume=False)."
            ) from None

    # writing ---------------------------------------------------------------
    def check_storable(self, example):
        """Refuse, before the first fit, fold-models whose type skops.io cannot
        store or does not trust (unless allowed): ``example`` is an unfitted
        fold-model, or None for a search that keeps no models."""
        if example is not None:
            self._serialize([[example]])

    def record(self, batch, outs, models=None):
        """Append a fitted batch (with ``models``, the live fold-models after
        it, for continued training)."""
        saved = None
        if models is not None:
            members = list(models)
            data, codec = self._serialize([models[m] for m in members])
            slot = 0 if self._slot is None else 1 - self._slot
            _atomic_write(self._models_path(slot), data)
            self._slot = slot
            saved = {"slot": slot, "codec": codec, "sha256": hashlib.sha256(data).hexdigest(),
                     "members": [encode(m) for m in members]}
        record = {"key": batch_key(batch), "outs": [encode(out) for out in outs],
                  "models": saved}
        with open(self.path, "ab") as f:
            f.write(_line(record))
            f.flush()
            os.fsync(f.fileno())
        self.batches.append(record)

    def _serialize(self, models):
        """``(bytes, codec)`` of the fold-models: skops.io when it can store
        them and loads them with ``trusted``; pickle only when allowed."""
        sio = _skops()
        try:
            # deflated: the schema skops writes for each model is most of the
            # file (12x smaller for SGDClassifier, as fast to write, faster to read)
            data = sio.dumps(models, compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        except Exception as exc:  # noqa: BLE001 - a type skops cannot store
            data, problem = None, f"skops.io cannot store them ({type(exc).__name__}: {exc})"
        else:
            untrusted = _untrusted(data, self.checkpoint.trusted)
            if not untrusted:
                return data, "skops"
            problem = (
                f"they hold types skops.io does not trust by default: {untrusted}. If "
                f"you trust these types, pass them as Checkpoint(path, trusted="
                f"{untrusted!r})"
            )
        if self.checkpoint.allow_pickle:
            return pickle.dumps(models, protocol=pickle.HIGHEST_PROTOCOL), "pickle"
        raise ValueError(
            f"{type(self.search).__name__} cannot checkpoint its fold-models: {problem}; "
            f"or use Checkpoint(path, allow_pickle=True) to store them with pickle, "
            f"which runs as code when loaded: trust the checkpoint's folder as code then."
        )

    def _models_path(self, slot):
        return f"{os.path.abspath(self.path)}.models.{slot}"


def _untrusted(data, trusted):
    """The types in a skops.io dump that ``trusted`` does not add to skops' own."""
    return [t for t in _skops().get_untrusted_types(data=data) if t not in (trusted or [])]
