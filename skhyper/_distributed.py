"""Data on the workers of joblib's dask backend: sent once per fit, not per batch.

joblib's dask backend scatters a large argument once per ``Parallel`` call,
that is once per batch of a search, and a search runs many batches. When
that backend is active, the searches scatter their data (X, y, the fit and
score parameters) to every worker once at the start of ``fit`` and hand the
futures to their tasks; dask resolves them on the worker. It is broadcast,
but dask's memory manager keeps a single copy of data no task is waiting
for, so a worker that dies may take it: the searches then send it again
from the parent (:class:`Sent`; :class:`_Remote` for the searches
that continue training, which also make their folds on the workers and keep
their fold-models there).

joblib runs a call in the parent process instead when the cluster has a
single worker left (its effective ``n_jobs`` is then 1); :class:`OnWorker`
wraps the tasks so that they fetch the futures' data themselves there.
"""

import dataclasses
import operator
import time
import warnings

from joblib.parallel import get_active_backend
from sklearn import config_context, get_config

from ._folds import _make_fold

# How often a batch is sent again after the cluster lost data it needed.
_RESENDS = 3

__all__ = [
    "OnWorker", "Sent", "StepCall", "WithConfig", "_Remote", "dask_client", "is_lost",
    "retry_lost_data", "scatter_once",
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


class WithConfig:
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


class OnWorker:
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


def _fold_made(fold):
    return None


@dataclasses.dataclass
class StepCall:
    """One task of a batch: ``step(model, fold, *args, **kwargs)``, the
    ``k``-th fold's model (or its future) continued on the ``k``-th fold."""

    model: object
    k: int
    args: tuple
    kwargs: dict


def _retrain(model, fold, stretches):
    """``model`` trained from scratch on ``fold`` by ``stretches``
    (``_training.Stretch``), as the batches trained it; None where they
    failed."""
    if fold.error is not None:
        return None
    try:
        for s in stretches:
            model.set_params(**s.params)
            model = s.stepper.train(model, fold.X_train, fold.y_train, s.done, s.target,
                                    fold.fit_params)
    except Exception:
        return None
    return model


class _Remote:
    """Continued training on a dask cluster, whose workers hold the data.

    X, y and the fit and score parameters are scattered to every worker once;
    the folds are made there by tasks, and each step is a task that reads a
    member's fold-model where the previous step left it and leaves its own
    there: the parent holds futures, and gathers only the scores (and the
    fold-models themselves when a checkpoint is written). A worker that dies
    takes data and fold-models with it; :meth:`run` makes them again (the
    fold-models from the steps that made them: the same models for a seeded
    estimator).
    """

    def __init__(self, client, step):
        self.client = client
        self.step = step

    @classmethod
    def for_jobs(cls, n_jobs, step):
        """A :class:`_Remote` when joblib's dask backend is active (and
        ``n_jobs``, the search's, is not 1, which runs everything here), else
        None. ``step(model, fold, *args, **kwargs)`` is a task: it returns
        the model it trained and its result, and must not change ``model``
        (the worker keeps it for the other tasks that read it)."""
        client = dask_client()
        return None if client is None or n_jobs == 1 else cls(client, step)

    def make_folds(self, estimator, X, y, splits, routed, error_score):
        """Futures of every split's :class:`_Fold`, made on the workers (the
        list this object keeps up to date should a worker die)."""
        # held for the whole fit: the folds are made (and made again) from them
        self.estimator, self.splits, self.error_score = estimator, splits, error_score
        self.data = Sent(X, y, routed.estimator.fit, routed.scorer.score)
        self.folds = [self._make_fold(k) for k in range(len(splits))]
        # made before the first step, so that error_score="raise" raises a
        # failing Pipeline head here, as without dask
        self.client.gather([self.client.submit(_fold_made, f) for f in self.folds])
        return self.folds

    def _make_fold(self, k):
        X, y, fit_params, score_params = self.data.values
        train, test = self.splits[k]
        return self.client.submit(
            WithConfig(_make_fold), self.estimator, X, y, train, test, fit_params,
            score_params, self.error_score, pure=False,
        )

    def run(self, calls, schedule):
        """``[(model future, result)]`` of ``calls`` (:class:`StepCall`
        records) of the ``step`` task.

        Should a worker die with data the batch needs, what it lost is made
        again and the batch runs again: the data is scattered again from
        this process (dask's memory manager keeps a single copy of it), the
        folds made again, and fold-models (for which dask keeps no recipe
        once their step is done) trained again from ``schedule(i)`` of call
        ``i``: ``(unfitted model, [Stretch, ...])``, the training that made it.
        """

        def recover(attempt):
            nonlocal calls  # run again as _recover leaves them
            # the client hears of lost keys a moment after the error; the
            # last retry makes everything again, whatever it heard
            time.sleep(0.1 * 2**attempt)
            calls = self._recover(calls, schedule, everything=attempt == _RESENDS - 1)

        return retry_lost_data(lambda: self._run(calls), recover)

    def _recover(self, calls, schedule, everything):
        """``calls``, with what the cluster lost made again."""
        resend = everything or self.data.lost()
        if resend:
            self.data.resend()
        for k, fold in enumerate(self.folds):
            if resend or is_lost(fold):
                self.folds[k] = self._make_fold(k)
        out = []
        for i, call in enumerate(calls):
            if is_lost(call.model) or (everything and _is_future(call.model)):
                fresh, stretches = schedule(i)
                call = dataclasses.replace(call, model=self.client.submit(
                    WithConfig(_retrain), fresh, self.folds[call.k], stretches, pure=False
                ))
            out.append(call)
        return out

    def _run(self, calls):
        submit, step = self.client.submit, WithConfig(self.step)
        done = [
            submit(step, c.model, self.folds[c.k], *c.args, pure=False, **c.kwargs)
            for c in calls
        ]
        models = [submit(operator.getitem, d, 0) for d in done]
        outs = self.client.gather([submit(operator.getitem, d, 1) for d in done])
        return list(zip(models, outs))

    def fetch(self, models):
        """``models`` (member -> fold-model futures), fetched from the workers."""
        members = list(models)
        fetched = self.client.gather([list(models[m]) for m in members])
        return dict(zip(members, fetched))
