"""Benchmark skhyper's HypergradientSearchCV against a dense GridSearchCV,
BayesSearchCV and scikit-learn's estimator-specific CV classes: fits and wall
time to reach the same CV loss.

Every tool searches each task once per seed, with ``n_jobs=1`` and one
BLAS/OpenMP thread (threadpoolctl), on the *same* folds (the seed's splits
are drawn once and passed to every tool as a list). Results go to stdout as
markdown tables; progress and tracebacks go to stderr.

**Loss.** Every tool minimizes the fold-mean CV loss that
HypergradientSearchCV differentiates: the mean squared error for the
regressors, the log-loss for the classifiers. The searches are run with
``scoring="neg_mean_squared_error"`` / ``"neg_log_loss"``, so
``-cv_results_["mean_test_score"]`` is that loss for every row, in
evaluation order (checked against HypergradientSearchCV's ``hyper_loss``
column wherever that is finite; a consistency note reports the largest
relative difference). The CV classes' loss per grid value is read from
their paths (``mse_path_`` averaged over folds, ``scores_`` of
LogisticRegressionCV with ``scoring="neg_log_loss"``).

**Tasks** (data bundled with scikit-learn, no downloads; X standardized by a
StandardScaler fitted on all of X beforehand, the same for every tool: a CV
class cannot scale within its own folds, so no tool does):

* ``ridge-diabetes``: ``load_diabetes`` (442 x 10); ``Ridge(alpha)``,
  ``alpha`` in ``Real(1e-6, 1e4, log)``; ``KFold(5, shuffle=True,
  random_state=seed)``. CV class: ``RidgeCV(alphas=grid, cv=folds,
  scoring="neg_mean_squared_error")``. With an explicit ``cv`` RidgeCV is a
  grid search over Ridge fits (GridSearchCV inside), not its closed-form
  leave-one-out (``cv=None``, which uses other folds); it stores only
  ``best_score_``, so its loss curve is taken from the grid search (the same
  grid, folds and fits) and its wall time is measured on its own
  (``-best_score_`` is checked against the grid's best).
* ``lasso-diabetes-poly`` (more features than samples): the first 150 rows
  of diabetes, ``PolynomialFeatures(degree=3, include_bias=False)`` -> 285
  features, then standardized; raw y. ``Lasso(max_iter=1000, tol=1e-6)``,
  ``alpha`` in ``Real(1e-4, 10, log)``; KFold(5) as above. CV class:
  ``LassoCV(alphas=grid, cv=folds, max_iter=1000, tol=1e-6)`` (a
  warm-started coordinate-descent path). ``max_iter`` is 1000, not 10000,
  for every tool: fits at ``alpha`` below ~0.3 do not converge on these
  data either way (10000 epochs still leave duality gaps of 1-100 at
  ``alpha <= 0.03``) and cost ~0.3 s each with 10000, which made the dense
  grids too slow; near the optimum (``alpha`` ~ 2-4) fits converge to
  ``tol=1e-6`` in a few hundred epochs. diabetes' ``sex`` column is binary,
  so its powers are affine in it: the polynomial columns are exactly
  collinear.
* ``enet-diabetes-poly``: the same data; ``ElasticNet(max_iter=1000,
  tol=1e-6)``, ``alpha`` in ``Real(1e-4, 10, log)`` and ``l1_ratio`` in
  ``Real(0.05, 1.0)``. The grid is 100 alphas x 5 l1_ratios (``linspace(0.05,
  1, 5)``); CV class ``ElasticNetCV(l1_ratio=those 5, alphas=grid,
  cv=folds, max_iter=1000, tol=1e-6)``.
* ``logistic-digits``: ``load_digits`` (1797 x 64, 10 classes);
  multinomial ``LogisticRegression()`` (lbfgs, ``tol=1e-4``,
  ``max_iter=100``: the defaults, for every tool), ``C`` in ``Real(1e-4,
  1e2, log)``; ``StratifiedKFold(5, shuffle=True, random_state=seed)``;
  log-loss. CV class: ``LogisticRegressionCV(Cs=grid, cv=folds,
  scoring="neg_log_loss", l1_ratios=(0.0,), use_legacy_attributes=False)``
  with the same ``tol`` and ``max_iter`` (a warm-started path over the Cs,
  ascending). At lbfgs's default ``tol=1e-4`` the fold-mean log-loss is
  not a smooth function of ``C`` at the 1e-3 level: inexact solves make it
  jagged by a few 1e-4, so a dense grid can find points a little below the
  minimum of the converged loss that the hypergradient descends to.
* ``logistic-breast-cancer``: ``load_breast_cancer`` (569 x 30, binary); the
  same estimator, space, folds and CV class, 100 Cs.
* ``kernelridge-diabetes``: diabetes, y centered (KernelRidge has no
  intercept); ``KernelRidge(kernel="rbf")``, ``alpha`` in ``Real(1e-4, 1e2,
  log)`` and ``gamma`` in ``Real(1e-5, 1, log)``; KFold(5). The grid is 40
  alphas x 25 gammas (1000 points, log-spaced); there is no CV class.

**Tools**:

* ``hypergradient``: ``HypergradientSearchCV(max_iter=20, tol=1e-5,
  random_state=seed)``, otherwise its defaults: L-BFGS-B on the exact
  hypergradient, in log space (``l1_ratio`` linear), from the best point of
  its initial design (``n_initial_points=3`` rows, which count in
  ``max_iter``), then from the next best once a descent has converged,
  until the 20 rows are used.
* ``grid``: ``GridSearchCV`` on the dense grid: 100 log-spaced values per
  continuous parameter (100 x 5 on enet, 40 x 25 on kernelridge), the
  ranges' ends included.
* ``bayes``: skhyper's ``BayesSearchCV(n_iter=30, random_state=seed)`` on the
  same space.
* the task's CV class (``RidgeCV``, ``LassoCV``, ``ElasticNetCV``,
  ``LogisticRegressionCV``) on the grid's values.

The searches run with ``refit=False``.

**Metrics** per (task, tool, seed); tables show the median [Q1-Q3] over
seeds:

* *best loss gap*: ``(best - grid_best) / grid_best``, ``best`` the lowest
  fold-mean CV loss of all the tool's evaluations and ``grid_best`` the
  grid's (so the grid's gap is 0; RidgeCV's is 0 by construction, see above).
* *target*: ``grid_best * (1 + 1e-3)``. *fits to target*: fits (evaluations
  x folds) up to and including the first evaluation whose loss is at most
  the target. A grid must fit all its points to know its best, and a CV
  class its whole path, so theirs is their total (if their best reaches the
  target at all); a path's warm starts make each of its fits cheaper. The
  median is over the seeds that reach the target; *reached* counts them.
* *total fits*: evaluations x folds (grid points x folds for the CV
  classes; their final refit on all the data is not counted).
* *wall s*: the whole ``fit``. The searches run with ``refit=False``; the CV
  classes always refit on all the data at the chosen value, so their wall is
  ``fit`` minus one separately timed fit of the task's estimator at that
  value.
* *wall to target s* (hypergradient, bayes): the fit and score seconds of
  the rows up to the target row (``(mean_fit_time + mean_score_time) x
  folds`` from ``cv_results_``) plus the rest of the wall (the search's
  own work: hypergradients, the Gaussian process) shared evenly among the
  rows. That is an approximation: BayesSearchCV's surrogate costs more in
  later rows. For grid and CV classes it is their wall.

Then what the issue's targets read, per task: *grid fits / hypergradient fits to
target* at least 10 on every seed; *fewer fits to target than bayes* on
every seed (a tool that never reaches counts as infinitely many fits);
*faster in wall time than the CV class*, judged twice: the CV class's wall
against HypergradientSearchCV's whole wall (on seeds where it reaches the
target: it must reach the same loss), and against its wall to target.
None of the CV classes here is closed form (RidgeCV with ``cv=folds`` is a
grid search), so all count. The script prints the per-seed numbers each
target is judged on; the judgement is in the README. Last, where each
search ended on each seed (grid's and hypergradient's best values,
hypergradient rows, rows whose hypergradient failed, values at a bound of
the range).

Examples
--------
Full run (6 tasks, 5 seeds; about 14 minutes in one thread, most of it the
enet grid and ElasticNetCV)::

    python benchmarks/bench_hypergradient.py > /tmp/bench_hg.md

Quick run (1 seed, coarse grids: about 1 minute)::

    python benchmarks/bench_hypergradient.py --seeds 1 --grids coarse

The grid sets every task's target: run it with the other tools (or into the
same ``--out``). ``--smoke`` is ridge-diabetes on coarse grids, one seed.

One seed of the full grids (about 2.5 minutes), some tasks::

    python benchmarks/bench_hypergradient.py --seeds 1
    python benchmarks/bench_hypergradient.py --tasks ridge-diabetes,kernelridge-diabetes
"""

import math
import time
import warnings
from dataclasses import asdict, dataclass, field
from typing import Callable, Optional

import numpy as np
from _harness import (
    Benchmark,
    Setting,
    by,
    fmt,
    main,
    one_thread,
    print_notes,
    table,
    tools_in,
)
from bench_pbt import _stats
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import (
    ElasticNet,
    ElasticNetCV,
    Lasso,
    LassoCV,
    LogisticRegression,
    LogisticRegressionCV,
    Ridge,
    RidgeCV,
)
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skhyper import BayesSearchCV, HypergradientSearchCV, Real

SEARCH_TOOLS = ("hypergradient", "grid", "bayes")
ALL_TOOLS = SEARCH_TOOLS + ("cv-class",)
REL_TOL = 1e-3  # the target: grid_best * (1 + REL_TOL)
MAX_ITER = 20  # HypergradientSearchCV's
BAYES_ITER = 30


# ---------------------------------------------------------------------------
# Data (fixed; the folds follow the seed).


def _standardized(X):
    return StandardScaler().fit_transform(X)


def _diabetes():
    X, y = load_diabetes(return_X_y=True)
    return _standardized(X), y


def _diabetes_centered():
    X, y = _diabetes()
    return X, y - y.mean()


def _diabetes_poly():
    X, y = load_diabetes(return_X_y=True)
    X = PolynomialFeatures(degree=3, include_bias=False).fit_transform(X[:150])
    return _standardized(X), y[:150]


def _digits():
    X, y = load_digits(return_X_y=True)
    return _standardized(X), y


def _breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return _standardized(X), y


# ---------------------------------------------------------------------------
# Tasks.


def _log_grid(low, high, n):
    return [float(v) for v in np.geomspace(low, high, n)]


@dataclass
class Task:
    name: str
    title: str
    data: Callable[[], tuple]  # () -> X, y
    estimator: Callable[[], object]
    space: Callable[[], dict]  # skhyper Real ranges
    grid: Callable[[bool], dict]  # quick -> GridSearchCV's param_grid
    classifier: bool
    cv_class: Optional[str] = None  # "RidgeCV", ...: see run_cv_class

    @property
    def scoring(self):
        return "neg_log_loss" if self.classifier else "neg_mean_squared_error"

    @property
    def loss_name(self):
        return "log-loss" if self.classifier else "MSE"

    def folds(self, X, y, seed):
        kind = StratifiedKFold if self.classifier else KFold
        return list(kind(5, shuffle=True, random_state=seed).split(X, y))


# Coordinate descent's settings on the polynomial data, for every tool. Fits at
# alpha < ~0.3 never converge there (10000 epochs still leave duality gaps of
# 1-100 at alpha <= 0.03) and cost ~0.3 s each with max_iter=10000: 1000 keeps
# the dense grids affordable; fits near the optimum converge in < 500 epochs
# to tol=1e-6 either way.
CD = dict(max_iter=1000, tol=1e-6)


def _lasso():
    return Lasso(**CD)


def _enet():
    return ElasticNet(**CD)


ALPHA_POLY = (1e-4, 10.0)
C_RANGE = (1e-4, 1e2)
L1_RATIOS = [float(v) for v in np.linspace(0.05, 1.0, 5)]

TASKS = {
    "ridge-diabetes": Task(
        name="ridge-diabetes",
        title="Ridge(alpha) on standardized diabetes (442 x 10)",
        data=_diabetes,
        estimator=Ridge,
        space=lambda: {"alpha": Real(1e-6, 1e4, prior="log-uniform")},
        grid=lambda quick: {"alpha": _log_grid(1e-6, 1e4, 30 if quick else 100)},
        classifier=False,
        cv_class="RidgeCV",
    ),
    "lasso-diabetes-poly": Task(
        name="lasso-diabetes-poly",
        title="Lasso(alpha) on diabetes' first 150 rows, degree-3 polynomial "
        "features (150 x 285: more features than samples)",
        data=_diabetes_poly,
        estimator=_lasso,
        space=lambda: {"alpha": Real(*ALPHA_POLY, prior="log-uniform")},
        grid=lambda quick: {"alpha": _log_grid(*ALPHA_POLY, 30 if quick else 100)},
        classifier=False,
        cv_class="LassoCV",
    ),
    "enet-diabetes-poly": Task(
        name="enet-diabetes-poly",
        title="ElasticNet(alpha, l1_ratio) on the same 150 x 285 polynomial "
        "diabetes",
        data=_diabetes_poly,
        estimator=_enet,
        space=lambda: {
            "alpha": Real(*ALPHA_POLY, prior="log-uniform"),
            "l1_ratio": Real(0.05, 1.0),
        },
        grid=lambda quick: {
            "alpha": _log_grid(*ALPHA_POLY, 20 if quick else 100),
            "l1_ratio": L1_RATIOS,
        },
        classifier=False,
        cv_class="ElasticNetCV",
    ),
    "logistic-digits": Task(
        name="logistic-digits",
        title="multinomial LogisticRegression(C) on standardized digits "
        "(1797 x 64, 10 classes)",
        data=_digits,
        estimator=LogisticRegression,
        space=lambda: {"C": Real(*C_RANGE, prior="log-uniform")},
        grid=lambda quick: {"C": _log_grid(*C_RANGE, 30 if quick else 100)},
        classifier=True,
        cv_class="LogisticRegressionCV",
    ),
    "logistic-breast-cancer": Task(
        name="logistic-breast-cancer",
        title="binary LogisticRegression(C) on standardized breast cancer "
        "(569 x 30)",
        data=_breast_cancer,
        estimator=LogisticRegression,
        space=lambda: {"C": Real(*C_RANGE, prior="log-uniform")},
        grid=lambda quick: {"C": _log_grid(*C_RANGE, 30 if quick else 100)},
        classifier=True,
        cv_class="LogisticRegressionCV",
    ),
    "kernelridge-diabetes": Task(
        name="kernelridge-diabetes",
        title='KernelRidge(kernel="rbf", alpha, gamma) on standardized diabetes, '
        "y centered",
        data=_diabetes_centered,
        estimator=lambda: KernelRidge(kernel="rbf"),
        space=lambda: {
            "alpha": Real(1e-4, 1e2, prior="log-uniform"),
            "gamma": Real(1e-5, 1.0, prior="log-uniform"),
        },
        grid=lambda quick: {
            "alpha": _log_grid(1e-4, 1e2, 15 if quick else 40),
            "gamma": _log_grid(1e-5, 1.0, 10 if quick else 25),
        },
        classifier=False,
    ),
}


# ---------------------------------------------------------------------------
# Running one tool and measuring it.


@dataclass
class Run:
    losses: np.ndarray  # fold-mean CV loss of every evaluation, in order
    points: list  # the parameters of each evaluation
    n_splits: int
    wall: float
    sequential: bool  # evaluations in order (hypergradient, bayes)
    row_seconds: Optional[np.ndarray] = None  # (fit + score) x folds per row
    raw_wall: float = math.nan  # a CV class's fit, its refit included
    convergence_warnings: int = 0
    hyper_failed_rows: int = 0
    hyper_warning: str = ""
    notes: list = field(default_factory=list)

    @property
    def total_fits(self):
        return len(self.losses) * self.n_splits

    @property
    def best(self):
        return float(np.nanmin(self.losses))

    @property
    def best_point(self):
        return self.points[int(np.nanargmin(self.losses))]

    def first_reaching(self, target):
        """Index of the first evaluation at or below ``target``, or None."""
        hits = np.flatnonzero(self.losses <= target)
        return int(hits[0]) if hits.size else None

    def fits_to_target(self, target):
        first = self.first_reaching(target)
        if first is None:
            return None
        return (first + 1) * self.n_splits if self.sequential else self.total_fits

    def wall_to_target(self, target):
        first = self.first_reaching(target)
        if first is None:
            return None
        if not self.sequential:
            return self.wall
        n = len(self.losses)
        overhead = max(self.wall - float(self.row_seconds.sum()), 0.0)
        return float(self.row_seconds[: first + 1].sum()) + overhead * (first + 1) / n


class _Recorder(warnings.catch_warnings):
    """Counts ConvergenceWarnings and keeps HypergradientSearchCV's warnings
    that a hypergradient failed; every other warning is hidden."""

    def __enter__(self):
        self.log = super().__enter__()
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", ConvergenceWarning)
        warnings.filterwarnings("always", message="The hypergradient failed")
        return self

    def count(self, category):
        return sum(issubclass(w.category, category) for w in self.log)

    def messages(self, prefix):
        return [str(w.message) for w in self.log if str(w.message).startswith(prefix)]


def _search(task, tool, folds, seed, quick):
    shared = dict(scoring=task.scoring, cv=folds, n_jobs=1, refit=False)
    if tool == "hypergradient":
        return HypergradientSearchCV(
            task.estimator(), task.space(), max_iter=MAX_ITER, tol=1e-5,
            random_state=seed, **shared,
        )
    if tool == "bayes":
        return BayesSearchCV(
            task.estimator(), task.space(), n_iter=BAYES_ITER, random_state=seed,
            **shared,
        )
    return GridSearchCV(task.estimator(), task.grid(quick), **shared)


def run_search(task, tool, X, y, folds, seed, quick):
    search = _search(task, tool, folds, seed, quick)
    with _Recorder(record=True) as rec:
        start = time.perf_counter()
        search.fit(X, y)
        wall = time.perf_counter() - start
    res = search.cv_results_
    n_splits = search.n_splits_
    losses = -np.asarray(res["mean_test_score"], dtype=float)
    row_seconds = (
        np.asarray(res["mean_fit_time"]) + np.asarray(res["mean_score_time"])
    ) * n_splits
    run = Run(
        losses=losses,
        points=[dict(p) for p in res["params"]],
        n_splits=n_splits,
        wall=wall,
        sequential=tool != "grid",
        row_seconds=row_seconds,
        convergence_warnings=rec.count(ConvergenceWarning),
    )
    if tool == "hypergradient":
        hyper = np.asarray(res["hyper_loss"], dtype=float)
        finite = np.isfinite(hyper)
        run.hyper_failed_rows = int((~finite).sum())
        failed = rec.messages("The hypergradient failed")
        run.hyper_warning = failed[0] if failed else ""
        if finite.any():
            rel = np.abs(hyper[finite] - losses[finite]) / np.abs(losses[finite])
            run.notes.append(("hyper_loss", float(rel.max())))
        if search.n_iter_ != len(losses):
            text = f"n_iter_ {search.n_iter_} != {len(losses)} rows"
            run.notes.append(("n_iter_", text))
    return run


def _cv_class(task, grid, folds):
    if task.cv_class == "RidgeCV":
        return RidgeCV(alphas=grid["alpha"], cv=folds, scoring="neg_mean_squared_error")
    if task.cv_class == "LassoCV":
        return LassoCV(alphas=grid["alpha"], cv=folds, n_jobs=1, **CD)
    if task.cv_class == "ElasticNetCV":
        return ElasticNetCV(
            l1_ratio=grid["l1_ratio"], alphas=grid["alpha"], cv=folds, n_jobs=1,
            **CD,
        )
    est = task.estimator()
    return LogisticRegressionCV(
        Cs=grid["C"], cv=folds, scoring="neg_log_loss", l1_ratios=(0.0,),
        use_legacy_attributes=False, tol=est.tol, max_iter=est.max_iter, n_jobs=1,
    )


def _cv_path(task, model):
    """(losses, points) of a fitted CV class, one per grid value."""
    if task.cv_class == "LassoCV":
        points = [{"alpha": float(a)} for a in model.alphas_]
        return model.mse_path_.mean(axis=1), points
    if task.cv_class == "ElasticNetCV":
        losses = model.mse_path_.mean(axis=-1)  # (n_l1_ratio, n_alphas)
        points = [
            {"alpha": float(a), "l1_ratio": float(r)}
            for r, alphas in zip(
                model.l1_ratio,
                np.broadcast_to(model.alphas_, (len(model.l1_ratio), losses.shape[1])),
            )
            for a in alphas
        ]
        return losses.ravel(), points
    losses = -model.scores_.mean(axis=0).ravel()  # (n_folds, 1, n_cs)
    return losses, [{"C": float(c)} for c in model.Cs_]


def _chosen(task, model):
    if task.cv_class == "ElasticNetCV":
        return {"alpha": float(model.alpha_), "l1_ratio": float(model.l1_ratio_)}
    if task.cv_class == "LogisticRegressionCV":
        return {"C": float(np.ravel(model.C_)[0])}
    return {"alpha": float(model.alpha_)}


def _key(point):
    return tuple(sorted((k, float(f"{v:.10g}")) for k, v in point.items()))


def _matching(points, losses, run):
    """Largest relative difference between ``losses`` at ``points`` and
    ``run``'s loss at the same parameter values (those it has)."""
    table = {_key(p): v for p, v in zip(run.points, run.losses)}
    diffs = [
        abs(v - table[_key(p)]) / abs(table[_key(p)])
        for p, v in zip(points, losses)
        if _key(p) in table
    ]
    return float(max(diffs)) if diffs else math.nan


def run_cv_class(task, X, y, folds, quick):
    grid = task.grid(quick)
    model = _cv_class(task, grid, folds)
    with _Recorder(record=True) as rec:
        start = time.perf_counter()
        model.fit(X, y)
        raw = time.perf_counter() - start
        chosen = _chosen(task, model)
        single = task.estimator().set_params(**chosen)
        start = time.perf_counter()
        single.fit(X, y)
        refit = time.perf_counter() - start
    # RidgeCV keeps best_score_ only: its curve is the grid's, filled in by
    # _with_grid when the tables are made
    losses, points = _cv_path(task, model) if task.cv_class != "RidgeCV" else ([], [])
    run = Run(
        losses=np.asarray(losses, dtype=float),
        points=points,
        n_splits=len(folds),
        wall=raw - refit,
        sequential=False,
        raw_wall=raw,
        convergence_warnings=rec.count(ConvergenceWarning),
    )
    if task.cv_class == "RidgeCV":
        run.notes.append(("RidgeCV best_score_", float(-model.best_score_)))
    return run


def _with_grid(task, run, grid_run):
    """A CV class's run checked against the grid's of the same seed (and, for
    RidgeCV, given the grid's curve)."""
    if task.cv_class == "RidgeCV":
        ridge = run.notes[0][1]
        run.losses, run.points = grid_run.losses, grid_run.points
        rel = abs(ridge - grid_run.best) / grid_run.best
        run.notes = [("RidgeCV best_score_", rel)]
    else:
        run.notes = [("path vs grid", _matching(run.points, run.losses, grid_run))]
    return run


# ---------------------------------------------------------------------------
# Tables and targets.


def _mq(values, digits=3):
    """``median [Q1–Q3]`` of the values that are not None or NaN."""
    values = [float(v) for v in values if v is not None]
    med, lo, hi = _stats(values)
    if math.isnan(med):
        return "—"
    return f"{fmt(med, digits)} [{fmt(lo, digits)}–{fmt(hi, digits)}]"


def _tool_names(task, tools):
    names = [t for t in tools if t != "cv-class"]
    if "cv-class" in tools and task.cv_class:
        names.append(task.cv_class)
    return names


def _fmt_point(point):
    return ", ".join(f"{k}={v:.4g}" for k, v in point.items())


def _at_bound(task, point):
    space = task.space()
    out = []
    for key, v in point.items():
        dim = space[key]
        if np.isclose(v, dim.low, rtol=1e-6) or np.isclose(v, dim.high, rtol=1e-6):
            out.append(key)
    return out


def _print_task(task, runs, tools, seeds, quick):
    X, y = task.data()
    grid = task.grid(quick)
    n_grid = int(np.prod([len(v) for v in grid.values()]))
    grid_desc = " x ".join(f"{len(v)} {k}" for k, v in grid.items())
    print(f"## {task.name}: {task.title}\n")
    grid_best = {s: r.best for s, r in runs.get("grid", {}).items()}
    print(
        f"- {X.shape[0]} samples x {X.shape[1]} features; "
        f"{'StratifiedKFold' if task.classifier else 'KFold'}(5, shuffle=True, "
        f"random_state=seed), the same folds for every tool; loss: fold-mean "
        f"{task.loss_name} (scoring={task.scoring!r})"
    )
    print(
        f"- space: {', '.join(f'{k} {d!r}' for k, d in task.space().items())}; "
        f"grid: {grid_desc} ({n_grid} points, {n_grid * 5} fits); "
        f"hypergradient max_iter={MAX_ITER}; bayes n_iter={BAYES_ITER}"
        + (f"; CV class {task.cv_class} on the grid's values" if task.cv_class else "")
    )
    within = [
        float(np.mean(r.losses <= r.best * (1 + REL_TOL)))
        for r in runs.get("grid", {}).values()
    ]
    print(
        f"- grid best loss (median over seeds): {_mq(grid_best.values(), 6)}; "
        f"target = grid best x (1 + {REL_TOL:g}) per seed; fraction of the grid's "
        f"points at or below the target: {_mq(within, 2)}\n"
    )
    header = [
        "tool", "best loss gap", "fits to target", "reached", "total fits",
        "wall s", "wall to target s",
    ]
    rows = []
    n = len(seeds)
    for tool in _tool_names(task, tools):
        if tool not in runs or not runs[tool]:
            rows.append([tool] + ["—"] * (len(header) - 1))
            continue
        per = runs[tool]
        gaps, fits, walls, to_target, totals = [], [], [], [], []
        for s, r in per.items():
            if s not in grid_best:
                continue
            g = grid_best[s]
            target = g * (1 + REL_TOL)
            gaps.append((r.best - g) / g)
            fits.append(r.fits_to_target(target))
            to_target.append(r.wall_to_target(target))
            walls.append(r.wall)
            totals.append(r.total_fits)
        reached = sum(f is not None for f in fits)
        rows.append([
            tool,
            _mq(gaps, 3),
            _mq(fits, 4) if reached else "not reached",
            f"{reached}/{len(fits)}",
            _mq(totals, 4),
            _mq(walls, 3),
            _mq(to_target, 3) if reached else "—",
        ])
    print(f"### Median [Q1–Q3] over {n} seed{'s' if n != 1 else ''}\n")
    print(table(header, rows))
    print()
    cw = []
    for tool in _tool_names(task, tools):
        if runs.get(tool):
            per_fit = [
                r.convergence_warnings / r.total_fits for r in runs[tool].values()
            ]
            cw.append(f"{tool} {fmt(float(np.median(per_fit)), 2)}")
    print(
        "- ConvergenceWarnings per fit (median over seeds): " + ", ".join(cw)
        + (
            f"; {task.cv_class} wall excludes its final refit (fit "
            f"{_mq([r.raw_wall for r in runs[task.cv_class].values()], 3)} s "
            f"with it)"
            if task.cv_class in runs and runs[task.cv_class]
            else ""
        )
    )
    print()
    _targets(task, runs, grid_best)
    _print_ends(task, runs, grid_best)


def _targets(task, runs, grid_best):
    print("### Fits and time to the target\n")
    hg = runs.get("hypergradient", {})
    seeds = [s for s in sorted(hg) if s in grid_best]
    fits_hg = {s: hg[s].fits_to_target(grid_best[s] * (1 + REL_TOL)) for s in seeds}
    grid = runs.get("grid", {})
    if seeds and grid:
        ratios = {
            s: (grid[s].total_fits / fits_hg[s] if fits_hg[s] else None) for s in seeds
        }
        shown = ", ".join(
            "not reached" if r is None else f"{r:.3g}" for r in ratios.values()
        )
        reached = [r for r in ratios.values() if r is not None]
        print(
            f"- grid fits / hypergradient fits to target: per seed {shown}"
            + (f"; median {np.median(reached):.3g}" if reached else "")
        )
    bayes = runs.get("bayes", {})
    common = [s for s in seeds if s in bayes]
    if common:
        fits_b = {
            s: bayes[s].fits_to_target(grid_best[s] * (1 + REL_TOL)) for s in common
        }
        inf = lambda v: math.inf if v is None else v  # noqa: E731
        fewer = sum(inf(fits_hg[s]) < inf(fits_b[s]) for s in common)
        pairs = ", ".join(
            f"{'—' if fits_hg[s] is None else fits_hg[s]} vs "
            f"{'—' if fits_b[s] is None else fits_b[s]}"
            for s in common
        )
        print(
            f"- hypergradient vs bayes fits to target (per seed, — = not reached): "
            f"{pairs}; hypergradient fewer on {fewer}/{len(common)} seeds"
        )
    cvc = runs.get(task.cv_class, {}) if task.cv_class else {}
    common = [s for s in seeds if s in cvc]
    if common:
        target = {s: grid_best[s] * (1 + REL_TOL) for s in common}
        whole = {s: cvc[s].wall / hg[s].wall for s in common}
        to_t = {s: hg[s].wall_to_target(target[s]) for s in common}
        early = {s: (cvc[s].wall / to_t[s] if to_t[s] else None) for s in common}
        cv_reached = sum(cvc[s].fits_to_target(target[s]) is not None for s in common)
        closed = (
            "not closed form: with cv=folds RidgeCV is a grid search over Ridge fits"
            if task.cv_class == "RidgeCV"
            else "not closed form: a warm-started path"
        )
        print(
            f"- {task.cv_class} ({closed}; reaches the target on "
            f"{cv_reached}/{len(common)} seeds) wall "
            f"{_mq([cvc[s].wall for s in common], 3)} s against hypergradient's "
            f"whole fit {_mq([hg[s].wall for s in common], 3)} s: "
            f"ratio per seed {', '.join(f'{whole[s]:.3g}' for s in common)} "
            f"(hypergradient reaches the target on "
            f"{sum(fits_hg[s] is not None for s in common)}/{len(common)})"
        )
        print(
            f"- {task.cv_class} wall / hypergradient wall to target: per seed "
            + ", ".join(
                "not reached" if early[s] is None else f"{early[s]:.3g}" for s in common
            )
        )
    print()


def _print_ends(task, runs, grid_best):
    hg = runs.get("hypergradient", {})
    grid = runs.get("grid", {})
    if not hg:
        return
    print("### Where the searches ended\n")
    for s in sorted(hg):
        r = hg[s]
        line = f"- seed {s}: "
        if s in grid:
            line += f"grid best {_fmt_point(grid[s].best_point)} ({grid[s].best:.6g}); "
        line += (
            f"hypergradient best {_fmt_point(r.best_point)} ({r.best:.6g}"
            + (
                f", gap {(r.best - grid_best[s]) / grid_best[s]:+.2e}"
                if s in grid_best
                else ""
            )
            + f"), {len(r.losses)} rows"
        )
        bound = _at_bound(task, r.best_point)
        if bound:
            line += f", best at a bound of {', '.join(bound)}"
        last = _at_bound(task, r.points[-1])
        if last and not bound:
            line += f", last row at a bound of {', '.join(last)}"
        if r.hyper_failed_rows:
            line += (
                f"; hypergradient failed on {r.hyper_failed_rows} row(s): "
                f"{r.hyper_warning}"
            )
        print(line)
    print()


# ---------------------------------------------------------------------------
# The benchmark.


def run(name, tool, seed, settings):
    task = TASKS[name]
    if tool == "cv-class" and task.cv_class is None:
        return None  # kernel ridge has no CV class
    quick = settings["grids"] == "coarse"
    X, y = task.data()
    folds = task.folds(X, y, seed)
    if tool == "cv-class":
        result = run_cv_class(task, X, y, folds, quick)
    else:
        result = run_search(task, tool, X, y, folds, seed, quick)
    out = asdict(result)
    out["losses"] = [float(v) for v in result.losses]
    if result.row_seconds is not None:
        out["row_seconds"] = [float(v) for v in result.row_seconds]
    return out


def _as_run(record):
    values = {f: record.get(f) for f in Run.__dataclass_fields__}
    values["losses"] = np.array(
        [np.nan if v is None else v for v in values["losses"]], dtype=float
    )
    if values["row_seconds"] is not None:
        values["row_seconds"] = np.asarray(values["row_seconds"], dtype=float)
    values["raw_wall"] = math.nan if values["raw_wall"] is None else values["raw_wall"]
    values["notes"] = [tuple(n) for n in values["notes"]]
    return Run(**values)


_NOTES = {
    "hyper_loss": "largest relative difference between hyper_loss and "
    "-mean_test_score over rows with a finite hyper_loss",
    "best_score_": "relative difference of -best_score_ from the grid's best loss",
    "path vs grid": "largest relative difference of the path's fold-mean loss "
    "from the grid search's at the same values",
}


def report(records, settings):
    quick = settings["grids"] == "coarse"
    print(
        "- n_jobs=1, one BLAS/OpenMP thread (threadpoolctl); refit=False for the "
        "searches; loss = fold-mean CV MSE or log-loss, lower is better; "
        f"target = the grid's best x (1 + {REL_TOL:g})"
        + ("; coarse grids" if quick else "")
        + "\n"
    )
    records = [r for r in records if "error" not in r]
    tools = tools_in((r["tool"] for r in records), ALL_TOOLS)
    notes = {}
    for name, task_records in by(records, "task").items():
        task = TASKS[name]
        runs = {}
        for r in task_records:
            label = task.cv_class if r["tool"] == "cv-class" else r["tool"]
            runs.setdefault(label, {})[r["seed"]] = _as_run(r)
        if "grid" not in runs:
            print(f"## {name}: no grid runs, which set the target\n")
            continue
        for seed, r in runs.get(task.cv_class, {}).items():
            if seed in runs["grid"]:
                _with_grid(task, r, runs["grid"][seed])
        for label, per_seed in runs.items():
            for seed, r in per_seed.items():
                for what, value in r.notes:
                    key = f"{name}/{label} {what}"
                    if isinstance(value, float):
                        notes[key] = max(notes.get(key, 0.0), value)
                    else:
                        notes.setdefault(key, f"seed {seed}: {value}")
        seeds = sorted({r["seed"] for r in task_records})
        _print_task(task, runs, tools, seeds, quick)
    for key, value in notes.items():
        what = next((t for k, t in _NOTES.items() if key.endswith(k)), None)
        if what:
            notes[key] = f"{what}: {value:.2g}"
    print_notes(notes)


BENCHMARK = Benchmark(
    title="HypergradientSearchCV benchmark",
    tasks=TASKS,
    tools=dict.fromkeys(ALL_TOOLS),
    run=run,
    report=report,
    settings={
        "grids": Setting(
            "dense", "coarse",
            "dense: 100 values per parameter (100 x 5 on enet, 40 x 25 on "
            "kernelridge); coarse: 30 (20 x 5, 15 x 10)",
        ),
    },
    seeds=5,
    smoke_tasks=["ridge-diabetes"],
    setup=one_thread,
    versions=("skhyper", "sklearn", "numpy", "scipy", "threadpoolctl"),
)

if __name__ == "__main__":
    main(BENCHMARK)
