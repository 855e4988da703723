"""The evaluator of the searches that fit every setting from scratch."""

from sklearn.base import clone
from sklearn.utils.parallel import delayed

from . import _compat
from ._callbacks import _task_contexts
from ._distributed import OnWorker, Sent

__all__ = ["_FreshEvaluator"]


class _FreshEvaluator:
    """Clones and fits every setting on every fold (GridSearchCV's way)."""

    def __init__(self, search, X, y, splits, scorers, routed, parallel):
        self.search = search
        self.splits = splits
        self.parallel = parallel
        self.base = clone(search.estimator)
        # on a dask cluster, sent to the workers once for the whole fit
        self.sent = Sent(
            X, y, routed.estimator.fit, routed.scorer.score,
            *(indices for fold in splits for indices in fold),
        )
        self.kwargs = dict(
            scorer=scorers,
            return_train_score=search.return_train_score,
            return_n_test_samples=True,
            return_times=True,
            return_parameters=False,
            error_score=search.error_score,
            verbose=search.verbose,
        )

    def n_tasks(self, batch):
        return len(batch.candidates) * len(self.splits)

    def evaluate(self, batch, batch_ctx=None):
        """The ``_fit_and_score`` results of ``batch``, candidate by candidate."""
        return self.run_fold_tasks(
            batch, batch_ctx,
            lambda X, y, params, train, test, kwargs: delayed(
                OnWorker(_compat.fit_and_score)
            )(clone(self.base), X, y, train=train, test=test, parameters=params, **kwargs),
        )

    def run_fold_tasks(self, batch, batch_ctx, task):
        """Run ``task(X, y, params, train, test, kwargs)`` (a delayed call) for
        every (candidate, fold) of ``batch`` in one joblib call; sent again
        should a dask cluster lose the data (the callback contexts are made
        once, whatever the resends)."""
        contexts = _task_contexts(batch_ctx, self.n_tasks(batch))
        return self.sent.run(lambda sent: self.parallel(
            task(*args) for args in self.fold_tasks(batch, contexts, sent)
        ))

    def fold_tasks(self, batch, contexts, sent):
        """``(X, y, params, train, test, kwargs)`` of every (candidate, fold)
        of ``batch``, the data as ``sent`` (:attr:`Sent.values`) holds it:
        ``kwargs`` are ``_fit_and_score``'s other arguments, with each
        task's callback context from ``contexts``."""
        X, y, fit_params, score_params, *indices = sent
        n = len(batch.candidates)
        # the search's own folds are on the workers already (dask)
        own = list(zip(indices[::2], indices[1::2]))
        splits = batch.candidate_splits or [own] * n
        k = len(splits[0])
        tasks = [
            (i, params, j, train, test)
            for i, (params, folds) in enumerate(zip(batch.candidates, splits))
            for j, (train, test) in enumerate(folds)
        ]
        return [
            (X, y, params, train, test, dict(
                split_progress=(j, k), candidate_progress=(i, n),
                caller=self.search if ctx is not None else None, callback_ctx=ctx,
                fit_params=fit_params, score_params=score_params, **self.kwargs,
            ))
            for (i, params, j, train, test), ctx in zip(tasks, contexts)
        ]

    def refit(self, estimator, X, y, fit_params):
        if y is None:
            estimator.fit(X, **fit_params)
        else:
            estimator.fit(X, y, **fit_params)

    def keep(self, members):
        """Nothing is kept between batches."""

    def close(self):
        """Nothing to release when the search is over."""

    def replay(self, batch):
        """A batch read from a checkpoint: nothing to do."""

    def checkpoint_example(self):
        """No fold-models are kept, so none need storing."""
        return None

    def checkpoint_state(self):
        """Nothing but the batches' results is needed to resume."""
        return None

    def restore(self, journal):
        """Nothing to restore: a search that fits from scratch reads nothing
        but the checkpoint's own file."""
