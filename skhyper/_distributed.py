"""Data on the workers of joblib's dask backend: sent once per fit, not per batch.

joblib's dask backend scatters a large argument once per ``Parallel`` call,
that is once per batch of a search, and a search runs many batches. When
that backend is active, the searches scatter their data (X, y, the fit and
score parameters) to every worker once at the start of ``fit`` and hand the
futures to their tasks; dask resolves them on the worker. It is broadcast,
but dask's memory manager keeps a single copy of data no task is waiting
for, so a worker that dies may take it: the searches then send it again
from the parent (:class:`Sent`; ``_incremental._Remote`` for the searches
that continue training, which also make their folds on the workers and keep
their fold-models there).

joblib runs a call in the parent process instead when the cluster has a
single worker left (its effective ``n_jobs`` is then 1); :func:`on_worker`
wraps the tasks so that they fetch the futures' data themselves there.
"""

import warnings

from joblib.parallel import get_active_backend
from sklearn import config_context, get_config

# How often a batch is sent again after the cluster lost data it needed.
_RESENDS = 3

__all__ = [
    "Sent", "dask_client", "is_lost", "on_worker", "retry_lost_data", "scatter_once",
    "with_config",
]


def dask_client():
    """The dask client of the active joblib backend, or None for any other backend."""
    backend, _ = get_active_backend()
    client = getattr(backend, "client", None)
    return client if callable(getattr(client, "scatter", None)) else None


def scatter_once(*objects):
    """``objects``, as futures of data on every dask worker when joblib's
    dask backend is active (None stays None); otherwise unchanged."""
    client = dask_client()
    if client is None:
        return objects
    sent = iter(client.scatter(
        [obj for obj in objects if obj is not None], broadcast=True, hash=False
    ))
    return tuple(None if obj is None else next(sent) for obj in objects)


def _is_future(value):
    return type(value).__name__ == "Future" and callable(getattr(value, "result", None))


def _resolved(value):
    """``value``, or its data when it is a future dask did not resolve (the
    task runs outside the cluster); a dict's values too, one level deep.

    The searches pass their futures as a task's own arguments, or as values
    of a dict argument (the hypergradient's fit keywords), never deeper; the
    data itself (a list X, say) is not walked on every task.
    """
    if isinstance(value, dict):
        if any(_is_future(v) for v in value.values()):
            return {k: v.result() if _is_future(v) else v for k, v in value.items()}
        return value
    return value.result() if _is_future(value) else value


class with_config:
    """``func``, run under the scikit-learn configuration and the warning
    filters in force where it was wrapped: what scikit-learn's ``delayed``
    carries to joblib's workers, for a task submitted to a dask client
    directly (metadata routing, ``assume_finite`` and the like)."""

    def __init__(self, func):
        self.func = func
        self.config = get_config()
        self.filters = list(warnings.filters)

    def __call__(self, *args, **kwargs):
        with config_context(**self.config), warnings.catch_warnings():
            warnings.filters[:] = self.filters
            return self.func(*args, **kwargs)


class on_worker:
    """``func``, taking the futures of :func:`scatter_once` as arguments
    wherever the call runs (dask resolves them on a worker; a call joblib
    runs in the parent fetches them)."""

    def __init__(self, func):
        self.func = func

    def __call__(self, *args, **kwargs):
        args = [_resolved(a) for a in args]
        kwargs = {k: _resolved(v) for k, v in kwargs.items()}
        return self.func(*args, **kwargs)


class Sent:
    """Objects as the tasks get them: futures of data on every dask worker
    (see :func:`scatter_once`), or the objects themselves on any other
    backend. ``run`` runs a joblib call and, should the cluster lose data it
    needs (a worker dies holding the last copy: dask's memory manager keeps
    one copy of what no task is waiting for), sends the data again and
    reruns the call; the tasks are deterministic, so the results are the
    same."""

    def __init__(self, *objects):
        self.objects = objects
        self.values = scatter_once(*objects)

    def run(self, call):
        """``call(values)``, the joblib call of a batch, with resends."""
        return retry_lost_data(lambda: call(self.values), lambda attempt: self.resend())

    def resend(self):
        """Scatter the objects again (their futures' data was lost)."""
        self.values = scatter_once(*self.objects)

    def lost(self):
        """Whether the cluster lost the data of any of the futures."""
        return any(is_lost(value) for value in self.values)


def is_lost(value):
    """Whether ``value`` is a future whose data the cluster lost."""
    return _is_future(value) and value.status not in ("finished", "pending")


def retry_lost_data(call, recover):
    """``call()``; should it fail because the cluster lost data it needed,
    ``recover(attempt)`` (``attempt`` counting from 0) and call again, up to
    ``_RESENDS`` times. Any other error is raised as it is."""
    for attempt in range(_RESENDS + 1):
        try:
            return call()
        except Exception as exc:
            if attempt == _RESENDS or not _lost_data(exc):
                raise
            recover(attempt)


def _lost_data(exc):
    """Whether ``exc`` says the cluster lost a task's data (not a fit's error)."""
    if dask_client() is None:
        return False
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & {"FutureCancelledError", "CancelledError"})
