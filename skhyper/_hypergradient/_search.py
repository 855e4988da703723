"""HypergradientSearchCV: gradient descent on continuous hyperparameters.

The search plans its descents here: one per combination of the values of
the space's other parameters, each checked before any fit (or the reason it
cannot be descended, which ``fallback`` decides on). Each evaluation fits the
estimator once per fold (scikit-learn's own ``_fit_and_score``, so the
user's ``scoring`` is computed as GridSearchCV computes it) and, in the same
worker, the validation loss of that fold and its exact gradient with respect
to the continuous hyperparameters (:mod:`._registry`). The fold-mean loss and
gradient drive scipy's L-BFGS-B in log space (:mod:`._descent`); every
function evaluation is one row of ``cv_results_``.
"""

import itertools
import math
import warnings
from numbers import Integral, Real as RealNumber

import numpy as np
from sklearn.base import clone
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import TargetEncoder

from .._compat import Interval, StrOptions
from .._batch import Batch
from .._engine import _SearchCV
from .._fresh import _FreshEvaluator
from ..optimizer import BayesOptimizer, every_point_within
from ..space import SearchSpace
from ..space._dimensions import Categorical, Distribution, Real
from ._descent import _Descent, _DescentRun, _fold_mean, _HypergradEvaluator
from ._registry import hyperspec, supported

__all__ = ["HypergradientSearchCV"]


def _final_step(estimator):
    """``(prefix, final)``: the estimator a Pipeline (nested or not) ends
    with, and the prefix of its parameter names (``""`` or ``"clf__"``)."""
    prefix = ""
    while isinstance(estimator, Pipeline):
        name, estimator = estimator.steps[-1]
        prefix += f"{name}__"
    return prefix, estimator


def _check_heads(estimator):
    """Refuse Pipeline steps whose ``fit_transform`` on the training fold is
    not their ``transform`` of it, which the hypergradient recomputes."""
    while isinstance(estimator, Pipeline):
        for name, step in estimator.steps[:-1]:
            if isinstance(step, TargetEncoder):
                raise ValueError(
                    f"Pipeline step {name!r} is a TargetEncoder, whose fit_transform "
                    f"cross-fits: the features the model was trained on are not its "
                    f"transform of the training fold, which the hypergradient needs."
                )
        estimator = estimator.steps[-1][1]


class HypergradientSearchCV(_SearchCV):
    """Gradient descent on continuous hyperparameters, by exact hypergradients.

    The validation loss of each CV fold is a smooth function of continuous
    hyperparameters such as Ridge's ``alpha`` or LogisticRegression's ``C``;
    its gradient with respect to them (the *hypergradient*) follows exactly
    from the fitted model, by the implicit function theorem. The search
    minimizes the fold-mean validation loss with L-BFGS-B in log space,
    within the ranges of ``search_spaces``, and needs far fewer fits than a
    grid or a Bayesian search when the loss is smooth.

    The differentiated loss is the **squared error** for regressors and the
    **log-loss** for classifiers, averaged over each test fold and then over
    the folds. The best row, the refit and ``best_score_`` follow the user's
    ``scoring``, as in every search.

    Supported (a subclass too; the search looks estimators up through their
    class hierarchy): Ridge (``alpha``), KernelRidge (``alpha``, and ``gamma``
    with ``kernel="rbf"``), LogisticRegression with an L2 penalty (``C``:
    binary, multinomial, and one-vs-rest with ``multi_class="ovr"`` before
    scikit-learn 1.8), OneVsRestClassifier of such a LogisticRegression
    (``estimator__C``; not on a multilabel target), Lasso (``alpha``) and
    ElasticNet (``alpha``, ``l1_ratio``), alone or as a Pipeline's last step
    (the earlier steps are fitted once per fold, with the model). The
    log-loss differentiated is that of the model's own ``predict_proba``
    (a one-vs-rest model's normalized sigmoids, each binary problem
    differentiated on its own). Sample weights are not supported.

    Parameters
    ----------
    estimator : estimator object
        A supported estimator, or a Pipeline ending with one.
    search_spaces : dict, list of dict or SearchSpace
        Continuous parameters as :class:`~skhyper.Real` ranges (or bounded
        continuous scipy.stats distributions): ``alpha``, ``C`` and
        ``gamma`` are optimized in log space (their range must not include
        0), ``l1_ratio`` on its own scale. Every other parameter (a list of
        values, :class:`~skhyper.Categorical`, :class:`~skhyper.Integer`)
        runs an outer loop: one descent for each combination of their values
        (and for each subspace of a list of dicts). A space with no
        continuous range of a parameter that has a hypergradient would only
        be a grid: that is an error (see ``fallback``). When something is
        descended, one warning before the first fit names what is not: a
        parameter with a hypergradient given as values (evaluated at each of
        them), and a subspace with no continuous range (each of its settings
        evaluated once).
    max_iter : int, default=20
        Rows of ``cv_results_`` in all: every evaluation (one fit per fold,
        line-search evaluations included) is one row. With an outer loop the
        rows are shared evenly between the descents.
    tol : float, default=1e-5
        A descent converges once an iteration lowers the loss by less than ``tol``
        times the loss, or once every component of the projected gradient (in
        the unit box of the ranges) is below ``tol`` times the gradient's
        norm at the start. With ``tol=0`` a descent runs until its rows are
        used up or L-BFGS-B cannot lower the loss any more.
    n_initial_points : int, default=3
        Each descent first evaluates this many points spread over its ranges
        (a centred Latin hypercube: one in each of ``n_initial_points`` equal
        slices of every range, in log space for log parameters) and descends
        from the best, so that one flat or misleading region does not decide
        where it goes; when that descent has converged, the rows left go to a
        descent from the next best point, which may lie in another basin.
        ``1`` starts in the middle of the ranges.
    fallback : {"raise", "bayes"}, default="raise"
        What to do when the estimator, a continuous parameter or the
        estimator's configuration (an L1 penalty, class weights, a
        TargetEncoder step ...) has no hypergradient, when a range cannot be
        descended (an unbounded distribution, a log-scaled parameter's range
        reaching 0, infinitely many discrete values), when the space has
        nothing to descend (no continuous range of a parameter with a
        hypergradient), or when ``sample_weight`` is passed to ``fit`` (the
        loss differentiated is unweighted): ``"raise"`` a ValueError, before
        any fit, saying why and listing what is supported, or ``"bayes"``:
        warn once and run BayesSearchCV's loop on the same space with
        ``max_iter`` evaluations (a finite space of at most ``max_iter``
        points: each point once, in order, as BayesSearchCV).
    search_metric : str, default=None
        With multi-metric scoring, the scorer that ``verbose`` reports and
        the Bayes fallback optimizes. Defaults to ``refit`` when it is a
        string, else the first scorer named (the first key of a dict, the
        first item of a list or tuple, the first name a callable returns).
    scoring : str, callable, list, tuple or dict, default=None
        As in GridSearchCV: what each row reports and the best row is chosen
        by (the descent itself follows the differentiated loss).
    n_jobs : int, default=None
        Number of jobs to run in parallel: the folds of one evaluation.
    refit : bool, str or callable, default=True
        As in GridSearchCV.
    cv : int, cross-validation generator or iterable, default=None
        As in GridSearchCV; the folds are drawn once per fit.
    verbose : int, default=0
        ``1`` prints a line per evaluation.
    pre_dispatch : int or str, default="2*n_jobs"
        As in GridSearchCV.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial designs (the order of their slices in each
        dimension) and the Bayes fallback.
    error_score : "raise" or float, default=np.nan
        Score of a failed fit. A failed fit, or a loss that is not finite,
        ends its descent; its row is kept.
    return_train_score : bool, default=False
        As in GridSearchCV.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per evaluation, with the user's scores per fold and the
        columns ``iter`` (0 for a descent's initial design, then the L-BFGS-B
        iteration the row belongs to), ``hyper_loss``
        (the fold-mean differentiated loss) and ``hypergrad_norm`` (the
        norm of its gradient in the optimization coordinates). A Lasso or
        ElasticNet fitted with ``tol`` above ``1e-10`` is differentiated at
        its solution refined to ``tol=1e-10`` (warm-started, on a copy: the
        exact support, which the gradient needs), so its ``hyper_loss``
        may differ slightly from the scores of the fit itself.
    n_iter_ : int
        Evaluations made by the last ``fit``: the rows of ``cv_results_``,
        also when a callback stopped the search.
    best_estimator_, best_score_, best_params_, best_index_, scorer_,
    n_splits_, refit_time_, multimetric_ :
        As in GridSearchCV.

    See Also
    --------
    sklearn.linear_model.RidgeCV : Leave-one-out Ridge in closed form.
    BayesSearchCV : Bayesian optimization for any estimator.

    References
    ----------
    .. [1] F. Pedregosa, "Hyperparameter optimization with approximate
       gradient", ICML 2016.
    .. [2] Q. Bertrand, Q. Klopfenstein, M. Blondel, S. Vaiter, A. Gramfort,
       J. Salmon, "Implicit differentiation of Lasso-type models for
       hyperparameter optimization", ICML 2020.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skhyper import HypergradientSearchCV, Real
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> pipe = make_pipeline(StandardScaler(), LogisticRegression())
    >>> space = {"logisticregression__C": Real(1e-4, 1e4, prior="log-uniform")}
    >>> search = HypergradientSearchCV(pipe, space, cv=5).fit(X, y)
    >>> search.n_iter_  # evaluations (rows), each one fit per fold
    20
    >>> lowest = search.cv_results_["hyper_loss"].argmin()  # the log-loss minimum
    >>> round(search.cv_results_["params"][lowest]["logisticregression__C"], 2)
    0.6
    """

    _parameter_constraints: dict = {
        **_SearchCV._parameter_constraints,
        "search_spaces": [dict, list, SearchSpace],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(RealNumber, 0, None, closed="left")],
        "n_initial_points": [Interval(Integral, 1, None, closed="left")],
        "fallback": [StrOptions({"raise", "bayes"})],
    }

    def __init__(
        self,
        estimator,
        search_spaces,
        *,
        max_iter=20,
        tol=1e-5,
        n_initial_points=3,
        fallback="raise",
        search_metric=None,
        scoring=None,
        n_jobs=None,
        refit=True,
        cv=None,
        verbose=0,
        pre_dispatch="2*n_jobs",
        random_state=None,
        error_score=np.nan,
        return_train_score=False,
    ):
        super().__init__(
            estimator=estimator,
            scoring=scoring,
            n_jobs=n_jobs,
            refit=refit,
            cv=cv,
            verbose=verbose,
            pre_dispatch=pre_dispatch,
            error_score=error_score,
            return_train_score=return_train_score,
        )
        self.search_spaces = search_spaces
        self.max_iter = max_iter
        self.tol = tol
        self.n_initial_points = n_initial_points
        self.fallback = fallback
        self.search_metric = search_metric
        self.random_state = random_state

    # -- checks before any fit ----------------------------------------------------
    def _prepare(self):
        self._space = SearchSpace(self.search_spaces)

    def _prepare_splits(self, X, y, splits):
        # planned once the engine has checked the space's names and values
        # (a descent's estimator is built from them)
        self._descents, problems = [], []
        for index, sub in enumerate(self._space.subspaces):
            for descent, problem in self._plan(sub, index):
                self._descents.append(descent)
                if problem:
                    problems.append(problem)
        if not problems and not any(descent.keys for descent in self._descents):
            problems.append(self._nothing_to_descend())
        if problems and self.fallback == "raise":
            raise ValueError(
                f"{problems[0]} Supported: {supported()}. Set fallback='bayes' to "
                f"search such a space with BayesSearchCV's loop instead."
            )
        self._bayes = bool(problems)
        if not self._bayes and callable(self.scoring) and self.search_metric is None:
            self._search_metric = None  # a callable's names are known only after a fit
        if self._bayes:
            self._fall_back(problems[0])

    def _fall_back(self, why):
        """Say once, before any fit, why the search runs BayesSearchCV's loop."""
        warnings.warn(
            f"{why} HypergradientSearchCV falls back to BayesSearchCV's loop on the "
            f"same space (fallback='bayes').",
            UserWarning,
        )

    def _check_descents(self):
        """What only a search that descends needs, before its first fit."""
        if len(self._descents) > self.max_iter:
            raise ValueError(
                f"max_iter={self.max_iter} is fewer than the {len(self._descents)} "
                f"descents of the outer loop (one per combination of the values of "
                f"search_spaces' non-continuous parameters): each needs at least one "
                f"row. Raise max_iter, or make fewer parameters discrete."
            )
        not_descended = self._not_descended()
        if not_descended:
            warnings.warn(
                f"HypergradientSearchCV descends only continuous ranges, so "
                f"{'; '.join(not_descended)}.",
                UserWarning,
            )

    def _values_given(self, descents):
        """``{key: (dim, scale)}`` of the parameters with a hypergradient that
        ``descents`` are given as values (a list, Categorical or Integer)."""
        given = {}
        for descent in descents:
            sub = self._space.subspaces[descent.subspace]
            for key in descent.values_given:
                given.setdefault(key, (sub[key], descent.scales[key]))
        return given

    def _nothing_to_descend(self):
        """Why no descent has a continuous parameter to descend."""
        given = self._values_given(self._descents)
        if given:
            return "HypergradientSearchCV has nothing to descend: " + "; ".join(
                f"search_spaces[{key!r}] = {_shown(dim)} gives values, and only a "
                f"continuous range is descended: {_range_hint(key, dim, scale)}"
                for key, (dim, scale) in given.items()
            ) + " (GridSearchCV evaluates a list of values)."
        reasons = {}
        for descent in self._descents:
            reasons.setdefault(descent.final, (
                f"{descent.final} has no hypergradient" if descent.spec is None
                else f"{descent.final} has one only for {sorted(descent.scales)}"
            ))
        return (
            f"HypergradientSearchCV has nothing to descend: search_spaces holds no "
            f"continuous range of a parameter with a hypergradient "
            f"({'; '.join(reasons.values())}), so the search would only evaluate "
            f"its {len(self._descents)} settings, as a grid."
        )

    def _not_descended(self):
        """What the search evaluates without descending it, when something
        else is descended: parameters with a hypergradient given as values
        beside a range, and subspaces without a continuous range."""
        descending = [descent for descent in self._descents if descent.keys]
        notes = [
            f"search_spaces[{key!r}] = {_shown(dim)} is evaluated at its values, not "
            f"descended, though it has a hypergradient: {_range_hint(key, dim, scale)}"
            for key, (dim, scale) in self._values_given(descending).items()
        ]
        for index in range(len(self._space.subspaces)):
            descents = [d for d in self._descents if d.subspace == index]
            if any(descent.keys for descent in descents):
                continue
            n = len(descents)
            note = (
                f"search_spaces[{index}] has no continuous range: its {n} settings "
                f"are evaluated once each, not descended" if n > 1 else
                f"search_spaces[{index}] has no continuous range: its one setting "
                f"is evaluated once, not descended"
            )
            hints = [
                _range_hint(key, dim, scale)
                for key, (dim, scale) in self._values_given(descents).items()
            ]
            notes.append(note + (f" ({'; '.join(hints)})" if hints else ""))
        return notes

    def _plan(self, sub, index):
        """Yield ``(descent, problem)`` for every combination of the outer
        loop of the subspace ``sub`` (``problem``: why it has no hypergradient)."""
        continuous = {}
        outer = {}
        for key, dim in sub.items():
            if isinstance(dim, Real) or (
                isinstance(dim, Distribution) and not dim.is_discrete
            ):
                continuous[key] = dim
            elif not np.isfinite(dim.cardinality):
                yield _Descent({}, index), (
                    f"search_spaces[{key!r}] = {dim!r} has infinitely many values: "
                    f"HypergradientSearchCV differentiates only continuous ranges "
                    f"and loops over the values of the others; give it a list of "
                    f"values."
                )
                return
            else:
                outer[key] = dim.values()
        for values in itertools.product(*outer.values()):
            fixed = dict(zip(outer, values))
            yield self._make_descent(fixed, continuous, index)

    def _make_descent(self, fixed, continuous, index):
        try:
            bounds = {key: _range(key, dim) for key, dim in continuous.items()}
        except ValueError as exc:  # a range it cannot descend: fallback='bayes' can
            return _Descent(fixed, index), str(exc)
        middle = {key: (low + high) / 2 for key, (low, high) in bounds.items()}
        # the space's own objects (an estimator as a value) are cloned, not set
        estimator = clone(self.estimator).set_params(**clone(fixed, safe=False), **middle)
        prefix, final = _final_step(estimator)
        spec = hyperspec(final)
        where = f"{type(final).__name__}" + (f" with {fixed}" if fixed else "")
        scales = {} if spec is None else {
            prefix + name: scale for name, scale in spec.scales.items()
        }
        empty = _Descent(fixed, index, spec=spec, final=type(final).__name__, scales=scales)
        if continuous and spec is None:
            return empty, f"{where} has no hypergradient for {sorted(continuous)}."
        if not continuous:
            return empty, None
        names, logs, coords = [], [], []
        for key in continuous:
            name = key[len(prefix):] if key.startswith(prefix) else None
            if name is None or name not in spec.scales:
                return empty, (
                    f"search_spaces[{key!r}] is continuous, but {where} has a "
                    f"hypergradient only for {sorted(scales)}; "
                    f"give {key!r} a list of values to loop over."
                )
            low, high = bounds[key]
            log = spec.scales[name] == "log"
            if log and low <= 0:
                return empty, (
                    f"search_spaces[{key!r}] = {continuous[key]!r} includes values "
                    f"<= 0, but {name} is descended in log space: give it a range "
                    f"with low > 0, such as Real(1e-6, 1e3, prior='log-uniform')."
                )
            names.append(name)
            logs.append(log)
            coords.append((math.log(low), math.log(high)) if log else (low, high))
        descent = _Descent(
            fixed, index, keys=list(continuous), names=names, logs=logs, bounds=coords,
            spec=spec, final=type(final).__name__, scales=scales,
        )
        try:
            spec.check(final.get_params(deep=False), names)
            _check_heads(estimator)
        except ValueError as exc:  # a configuration with no hypergradient
            return descent, str(exc)
        return descent, None

    def _make_evaluator(self, X, y, splits, scorers, routed, parallel):
        weighted = [
            key for key in routed.estimator.fit if key.split("__")[-1] == "sample_weight"
        ]
        if weighted and not self._bayes:
            if self.fallback == "raise":
                raise ValueError(
                    f"HypergradientSearchCV differentiates the unweighted loss; "
                    f"{weighted} cannot be passed to fit. Set fallback='bayes' to "
                    f"search with BayesSearchCV's loop instead."
                )
            self._bayes = True
            # the Bayes loop's, as in fit
            self._search_metric = self._resolve_search_metric()
            self._fall_back(
                f"HypergradientSearchCV differentiates the unweighted loss, and "
                f"{weighted} is passed to fit."
            )
        if self._bayes:
            return _FreshEvaluator(self, X, y, splits, scorers, routed, parallel)
        self._check_descents()
        return _HypergradEvaluator(self, X, y, splits, scorers, routed, parallel)

    # -- the search -----------------------------------------------------------------
    def _start(self, rng):
        self._rng = rng
        self._started = 0
        self._current = None

    def _descent_started(self):
        self._started += 1

    def _stop_if_all_failed(self):
        # every descent's first evaluation has failed (or Bayes' initial design)
        if self._bayes:
            initial = min(self._optimizer.n_initial_points_, self.max_iter)
            return self._n_asked >= initial
        return self._started >= len(self._descents)

    def _more_results(self, batch, outs):
        k = len(outs) // max(len(batch.candidates), 1)
        losses, norms = [], []
        for i in range(len(batch.candidates)):
            loss, grad = _fold_mean(outs[i * k:(i + 1) * k])
            losses.append(loss)
            norms.append(float(np.linalg.norm(grad)) if grad.size else np.nan)
        return {"hyper_loss": losses, "hypergrad_norm": norms}

    def _loop(self, record, search_ctx):
        try:
            if self._bayes:
                self._bayes_loop(record, search_ctx)
                return
            left = self.max_iter
            for number, descent in enumerate(self._descents):
                # an even share of the rows left: what a descent does not use
                # goes to the next ones
                rows = -(-left // (len(self._descents) - number))
                self._current = descent
                label = f"descent {number + 1}/{len(self._descents)}"
                run = _DescentRun(
                    descent, rows, record, search_ctx, label,
                    tol=self.tol, on_started=self._descent_started,
                )
                left -= run.run(self.n_initial_points, self._rng)
        finally:
            # also when a callback stops the search (the engine catches its
            # _StopSearch outside this loop): the rows of this fit, never the
            # previous fit's
            self.n_iter_ = len(record.params)

    def _bayes_loop(self, record, search_ctx):
        self._optimizer = BayesOptimizer(self._space, random_state=self._rng)
        self._n_asked = 0
        grid = every_point_within(self._space, self.max_iter, "max_iter")
        if grid is not None:  # every point once, in order, as BayesSearchCV
            self._n_asked = len(grid)
            batch = Batch(grid, {"iter": [0] * len(grid)}, label="grid")
            self._optimizer.tell(grid, record.evaluate(batch, search_ctx))
            return
        while self._n_asked < self.max_iter and not self._optimizer.exhausted:
            points = self._optimizer.ask(1)
            batch = Batch(
                points, {"iter": [self._n_asked]},
                label=f"evaluation {self._n_asked + 1}/{self.max_iter}",
            )
            self._n_asked += 1
            self._optimizer.tell(points, record.evaluate(batch, search_ctx))


def _shown(dim):
    """A dimension as the user wrote it: a list of values, or its repr."""
    if isinstance(dim, Categorical):
        return repr(list(dim.values()))
    return repr(dim)


def _range_hint(key, dim, scale):
    """How to give ``key`` a range to descend, from its values."""
    numbers = [v for v in dim.values() if isinstance(v, RealNumber) and not isinstance(v, bool)]
    low, high = (min(numbers), max(numbers)) if numbers else (None, None)
    if low is None or low == high or (scale == "log" and low <= 0):
        return f"give {key!r} a Real range to descend it"
    prior = ", prior='log-uniform'" if scale == "log" else ""
    return f"give {key!r} a range to descend it, such as Real({low:g}, {high:g}{prior})"


def _range(key, dim):
    if isinstance(dim, Distribution):
        low, high = (float(v) for v in dim.dist.support())
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(
                f"search_spaces[{key!r}] = {dim!r} is unbounded: HypergradientSearchCV "
                f"optimizes within bounds; give it a Real(low, high) range."
            )
        return low, high
    return float(dim.low), float(dim.high)

