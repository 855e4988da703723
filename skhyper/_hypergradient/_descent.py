"""One gradient descent of HypergradientSearchCV.

A :class:`_Descent` is what the search plans from ``search_spaces``: the
outer loop's fixed values and the continuous parameters to move. An
evaluation fits the estimator once per fold (scikit-learn's own
``_fit_and_score``) and, in the same worker, differentiates that fold's
validation loss (:func:`_fold_loss_and_grad`). A :class:`_DescentRun`
minimizes the fold-mean loss with scipy's L-BFGS-B in the unit box of the
ranges, every evaluation a row of ``cv_results_``.
"""

import math
import warnings
from dataclasses import dataclass, field
from typing import Optional

import numpy as np
from scipy.optimize import minimize
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.utils.parallel import delayed

from .. import _compat
from .._compat import _safe_split
from .._batch import Batch
from .._distributed import OnWorker
from .._fresh import _FreshEvaluator
from ._common import _floats
from ._registry import HyperSpec

# The length of L-BFGS-B's first step, as a fraction of the unit box.
_FIRST_STEP = 0.25


@dataclass
class _Descent:
    """One gradient descent: the outer loop's fixed values and the
    continuous parameters the descent moves (none: one evaluation)."""

    fixed: dict
    subspace: int  # the index of its subspace in search_spaces
    keys: list = field(default_factory=list)  # full parameter names (``clf__C``)
    names: list = field(default_factory=list)  # names on the final estimator (``C``)
    logs: list = field(default_factory=list)  # whether each is optimized in log space
    bounds: list = field(default_factory=list)  # (low, high), in its coordinate
    spec: Optional[HyperSpec] = None  # the final estimator's, None if it has none
    final: str = ""  # the final estimator's class name
    # full key -> scale ("log", "linear") of every parameter with a hypergradient
    scales: dict = field(default_factory=dict)

    @property
    def values_given(self):
        """The parameters with a hypergradient that the space gives as
        values (a list, Categorical or Integer): evaluated, not descended."""
        return [key for key in self.fixed if key in self.scales]

    def params(self, x):
        """The parameter setting at optimization coordinates ``x``."""
        params = dict(self.fixed)
        for key, log, (low, high), v in zip(self.keys, self.logs, self.bounds, x):
            v = float(np.clip(v, low, high))
            params[key] = math.exp(v) if log else v
        return params


# -- one evaluation, in the worker ----------------------------------------------------


def _through_heads(model, X):
    """The fitted final estimator of ``model`` and ``X`` transformed by every
    step before it (fitted on the training fold, as the fit left them)."""
    while isinstance(model, Pipeline):
        if len(model.steps) > 1:
            X = model[:-1].transform(X)
        model = model.steps[-1][1]
    return model, X


def _fold_loss_and_grad(estimator, X, y, train, test, params, names, function, kwargs):
    """One fold: ``_fit_and_score``'s result, plus the fold's validation loss
    (``hyper_loss``) and its gradient (``hypergrad``) from the fitted model."""
    out = _compat.fit_and_score(
        estimator, X, y, train=train, test=test, parameters=params,
        return_estimator=True, **kwargs,
    )
    model = out.pop("estimator", None)
    out["hyper_loss"], out["hypergrad"], out["hyper_error"] = (
        np.nan, np.full(len(names), np.nan), None,
    )
    if out["fit_error"] is not None or not names:
        return out
    try:
        # as _fit_and_score splits: a precomputed kernel's test rows keep the
        # training columns only
        X_train, y_train = _safe_split(estimator, X, y, train)
        X_test, y_test = _safe_split(estimator, X, y, test, train)
        final, X_train = _through_heads(model, X_train)
        _, X_test = _through_heads(model, X_test)
        loss, grad = function(
            final, _floats(X_train), np.asarray(y_train),
            _floats(X_test), np.asarray(y_test), list(names),
        )
        out["hyper_loss"], out["hypergrad"] = float(loss), np.asarray(grad, dtype=float)
    except (ValueError, np.linalg.LinAlgError, FloatingPointError) as exc:
        if kwargs.get("error_score") == "raise":
            raise
        out["hyper_error"] = f"{type(exc).__name__}: {exc}"
    return out


class _HypergradEvaluator(_FreshEvaluator):
    """Fits every fold once and differentiates its validation loss there."""

    def evaluate(self, batch, batch_ctx=None):
        descent = self.search._current
        function = descent.spec.function if descent.spec is not None else None
        task = delayed(OnWorker(_fold_loss_and_grad))
        return self.run_fold_tasks(
            batch, batch_ctx,
            lambda X, y, params, train, test, kwargs: task(
                clone(self.base), X, y, train, test, params, descent.names, function, kwargs,
            ),
        )


def _fold_mean(outs):
    """The fold-mean loss and gradient of one candidate's fold results."""
    losses = np.array([out.get("hyper_loss", np.nan) for out in outs], dtype=float)
    grads = np.array([out.get("hypergrad", np.nan) for out in outs], dtype=float)
    return float(np.mean(losses)), (grads.mean(axis=0) if grads.ndim == 2 else np.array([]))


def _warn_hyper_errors(outs):
    """One warning when the hypergradient failed on some folds of a row."""
    errors = [out["hyper_error"] for out in outs if out.get("hyper_error")]
    if errors:
        warnings.warn(
            f"The hypergradient failed on {len(errors)} of {len(outs)} folds "
            f"(the fits and their scores are kept; the descent stops): "
            f"{errors[0]}",
            UserWarning,
        )


# -- the descent ------------------------------------------------------------------------


class _OutOfRows(Exception):
    """The descent has used its share of ``max_iter``."""


class _Converged(Exception):
    """An iteration improved the loss by less than ``tol``."""


class _NotFinite(Exception):
    """The loss or its gradient is not finite: the descent cannot go on."""


def _initial_design(n_dims, n_points, rng):
    """``n_points`` points of the unit box, one in each of ``n_points``
    equal slices of every dimension, at the slices' centres (a centred Latin
    hypercube; a single point is the middle of the box)."""
    if n_points == 1:
        return np.full((1, n_dims), 0.5)
    centres = (np.arange(n_points) + 0.5) / n_points
    return np.column_stack([rng.permutation(centres) for _ in range(n_dims)])


class _DescentRun:
    """Minimizes one descent's fold-mean loss, ``rows`` evaluations at most:
    an initial design, then L-BFGS-B from its best point (then from the next
    best, while rows are left). Every evaluation is recorded as it runs.

    L-BFGS-B works in the unit box of the ranges (``u``); an evaluation asked
    again is not refitted.

    Parameters
    ----------
    descent : _Descent
    rows : int
        The evaluations this descent may make.
    record, search_ctx
        The engine's record of rows (``record.evaluate(batch, search_ctx)``).
    label : str
        Which descent this is, for the progress line (``"descent 1/3"``).
    tol : float
        The search's ``tol``.
    on_started : callable
        Called once the descent is about to make the evaluation that
        completes its start (its initial design, or its one evaluation): the
        search gives up when every descent's start has failed.
    """

    def __init__(self, descent, rows, record, search_ctx, label, tol, on_started):
        self.descent = descent
        self.rows = rows
        self.record = record
        self.search_ctx = search_ctx
        self.label = label
        self.tol = tol
        self.on_started = on_started
        self.lows = np.array([low for low, _ in descent.bounds])
        self.widths = np.array([high - low for low, high in descent.bounds])
        self.seen = {}  # tuple(u) -> (loss, gradient in the unit box)
        self.used = 0  # evaluations made
        self.iteration = 0  # 0: the initial design, then L-BFGS-B's iterations
        self.scale = 1.0  # the loss's factor for L-BFGS-B (see run)
        self.last_loss = None  # the loss at the last iterate, for tol

    def run(self, n_initial_points, rng):
        """Descend; return the number of evaluations made."""
        if not self.descent.keys:  # nothing continuous: one evaluation
            self.on_started()
            self.evaluate(np.empty(0))
            return self.used
        design = _initial_design(len(self.lows), min(n_initial_points, self.rows), rng)
        starts = []
        for i, u in enumerate(design):
            if i == len(design) - 1:  # a failure summary waits for the whole design
                self.on_started()
            loss, grad = self.evaluate(u)
            if np.isfinite(loss) and np.all(np.isfinite(grad)):
                starts.append((loss, tuple(u)))
        self.iteration = 1
        # from the best design point; once that descent has converged, the
        # rows left go to a descent from the next best (another basin, maybe)
        for loss, start in sorted(starts):
            self.last_loss = loss
            # L-BFGS-B's first step in a box is minus the gradient: scaled so,
            # it moves _FIRST_STEP across the box whatever the loss's unit
            norm = float(np.linalg.norm(self.evaluate(np.array(start))[1]))
            self.scale = _FIRST_STEP / norm if norm > 0 else 1.0
            try:
                minimize(
                    self.objective, np.array(start), jac=True, method="L-BFGS-B",
                    bounds=[(0.0, 1.0)] * len(self.lows), callback=self.next_iteration,
                    options={
                        "maxfun": self.rows, "maxiter": self.rows,
                        "gtol": self.tol * _FIRST_STEP,
                    },
                )
            except _OutOfRows:
                break
            except (_NotFinite, _Converged):
                pass
            self.iteration += 1
        return self.used

    def evaluate(self, u):
        """The loss and its gradient in the unit box at ``u``."""
        key = tuple(float(v) for v in u)
        if key in self.seen:  # a point asked again is not refitted
            return self.seen[key]
        if self.used >= self.rows:
            raise _OutOfRows
        self.used += 1
        where = f"iteration {self.iteration}" if self.iteration else "initial design"
        batch = Batch(
            [self.descent.params(self.lows + u * self.widths)],
            {"iter": [self.iteration]},
            label=f"{self.label}, {where}",
        )
        self.record.evaluate(batch, self.search_ctx)
        outs = self.record.outs[-self.record.n_splits:]
        _warn_hyper_errors(outs)
        loss, grad = _fold_mean(outs)
        self.seen[key] = (loss, grad * self.widths)
        return self.seen[key]

    def objective(self, u):
        """L-BFGS-B's objective: the scaled loss and gradient."""
        loss, grad = self.evaluate(u)
        if not (np.isfinite(loss) and np.all(np.isfinite(grad))):
            raise _NotFinite
        return self.scale * loss, self.scale * grad

    def next_iteration(self, u):
        """L-BFGS-B's callback: stop once an iteration improves the loss by
        less than ``tol``, relatively."""
        loss = self.seen[tuple(float(v) for v in u)][0]
        previous, self.last_loss = self.last_loss, loss
        self.iteration += 1
        if previous - loss <= self.tol * max(abs(previous), np.finfo(float).tiny):
            raise _Converged
