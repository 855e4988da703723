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
population, the DAC learner, L-BFGS-B's iterates, and the random stream
between them) is rebuilt exactly as it was, and the search goes on to the
same ``cv_results_`` as an uninterrupted run. Replaying costs the strategy's
own computation, never a fit.
"""

import functools
import hashlib
import json
import numbers
import os
import pickle
import re
import secrets
import stat
import sys
import sysconfig
import types
import warnings
import zipfile

import joblib
import numpy as np

from . import _compat
from ._callbacks import _SearchCallback

__all__ = ["Checkpoint", "Journal", "decode", "encode", "fingerprint"]

_FORMAT = "skhyper-checkpoint"
_VERSION = 2
# Parameters that change how a search runs, never what it finds.
_EXECUTION_PARAMS = frozenset({"n_jobs", "pre_dispatch", "verbose"})
_CODECS = ("skops", "pickle")


class Checkpoint(_SearchCallback):
    """Write every finished batch of a search to a file, and resume from it.

    After every batch (one ask of the search's strategy) the batch's results
    are appended to the file. A later ``fit`` of the same search on the same
    data, with ``resume=True``, continues where the file stops and ends with
    the same ``cv_results_`` as a search that was never interrupted (timings
    apart): the batches already in the file are not fitted again. That holds
    for a search stopped by a callback, interrupted by Ctrl-C, or killed with
    its process; the batch in progress at that moment is lost and fitted
    again.

    Parameters
    ----------
    path : str or os.PathLike
        The checkpoint file (JSON Lines), in an existing, writable directory.
        Searches that continue training (Hyperband over ``partial_fit`` or
        warm-start iterations, PBT, DAC) also write their live fold-models
        next to it, to ``<path>.models.0`` and ``<path>.models.1`` in turn.
    resume : bool, default=True
        Whether ``fit`` continues from ``path`` when the file exists. False
        starts afresh and replaces the file (and removes its fold-models
        files).
    trusted : list of str, default=None
        Type names, as :func:`skops.io.get_untrusted_types` gives them, that
        skops.io may load from the fold-models files besides the types it
        trusts by default: a fold-model of your own estimator class
        (``"mypackage.MySGDClassifier"``), or a fitted attribute skops does
        not trust (a fitted ``MLPClassifier`` holds
        ``"sklearn.neural_network._stochastic_optimizers.AdamOptimizer"``).
        A search refuses to checkpoint models holding other untrusted types,
        before its first fit when the estimator's own type is the problem.
    allow_pickle : bool, default=False
        Store the fold-models with pickle when skops.io cannot store them or
        they hold types not in ``trusted``, and load such a file on resume.
        **Loading a pickle runs code: with allow_pickle=True, trust the
        checkpoint and everything in its folder as code.**

    See Also
    --------
    DeadlineStopper : Stop a search after a given time (resume it later).

    Notes
    -----
    Resuming needs ``random_state`` to be an integer: the search replays its
    own choices from the seed. A checkpoint written by another search class,
    with other parameters (``n_jobs``, ``pre_dispatch`` and ``verbose``
    apart) or on other data or folds is refused before any fit with an error
    naming what differs; so is a corrupted or edited file. A callable
    parameter (``scoring``, ``refit``, a function an estimator holds) is
    compared by what it does: the code, constants, defaults and closure of
    your functions, the functions and keyword arguments a ``make_scorer``
    scorer wraps or a ``functools.partial`` binds, the values of the globals
    (and of the attributes of your own modules and classes)
    the code reads; functions of installed packages and of the standard
    library by module and name. One skhyper cannot look into (an object
    without ``__dict__`` that does not pickle) is warned about when the file
    is written, and the file cannot be resumed. A generator or list of
    splits as ``cv`` is compared by the folds it gives.

    What a checkpoint protects, and what it does not:

    - Resuming never unpickles anything unless ``allow_pickle=True``. The
      JSON file holds numbers, strings and the fit errors' tracebacks, and
      loading it executes nothing. A search that fits every setting from
      scratch (``BayesSearchCV``, Hyperband over samples or a retrained
      parameter, ``HypergradientSearchCV``) reads that file and no other,
      whatever it says.
    - The fold-models of continued training are read only from the two
      names derived from ``path``, with skops.io, which builds only the
      types it trusts by default and those listed in ``trusted``: an edited
      or replaced file can make the resume fail, not run code. Trusting a
      type trusts the file's data for it: skops documents that a crafted
      ``sklearn.tree._tree.Tree`` can crash the process when used.
    - The SHA-256 of each record and of the fold-models detect a torn write,
      a truncated file or an accidental edit. They are not a signature:
      whoever can write to the folder can change the results the search
      resumes with. Keep checkpoints where only you can write.
    - Files are created with the permissions ``open()`` would give (the
      umask), so a shared folder shares them. Only one search at a time may
      write a checkpoint. A kill during a write leaves a ``*.tmp`` file,
      removed at the next start.

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

    _parameter_constraints: dict = {
        "path": [str, os.PathLike],
        "resume": ["boolean"],
        "trusted": [list, None],
        "allow_pickle": ["boolean"],
    }

    def __init__(self, path, resume=True, *, trusted=None, allow_pickle=False):
        self._validate(path=path, resume=resume, trusted=trusted, allow_pickle=allow_pickle)
        _check_type_names(trusted)
        self.path = os.fspath(path)
        self.resume = bool(resume)
        self.trusted = None if trusted is None else list(trusted)
        self.allow_pickle = bool(allow_pickle)
        _check_not_a_directory(self.path)

    def __repr__(self):
        extra = "".join(
            f", {name}={getattr(self, name)!r}"
            for name, default in (("trusted", None), ("allow_pickle", False))
            if getattr(self, name) != default
        )
        return f"Checkpoint(path={self.path!r}, resume={self.resume!r}{extra})"


def _check_type_names(trusted):
    """Every entry of ``trusted`` is a type name (what constraints cannot say)."""
    bad = [name for name in trusted or [] if not isinstance(name, str)]
    if bad:
        raise TypeError(
            f"Checkpoint: trusted must be a list of type names (str), as "
            f"skops.io.get_untrusted_types gives them; got {bad[0]!r} of type "
            f"{type(bad[0]).__name__} in trusted={trusted!r}."
        )


def _check_not_a_directory(path):
    if os.path.isdir(path):
        raise ValueError(
            f"Checkpoint: path={path!r} is a directory; give the path of a file to "
            f"write, such as {os.path.join(path, 'search.json')!r}."
        )


def find_checkpoint(search):
    """The search's one :class:`Checkpoint` callback, or None."""
    found = [cb for cb in _compat.callbacks_of(search) if isinstance(cb, Checkpoint)]
    if len(found) > 1:
        raise ValueError(
            f"{type(search).__name__} has {len(found)} Checkpoint callbacks; give it one."
        )
    return found[0] if found else None


# -- fingerprints ---------------------------------------------------------------------
class _Opaque(Exception):
    """A value skhyper cannot fingerprint by what it is or does."""


def _library_paths():
    paths = sysconfig.get_paths()
    return tuple(
        os.path.realpath(paths[key]) + os.sep
        for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths
    )


_LIBRARY_PATHS = _library_paths()


def _from_a_library(function):
    """Whether ``function`` comes from an installed package or the standard
    library (its behaviour is that version's), not from the user's code."""
    module = sys.modules.get(getattr(function, "__module__", None) or "")
    file = getattr(module, "__file__", None)
    return file is not None and os.path.realpath(file).startswith(_LIBRARY_PATHS)


def _of_the_user(obj):
    """Whether ``obj`` is a module or a class of the user's code, not of an
    installed package or the standard library."""
    if isinstance(obj, types.ModuleType):
        file = getattr(obj, "__file__", None)
        return file is not None and not os.path.realpath(file).startswith(_LIBRARY_PATHS)
    return isinstance(obj, type) and not _from_a_library(obj)


def _name(obj):
    return f"{getattr(obj, '__module__', None)}.{getattr(obj, '__qualname__', None)}"


def _code(code):
    """What a code object does: its bytecode, constants (nested functions'
    code included), the names it reads and its signature; no line numbers."""
    return [
        code.co_code, code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount,
        code.co_flags, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
        [_constant(c) for c in code.co_consts],
    ]


def _constant(value):
    if isinstance(value, types.CodeType):
        return _code(value)
    if isinstance(value, frozenset):  # `x in {"a", "b"}`: its order is the hash seed's
        return ["frozenset", sorted(repr(v) for v in value)]
    if isinstance(value, tuple):
        return tuple(_constant(v) for v in value)
    return value


def _names_read(code):
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_read(const)
    return names


class _Normalizer:
    """A picklable stand-in of a value whose hash is stable across processes
    and changes when the value's behaviour does.

    ``strict``: raise :class:`_Opaque` for a value it cannot see into (else
    stand it in by its type's name). The globals a function reads are never
    strict: a logger or a lock in the user's module must not prevent a resume.
    """

    def __init__(self, strict=True):
        self.strict = strict
        self.path = set()  # ids of the containers being normalized (cycles)

    def __call__(self, obj):
        if obj is None or isinstance(obj, (bool, numbers.Number, str, bytes, np.generic)):
            return obj
        if id(obj) in self.path:
            return ["cycle"]
        self.path.add(id(obj))
        try:
            return self._compound(obj)
        finally:
            self.path.discard(id(obj))

    def _compound(self, obj):
        if isinstance(obj, dict):
            items = [(repr(k), self(v)) for k, v in obj.items()]
            return {"__dict__": sorted(items, key=lambda item: item[0])}
        if isinstance(obj, (list, tuple)):
            return [type(obj).__name__, [self(v) for v in obj]]
        if isinstance(obj, (set, frozenset)):
            return ["set", sorted(joblib.hash(self(v)) for v in obj)]
        if isinstance(obj, np.ndarray):
            return ["ndarray", joblib.hash(obj)]
        if isinstance(obj, (type, types.ModuleType)):
            return ["name", getattr(obj, "__module__", None), getattr(obj, "__qualname__",
                                                                      obj.__name__)]
        if isinstance(obj, types.FunctionType):
            return self._function(obj)
        if isinstance(obj, types.MethodType):
            return ["method", self(obj.__self__), self(obj.__func__)]
        if isinstance(obj, functools.partial):
            return ["partial", self(obj.func), self(obj.args), self(obj.keywords)]
        if isinstance(obj, (types.BuiltinFunctionType, np.ufunc)):
            owner = getattr(obj, "__self__", None)
            bound = None if owner is None or isinstance(owner, types.ModuleType) else self(owner)
            return ["builtin", _name(obj), getattr(obj, "__name__", None), bound]
        if hasattr(obj, "get_params") and callable(obj.get_params):
            # an estimator or a search dimension: its class and parameters, not
            # its fitted state or an internal random generator
            return [_name(type(obj)), self(obj.get_params(deep=False))]
        if hasattr(obj, "dist") and hasattr(obj, "args") and hasattr(obj, "kwds"):
            # a scipy.stats frozen distribution (its random_state is not part of it)
            return ["scipy.stats", obj.dist.name, self(obj.args), self(obj.kwds)]
        if isinstance(obj, np.random.RandomState):
            return ["RandomState", joblib.hash(obj.get_state())]
        if callable(obj):
            # a callable object (a make_scorer scorer): its class, what its
            # __call__ does and what it holds (the function and keyword
            # arguments a scorer wraps)
            call = getattr(type(obj), "__call__", None)
            return ["callable", _name(type(obj)),
                    self(call) if isinstance(call, types.FunctionType) else None,
                    self._state(obj)]
        try:
            return ["hash", joblib.hash(obj)]
        except Exception:  # noqa: BLE001 - does not pickle: what it holds, if we can
            return ["object", _name(type(obj)), self._state(obj)]

    def _state(self, obj):
        if hasattr(obj, "__dict__"):
            return self(vars(obj))
        try:
            return ["hash", joblib.hash(obj)]
        except Exception as exc:  # noqa: BLE001
            return self._opaque(
                obj, f"a {type(obj).__qualname__} object has no __dict__ and does not "
                f"pickle ({type(exc).__name__})"
            )

    def _opaque(self, obj, reason):
        if self.strict:
            raise _Opaque(reason)
        return ["opaque", _name(type(obj))]

    def _function(self, fn):
        if _from_a_library(fn):
            return ["function", _name(fn)]
        closure = []
        for cell in fn.__closure__ or ():
            try:
                closure.append(self(cell.cell_contents))
            except ValueError:  # an empty cell
                closure.append(["empty"])
        lenient = _Normalizer(strict=False)
        lenient.path = self.path
        names = sorted(_names_read(fn.__code__))
        found = {}
        for name in names:
            if name not in fn.__globals__:
                continue
            value = fn.__globals__[name]
            found[name] = lenient(value)
            if _of_the_user(value):
                # a module or class of the user's code (a library's is its
                # version's): what the code can read of it (cfg.T, Cfg.T)
                found[name] = [found[name], {
                    attr: lenient(getattr(value, attr))
                    for attr in names if attr != name and hasattr(value, attr)
                }]
        return ["function", _code(fn.__code__), self(fn.__defaults__),
                self(fn.__kwdefaults__), closure, found]


def stable_hash(obj, strict=False):
    """A hash of ``obj``'s normalized stand-in (see :class:`_Normalizer`)."""
    return joblib.hash(_Normalizer(strict)(obj))


def _is_splits(cv):
    """A ``cv`` that is an iterable of (train, test) splits, not a number of
    folds or a splitter: the folds it gives are all that it is."""
    return cv is not None and not isinstance(cv, numbers.Integral) and not hasattr(cv, "split")


def fingerprint(search, X, y, fit_params, splits):
    """What a checkpoint must match: the search's class, each parameter, the data.

    A value that cannot be fingerprinted is None, and why is in ``"opaque"``.
    """
    opaque = {}

    def hashed(name, value):
        try:
            return stable_hash(value, strict=True)
        except _Opaque as exc:
            opaque[name] = str(exc)
            return None

    params = {
        name: hashed(name, value)
        for name, value in search.get_params(deep=False).items()
        if name not in _EXECUTION_PARAMS and not (name == "cv" and _is_splits(value))
    }
    return {
        "search": type(search).__qualname__,
        "params": params,
        "data": {
            "X": joblib.hash(X), "y": joblib.hash(y),
            "fit_params": hashed("fit_params", fit_params), "folds": joblib.hash(splits),
        },
        "opaque": opaque,
    }


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
        self.n_replayed = 0
        self._n_read = 0  # batches read from the file to resume
        self._slot = None  # the slot of the last fold-models written or read

    # reading ---------------------------------------------------------------
    def start(self, fingerprint):
        """Start a fit: read the file to resume, or start afresh."""
        self.fingerprint = fingerprint
        directory = os.path.dirname(os.path.abspath(self.path))
        _check_not_a_directory(self.path)
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
        self.n_replayed = n_batch + 1
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
