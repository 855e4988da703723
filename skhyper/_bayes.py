"""BayesSearchCV: cross-validated Bayesian optimization of hyperparameters."""

import warnings
from numbers import Integral, Real

import numpy as np
from joblib import effective_n_jobs

from ._batch import Batch
from ._engine import _SearchCV
from ._compat import Interval, StrOptions
from .optimizer import (
    BATCH_STRATEGIES,
    INITIAL_POINT_GENERATORS,
    MAX_CANDIDATES,
    BayesOptimizer,
    auto_n_initial_points,
    every_point_within,
)
from .space import SearchSpace
from .surrogate import ACQUISITIONS

__all__ = ["BayesSearchCV"]


class BayesSearchCV(_SearchCV):
    """Bayesian optimization over hyperparameters, with cross-validation.

    A drop-in replacement for :class:`~sklearn.model_selection.GridSearchCV`
    that evaluates ``n_iter`` parameter settings chosen one batch at a time: a
    Gaussian-process model of the mean cross-validated score, fitted to the
    settings evaluated so far, proposes the settings most likely to improve
    on the best. Everything else (scoring, multi-metric ``refit``, ``cv``,
    ``n_jobs``, ``error_score``, fit parameters and metadata routing,
    ``cv_results_`` and the ``best_*`` attributes) behaves as in
    GridSearchCV.

    Parameters
    ----------
    estimator : estimator object
        The estimator to tune; it is cloned for every fit.
    search_spaces : dict, list of dict or SearchSpace
        The space to search. Values may be lists of choices and scipy.stats
        distributions, as in GridSearchCV and RandomizedSearchCV, or
        skhyper dimensions: ``Real(1e-3, 1e3, prior="log-uniform")``,
        ``Integer(1, 10)``, ``Categorical([...])``. A list of dicts is a union
        of subspaces. Pipeline names such as ``"svc__C"`` work.
    n_iter : int, default=50
        Number of parameter settings evaluated. A finite space with at most
        ``n_iter`` points is evaluated exhaustively (with a warning when it
        has fewer, as RandomizedSearchCV warns).
    n_points : int, default=1
        Number of settings proposed and evaluated together in one batch. A
        batch runs ``n_points * n_splits`` fits at once, so no more than that
        many of the ``n_jobs`` workers are ever busy: with ``n_points=1``
        and 5 folds, ``n_jobs=8`` uses 5 (a warning says so).
    n_initial_points : int or "auto", default="auto"
        Number of settings drawn from ``initial_point_generator`` before the
        model is used; ``"auto"`` is the number of parameters plus one, at
        least 5, and at least two batches of ``n_points``.
    initial_point_generator : {"sobol", "random"}, default="sobol"
        Scrambled Sobol sequence, or independent random draws.
    acq_func : {"log_ei", "ei", "pi", "ucb"}, default="log_ei"
        Acquisition function; see :class:`BayesOptimizer`.
    xi : float, default=0.0
        Improvement margin of ``"log_ei"``, ``"ei"`` and ``"pi"``, in units of
        the scores' standard deviation.
    kappa : float, default=1.96
        Exploration weight of ``"ucb"``.
    batch_strategy : {"monte_carlo", "constant_liar", "kriging_believer"}, \
            default="monte_carlo"
        How a batch of ``n_points`` settings is built; see
        :class:`BayesOptimizer`.
    n_candidates : int, default=512
        Size of the quasi-random sample the acquisition optimizer starts from,
        at most ``2**20`` (its rows and the model's predictions on them are
        held in memory at once).
    n_restarts : int, default=5
        Number of candidates refined by gradient ascent.
    trust_region : bool, default=True
        Maximize the acquisition inside a box around the best setting seen,
        which grows after improvements and shrinks after failures (TuRBO),
        for settings proposed one at a time; a batch of ``n_points`` searches
        the whole space (with the constant liar or the kriging believer,
        every other setting of it). See :class:`BayesOptimizer`. False
        searches the whole space at every step.
    search_metric : str, default=None
        The scorer name to optimize with multi-metric scoring. Defaults to ``refit`` when it is a string, else the first scorer named
        (the first key of a dict, the first item of a list or tuple, the
        first name a callable returns), as RandomizedSearchCV accepts it.
    scoring : str, callable, list, tuple or dict, default=None
        As in GridSearchCV.
    n_jobs : int, default=None
        Number of jobs to run in parallel, as in GridSearchCV; at most
        ``n_points * n_splits`` of them work at once (see ``n_points``).
    refit : bool, str or callable, default=True
        Refit an estimator with the best parameters on the whole dataset; as
        in GridSearchCV.
    cv : int, cross-validation generator or iterable, default=None
        As in GridSearchCV. A shuffling splitter without a fixed
        ``random_state`` draws its folds once: every setting is scored on the
        same folds.
    verbose : int, default=0
        Verbosity, as in GridSearchCV.
    pre_dispatch : int or str, default="2*n_jobs"
        As in GridSearchCV.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial design, the model and the acquisition optimizer.
        With an int, results are identical for any ``n_jobs``.
    error_score : "raise" or float, default=np.nan
        Score of a failed fit in ``cv_results_``, as in GridSearchCV (and
        ``best_index_`` follows GridSearchCV's rule on it). The model is told
        a setting whose fit failed on any fold as the worst score seen so
        far, whatever ``error_score`` is.
    return_train_score : bool, default=False
        As in GridSearchCV.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        As in GridSearchCV, one row per evaluated setting in evaluation
        order, with two more columns: ``iter``, the batch number, and
        ``acquisition``, the acquisition value when the setting was proposed
        (NaN for the initial design and random draws).
    best_estimator_ : estimator
        Estimator refitted with the best parameters (if ``refit``).
    best_score_ : float
        Mean cross-validated score of the best setting.
    best_params_ : dict
        The best setting.
    best_index_ : int
        Row of the best setting in ``cv_results_``.
    scorer_ : function or dict
        The scorer(s) used.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds spent refitting the best estimator.
    multimetric_ : bool
        Whether several scorers were used.
    optimizer_ : BayesOptimizer
        The optimizer's final state: observed settings and scores, and the
        last fitted Gaussian process ``optimizer_.gp_``.
    classes_ : ndarray of shape (n_classes,)
        Class labels, for classifiers with ``refit``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when they are all strings.

    See Also
    --------
    BayesOptimizer : The ask/tell optimizer behind this search.
    sklearn.model_selection.GridSearchCV : Exhaustive search over a grid.
    sklearn.model_selection.RandomizedSearchCV : Random search.

    Notes
    -----
    The model is a Gaussian process with a Matern-5/2 kernel, one length
    scale per input, fitted by maximum a posteriori to standardized,
    Yeo-Johnson-transformed scores on the unit-cube encoding of the space
    (log scale for log-uniform dimensions, CDF scale for scipy.stats
    distributions, one-hot columns for categories, integers at the centres
    of their slices). The default acquisition, LogEI (Ament et al. 2023),
    is maximized by a Sobol sample refined by projected quasi-Newton (BFGS)
    ascent, inside a trust region around the best setting (Eriksson et al.
    2019) unless ``trust_region=False``. A setting is never evaluated twice.

    References
    ----------
    .. [1] J. Snoek, H. Larochelle, R. P. Adams, "Practical Bayesian
       Optimization of Machine Learning Algorithms", NeurIPS 2012.
    .. [2] S. Ament, S. Daulton, D. Eriksson, M. Balandat, E. Bakshy,
       "Unexpected Improvements to Expected Improvement for Bayesian
       Optimization", NeurIPS 2023.
    .. [3] A. I. Cowen-Rivers et al., "HEBO: Pushing the Limits of
       Sample-Efficient Hyper-parameter Optimisation", JAIR 74, 2022.
    .. [4] D. Eriksson, M. Pearce, J. Gardner, R. D. Turner, M. Poloczek,
       "Scalable Global Optimization via Local Bayesian Optimization",
       NeurIPS 2019.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.svm import SVC
    >>> from skhyper import BayesSearchCV, Real
    >>> X, y = load_iris(return_X_y=True)
    >>> search = BayesSearchCV(
    ...     SVC(),
    ...     {"C": Real(1e-2, 1e2, prior="log-uniform"),
    ...      "gamma": Real(1e-3, 1e1, prior="log-uniform")},
    ...     n_iter=12,
    ...     random_state=0,
    ... )
    >>> bool(search.fit(X, y).best_score_ > 0.95)
    True
    >>> len(search.cv_results_["params"])
    12
    """

    _parameter_constraints: dict = {
        **_SearchCV._parameter_constraints,
        "search_spaces": [dict, list, SearchSpace],
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "n_points": [Interval(Integral, 1, None, closed="left")],
        "n_initial_points": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "initial_point_generator": [StrOptions(set(INITIAL_POINT_GENERATORS))],
        "acq_func": [StrOptions(set(ACQUISITIONS))],
        "xi": [Interval(Real, 0, None, closed="left")],
        "kappa": [Interval(Real, 0, None, closed="left")],
        "batch_strategy": [StrOptions(set(BATCH_STRATEGIES))],
        "n_candidates": [Interval(Integral, 1, MAX_CANDIDATES, closed="both")],
        "n_restarts": [Interval(Integral, 1, None, closed="left")],
        "trust_region": ["boolean"],
    }

    def __init__(
        self,
        estimator,
        search_spaces,
        *,
        n_iter=50,
        n_points=1,
        n_initial_points="auto",
        initial_point_generator="sobol",
        acq_func="log_ei",
        xi=0.0,
        kappa=1.96,
        batch_strategy="monte_carlo",
        n_candidates=512,
        n_restarts=5,
        trust_region=True,
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
        self.n_iter = n_iter
        self.n_points = n_points
        self.n_initial_points = n_initial_points
        self.initial_point_generator = initial_point_generator
        self.acq_func = acq_func
        self.xi = xi
        self.kappa = kappa
        self.batch_strategy = batch_strategy
        self.n_candidates = n_candidates
        self.n_restarts = n_restarts
        self.trust_region = trust_region
        self.search_metric = search_metric
        self.random_state = random_state

    def _prepare(self):
        self._space = SearchSpace(self.search_spaces)

    def _planned_rows(self):
        """How many rows the search will evaluate (for a progress bar)."""
        return min(self.n_iter, self._space.cardinality)

    def _prepare_splits(self, X, y, splits):
        # A batch is n_points settings on every fold: more workers than its
        # fits wait idle (scikit-optimize's users found this confusing).
        at_once = self.n_points * len(splits)
        workers = effective_n_jobs(self.n_jobs)
        if workers > at_once and self._space.cardinality > self.n_iter:
            warnings.warn(
                f"n_jobs={self.n_jobs} asks for {workers} workers, but a batch of "
                f"n_points={self.n_points} settings on {len(splits)} folds runs "
                f"only {at_once} fits at once; raise n_points to "
                f"{-(-workers // len(splits))} to use them all.",
                UserWarning,
            )

    def _start(self, rng):
        self.optimizer_ = BayesOptimizer(
            self._space,
            # a design larger than the search is never evaluated: not drawn
            n_initial_points=(
                self.n_initial_points if self.n_initial_points == "auto"
                else min(self.n_initial_points, self.n_iter)
            ),
            initial_point_generator=self.initial_point_generator,
            acq_func=self.acq_func,
            xi=self.xi,
            kappa=self.kappa,
            batch_strategy=self.batch_strategy,
            n_candidates=self.n_candidates,
            n_restarts=self.n_restarts,
            trust_region=self.trust_region,
            random_state=rng,
        )
        self._n_initial = (
            auto_n_initial_points(self._space, min(self.n_points, self.n_iter))
            if self.n_initial_points == "auto"
            else self.n_initial_points
        )
        self._n_asked = 0
        self._n_batches = 0
        self._grid = every_point_within(self._space, self.n_iter, "n_iter")

    def _ask(self):
        opt = self.optimizer_
        if self._grid is not None:
            if self._n_batches:
                return None
            candidates, acquisition = self._grid, np.full(len(self._grid), np.nan)
            label, note = "grid", " (every point of the finite space)"
        else:
            remaining = self.n_iter - self._n_asked
            if remaining <= 0 or opt.exhausted:
                return None
            candidates = opt.ask(min(self.n_points, remaining))
            acquisition = opt.last_acquisition_
            n_batches = -(-self.n_iter // self.n_points)
            label = f"batch {self._n_batches + 1}/{n_batches}"
            source = (
                "initial design" if self._n_asked + len(candidates) <= self._n_initial
                else "model" if np.isfinite(acquisition).all()
                else "initial design and random" if self._n_asked < self._n_initial
                else "random"
            )
            note = f" ({source})"
        self._n_asked += len(candidates)
        self._n_batches += 1
        more_results = {
            "iter": [self._n_batches - 1] * len(candidates),
            "acquisition": list(acquisition),
        }
        return Batch(candidates, more_results, label=label, note=note)

    def _tell(self, candidates, scores):
        self.optimizer_.tell(candidates, scores)

    def _stop_if_all_failed(self):
        # Give up once the whole initial design has failed: a space-filling
        # design that never fits means a misconfigured estimator or space,
        # while one failed point may only be a bad corner of the space.
        return self._grid is not None or self._n_asked >= min(self._n_initial, self.n_iter)
