"""How the engine calls a search's callbacks, and the base class of skhyper's.

The callbacks follow scikit-learn >= 1.9's callback protocol (``setup``,
``on_fit_task_begin``, ``on_fit_task_end``, ``teardown``; set with
``search.set_callbacks(...)``), where ``on_fit_task_end`` returning True asks
to stop the current level of iterations. A skhyper search honours that at the
end of each *batch* (one ask of its strategy: Bayes' ``n_points`` settings, a
Hyperband rung, a PBT round): the batch's evaluations are kept, no further
batch starts, and the best setting so far is refitted.

On scikit-learn < 1.9, which has no callback API, the searches give
``set_callbacks`` themselves and call the same hooks (``setup``, the batch's
``on_fit_task_end``, ``teardown``) with a small stand-in context, so the same
code runs on every supported version.
"""

import copy
import inspect
from dataclasses import dataclass, field
from typing import Optional

from . import _compat

__all__ = ["BATCH_TASK", "_SearchCallback", "SearchEvents", "_task_contexts"]

# The task name of a batch's context: the level at which a search stops.
BATCH_TASK = "batch"


class _SearchCallback:
    """Hooks that do nothing; a subclass acts on the ends of batches.

    A subclass declares its parameters' ``_parameter_constraints`` and
    validates them in ``__init__`` (a callback has no ``fit`` and no
    ``set_params``: the error belongs where the mistake is written).
    """

    _parameter_constraints: dict = {}

    def _validate(self, **params):
        """Validate ``params`` by the class's constraints; a bool is never a
        number here (scikit-learn's intervals take True as 1)."""
        _compat.validate_constraints(
            self._parameter_constraints, params, type(self).__name__
        )

    def setup(self, estimator, context):
        """Called once at the beginning of the search's ``fit``."""

    def on_fit_task_begin(self, estimator, context):
        """Called at the beginning of each task; does nothing."""

    def on_fit_task_end(self, estimator, context, *, fitted_estimator=None):
        """Called at the end of each task; acts at the end of a batch only.

        Returns
        -------
        stop : bool
            Whether the search is to stop after this batch.
        """
        if not _is_batch_end(context, fitted_estimator):
            return False
        return bool(self._on_batch_end(estimator, fitted_estimator))

    def teardown(self, estimator, context):
        """Called once at the end of the search's ``fit``, even after an error."""

    def _on_batch_end(self, search, snapshot):
        return False


def _is_batch_end(context, snapshot):
    return (
        getattr(context, "task_name", None) == BATCH_TASK
        and snapshot is not None and hasattr(snapshot, "cv_results_")
    )


@dataclass
class _Context:
    """scikit-learn < 1.9: what a hook is told of its task."""

    task_name: str
    task_id: int = 0
    max_subtasks: Optional[int] = None
    parent: Optional["_Context"] = field(default=None, repr=False)


class SearchEvents:
    """The engine's side of the callbacks: when each hook is called.

    On scikit-learn >= 1.9 the hooks run through scikit-learn's callback
    contexts (``root_ctx`` and the batch contexts the engine makes); before
    1.9 this class calls them itself.
    """

    def __init__(self, search, root_ctx):
        self.search = search
        self.native = root_ctx is not None
        self.callbacks = _compat.callbacks_of(search)
        self._root = None if self.native else _Context("fit", max_subtasks=2)

    def begin(self):
        if not self.native:
            for callback in self.callbacks:
                callback.setup(self.search, self._root)

    def end(self):
        if not self.native:  # scikit-learn's _fit_context tears down on >= 1.9
            for callback in self.callbacks:
                callback.teardown(self.search, self._root)

    def batch_end(self, batch_ctx, snapshot, n_batch):
        """Call the batch's ``on_fit_task_end`` hooks; whether to stop."""
        if self.native:
            if batch_ctx is None:
                return False
            return bool(batch_ctx.call_on_fit_task_end(
                estimator=self.search, reconstruction_attributes=snapshot
            ))
        context = _Context(BATCH_TASK, task_id=n_batch, parent=self._root)
        stop = False
        fitted = None
        for callback in self.callbacks:
            hook = callback.on_fit_task_end
            kwargs = {}
            if "fitted_estimator" in inspect.signature(hook).parameters:
                if fitted is None:
                    fitted = _from_attributes(self.search, snapshot())
                kwargs["fitted_estimator"] = fitted
            stop |= bool(hook(self.search, context, **kwargs))
        return stop


def _from_attributes(search, attributes):
    """A copy of the search with ``attributes`` set (as scikit-learn >= 1.9
    builds a hook's ``fitted_estimator``)."""
    new = copy.copy(search)
    for key, value in attributes.items():
        setattr(new, key, value)
    return new


def _task_contexts(batch_ctx, n_tasks):
    """One callback context per fit task, made here and not in the workers
    (as scikit-learn's own search does: subcontexts do not pickle well)."""
    if batch_ctx is None:
        return [None] * n_tasks
    return [
        batch_ctx.subcontext(task_name="candidate-split-evaluation", task_id=i)
        for i in range(n_tasks)
    ]
