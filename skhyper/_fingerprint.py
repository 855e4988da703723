"""What a checkpoint must match: a stable hash of a search and its data.

A value is hashed by what it is or does, never by where it lives in memory,
so the same search in another process hashes the same: an estimator by its
class and parameters, a function by its code, constants, defaults, closure
and the globals it reads, a library's function by its name (its behaviour
is that version's).
"""

import functools
import numbers
import os
import sys
import sysconfig
import types

import joblib
import numpy as np

__all__ = ["fingerprint", "stable_hash"]

# Parameters that change how a search runs, never what it finds.
_EXECUTION_PARAMS = frozenset({"n_jobs", "pre_dispatch", "verbose"})


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
