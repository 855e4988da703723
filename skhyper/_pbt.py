"""PBTSearchCV: Population Based Training (Jaderberg et al. 2017), with CV."""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from ._compat import Interval, StrOptions
from ._batch import Batch, Training
from ._engine import _SearchCV
from ._trainer import _Trainer
from ._training import Stepper, prepare_training
from .space import SearchSpace
from .space._dimensions import _CDF_EPS, Categorical, Distribution
from .surrogate import fit_gp
from .surrogate._propose import BatchModel, propose_batch
from .surrogate._threads import single_threaded_blas

# PB2's exploration weight on the standard deviation (mu + kappa * sigma).
_PB2_KAPPA = 1.96

__all__ = ["PBTSearchCV", "explore_perturb", "perturb_value"]


# -- explore, as pure functions ---------------------------------------------------
def _bounds(dim):
    if isinstance(dim, Distribution):
        return tuple(float(v) for v in dim.dist.ppf([_CDF_EPS, 1 - _CDF_EPS]))
    return dim.low, dim.high


def perturb_value(dim, value, factor, random_state=None):
    """Move one hyperparameter value by ``factor``, within its dimension.

    A dimension of positive values moves by the ratio (``value * factor``,
    the same step in log space whatever the prior); one whose range reaches
    zero or below moves by ``(factor - 1)`` times its width. The result is
    clipped to the bounds (a scipy.stats distribution's are its quantiles
    ``1e-12`` and ``1 - 1e-12``); an integer (an ``Integer``, or a discrete
    distribution such as ``randint``, whose support is taken to be every
    integer between its bounds) is rounded to the nearest and, where
    rounding would leave it where it was, moves to the neighbour in the
    factor's direction; a category is drawn again from its prior.

    Parameters
    ----------
    dim : Dimension
        The parameter's dimension of the search space.
    value : object
        The value to move.
    factor : float
        A positive factor such as 0.8 or 1.2.
    random_state : int, RandomState instance or None, default=None
        For categories only.

    Returns
    -------
    value : object
        The moved value.

    Examples
    --------
    >>> from skhyper import Integer, Real
    >>> from skhyper._pbt import perturb_value
    >>> perturb_value(Real(1e-4, 1.0, prior="log-uniform"), 0.01, 1.2)
    0.012
    >>> perturb_value(Integer(1, 10), 2, 1.2)  # 2.4 rounds to 2: the neighbour
    3
    >>> perturb_value(Real(-1.0, 1.0), 0.9, 1.2)  # +0.2 of the width, clipped
    1.0
    """
    if isinstance(dim, Categorical):
        return dim.sample(1, random_state)[0]
    low, high = _bounds(dim)
    if low > 0:
        moved = value * factor
    else:
        moved = value + (factor - 1) * (high - low)
    moved = float(np.clip(moved, low, high))
    if dim.is_discrete:  # Integer, or a discrete distribution (randint, poisson ...)
        # Rounded to the nearest integer, not snapped through the CDF (which
        # floors, and drifts a walk of explores to the lower bound): the
        # move is unbiased where the bounds are not reached.
        step = int(round(moved))
        if step == value and factor != 1:
            step = value + (1 if factor > 1 else -1)
        return int(np.clip(step, low, high))
    if isinstance(dim, Distribution):
        return dim.inverse_transform(dim.transform([moved]))[0]
    return moved


def explore_perturb(space, params, random_state, resample_probability, factors):
    """PBT's explore: each hyperparameter is resampled from its prior with
    ``resample_probability``, else moved by a factor drawn from ``factors``
    (:func:`perturb_value`); the point stays in its subspace of a union."""
    rng = check_random_state(random_state)
    k = max(space.which_subspace(params), 0)
    new = dict(params)
    for name, dim in space.subspaces[k].items():
        if rng.uniform() < resample_probability:
            new[name] = dim.sample(1, rng)[0]
        else:
            factor = factors[rng.randint(len(factors))]
            new[name] = perturb_value(dim, params[name], factor, rng)
    return new


class PB2Explorer:
    """PB2's explore (Parker-Holder et al. 2020) on any search space.

    Keeps ``(hyperparameters, time) -> improvement`` observations: the
    unit-cube encoding of the setting in force during an interval, the
    interval's start as a fraction of training, and how much the member's
    score rose over the interval. A Gaussian process over these (the
    library's Matern surrogate with one length scale per column, so the time
    column's learned length scale lets old observations count less: a
    time-varying model) is maximised by UCB, ``mu + kappa * sigma`` with the
    standard deviation, at the next interval's time. Several members
    exploring in one round are chosen one after another, each believed at
    its predicted mean, which shrinks the uncertainty around it (GP-BUCB).
    Integers and categories are handled by the space's encoding and snapping.
    """

    def __init__(self, space, random_state):
        self.space = space
        self.rng = random_state
        self.X, self.y = [], []

    def observe(self, params, start_time, improvement):
        self.X.append(np.r_[self.space.transform([params])[0], start_time])
        self.y.append(improvement)

    @property
    def ready(self):
        return len(self.y) >= 2 and np.ptp(self.y) > 0

    def propose(self, n, time, anchors):
        """``n`` settings for the interval starting at ``time``."""
        X, y = np.array(self.X), np.array(self.y)
        with single_threaded_blas():
            model = BatchModel(
                fit_gp(X, (y - y.mean()) / y.std()),
                self.space,
                set(),
                self.rng,
                acq_func="ucb",
                kappa=_PB2_KAPPA,
                context=[time],
                fantasy="kriging_believer",
                anchors=self.space.transform(anchors),
            )
            points, _ = propose_batch(n, model.maximize, model.add_fantasy)
        return [self.space.inverse_transform(z)[0] for z in points]


def _rank(scores):
    """Positions from best to worst; NaN (a failed member) ranks last."""
    keys = np.where(np.isnan(scores), -np.inf, scores)
    return np.argsort(-keys, kind="stable")


class PBTSearchCV(_SearchCV):
    """Population Based Training of hyperparameter schedules, with CV.

    A population of ``population_size`` members trains together (Jaderberg
    et al. 2017). A member is one hyperparameter setting and its K
    fold-models, one per cross-validation split. Every ``interval`` training
    steps all members are scored on the held-out folds (the mean over folds
    decides), and then each member of the bottom ``quantile`` *exploits*: it
    takes a deep copy of the fold-models and the hyperparameters of a member
    drawn at random from the top ``quantile``; then it *explores*: each copied
    hyperparameter is resampled from the space with ``resample_probability``,
    else moved by a factor from ``perturbation_factors``. Models and their
    hyperparameters travel together, so they never drift apart. Training then
    continues, until every member has trained ``n_steps`` steps.

    The result is a *schedule*: the winner's hyperparameters as they changed
    over training, through every copy in its lineage (``best_schedule_``);
    ``refit`` replays it from scratch on all the data.

    Parameters
    ----------
    estimator : estimator object
        The estimator to tune; it must continue training by ``partial_fit``
        or by ``warm_start`` (the last step, for a Pipeline).
    search_spaces : dict, list of dict or SearchSpace
        The space the population is drawn from and explores, as in
        :class:`BayesSearchCV`. Only parameters that are safe to change
        between training steps may be searched (see ``safe_to_change``).
    population_size : int, default=16
        Number of members.
    n_steps : int or "auto", default="auto"
        Training steps every member trains in all. ``"auto"`` is the
        estimator's own value of its warm-start iteration parameter;
        ``partial_fit`` needs the number of epochs.
    interval : int or "auto", default="auto"
        Training steps between two scorings (and exploits). ``"auto"`` is a
        tenth of ``n_steps``, at least 1. With ``interval == n_steps`` nothing
        is exploited: the search is random search at equal compute.
    resource : str, default="auto"
        What a training step is: ``"partial_fit"`` (one call, an epoch), or
        the name of a warm-start iteration parameter such as ``"max_iter"``
        or ``"clf__n_estimators"`` (one unit of it). ``"auto"``:
        ``partial_fit`` where the estimator has it, else its warm-start
        parameter (``max_iter`` of histogram gradient boosting,
        ``n_estimators`` of forests and gradient boosting).
    quantile : float, default=0.25
        Fraction of the population in the bottom (and the top) group, in
        (0, 0.5]; at least one member.
    resample_probability : float, default=0.25
        Probability that explore resamples a hyperparameter from its prior
        rather than moving it.
    perturbation_factors : tuple of float, default=(0.8, 1.2)
        The factors explore moves a hyperparameter by, one drawn at random
        per hyperparameter: a ratio for positive ranges, a fraction of the
        width otherwise; an integer moves at least to its neighbour, and a
        category is drawn again.
    explore : {"perturb", "pb2"}, default="perturb"
        How an exploiting member's hyperparameters are chosen: perturbed from
        the member it copied, or, with ``"pb2"`` (Parker-Holder et al. 2020),
        proposed by a Gaussian-process UCB over (hyperparameters, time)
        fitted to how much each setting raised the score per interval, on
        any space (integers and categories included). Until two improvements
        are known, ``"pb2"`` perturbs.
    safe_to_change : "auto" or list of str, default="auto"
        The parameters that may change during training. ``"auto"`` takes them
        from skhyper's registry (SGD's ``alpha``, ``eta0``, ...; histogram
        gradient boosting's ``learning_rate``, ...), looked up through the
        estimator's class hierarchy; a list declares these names safe for an
        estimator the registry does not know (the user vouches for it).
    search_metric : str, default=None
        The scorer name that decides exploits with multi-metric scoring.
        Defaults to ``refit`` when it is a string, else the first scorer named
        (the first key of a dict, the first item of a list or tuple, the
        first name a callable returns), as RandomizedSearchCV accepts it.
    scoring : str, callable, list, tuple or dict, default=None
        As in GridSearchCV.
    n_jobs : int, default=None
        Number of jobs to run in parallel; every member's fold-models train
        in parallel.
    refit : bool, str or callable, default=True
        Replay the winner's schedule from scratch on the whole dataset.
    cv : int, cross-validation generator or iterable, default=None
        As in GridSearchCV; the folds are drawn once.
    verbose : int, default=0
        ``1`` prints a line per round.
    pre_dispatch : int or str, default="2*n_jobs"
        As in GridSearchCV.
    random_state : int, RandomState instance or None, default=None
        Seeds the population, exploits and explores. With an int, results
        are identical for any ``n_jobs``.
    error_score : "raise" or float, default=np.nan
        Score of a failed fit in ``cv_results_``. Whatever its value, a
        member whose fit failed on any fold ranks last: it is never copied,
        it is replaced at the next exploit, and it is never ``best_index_``.
    return_train_score : bool, default=False
        As in GridSearchCV.

    Attributes
    ----------
    cv_results_ : dict of numpy (masked) ndarrays
        One row per (member, round): ``iter`` (the round), ``member``,
        ``n_resources`` (steps trained by the end of the round), ``parent``
        (the member copied at the start of the round, or -1), and ``params``
        in force during the round. ``rank_test_score`` ranks rows of every
        round together.
    best_index_ : int
        The best row among those at ``n_steps``, never one whose fit failed
        while another scored (a callable ``refit`` chooses among all rows).
    best_score_ : float
        Mean cross-validated score of the winner at ``n_steps``.
    best_params_ : dict
        The winner's hyperparameters in force at the end.
    best_schedule_ : list of (int, dict)
        The winner's schedule: ``(step, params)`` from each step on, through
        its lineage.
    schedules_ : dict of int -> list of (int, dict)
        Every member's final schedule.
    best_estimator_ : estimator
        The winner's schedule replayed on all the data (if ``refit``).
    n_steps_, interval_ : int
        The resolved numbers of steps.
    scorer_ : function or dict
        The scorer(s) used.
    n_splits_ : int
        Number of cross-validation splits.
    refit_time_ : float
        Seconds spent refitting.
    multimetric_ : bool
        Whether several scorers were used.

    See Also
    --------
    HyperbandSearchCV : Early stopping of configurations over a resource.

    Notes
    -----
    A round trains every member from ``t`` to ``t + interval`` steps on each
    fold and scores it; the exploit uses truncation selection (Jaderberg et
    al. 2017, section 4). The top and bottom groups each hold
    ``ceil(quantile * population_size)`` members (at most half).

    References
    ----------
    .. [1] M. Jaderberg et al., "Population Based Training of Neural
       Networks", arXiv:1711.09846, 2017.
    .. [2] J. Parker-Holder, V. Nguyen, S. Roberts, "Provably Efficient
       Online Hyperparameter Optimization with Population-Based Bandits",
       NeurIPS 2020.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skhyper import PBTSearchCV, Real
    >>> X, y = load_digits(return_X_y=True)
    >>> search = PBTSearchCV(
    ...     SGDClassifier(learning_rate="constant", random_state=0),
    ...     {"eta0": Real(1e-4, 1e-1, prior="log-uniform"),
    ...      "alpha": Real(1e-6, 1e-2, prior="log-uniform")},
    ...     population_size=6, n_steps=8, interval=2, cv=3, random_state=0,
    ... ).fit(X / 16, y)
    >>> bool(search.best_score_ > 0.85)
    True
    >>> search.best_schedule_[0][0]
    0
    """

    # best_index_: the best row at n_steps whose fits did not fail (its
    # schedule is what refit replays)
    _selects_own_best = True

    _parameter_constraints: dict = {
        **_SearchCV._parameter_constraints,
        "search_spaces": [dict, list, SearchSpace],
        "population_size": [Interval(Integral, 2, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "interval": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "resource": [str],
        "quantile": [Interval(Real, 0, 0.5, closed="right")],
        "resample_probability": [Interval(Real, 0, 1, closed="both")],
        "perturbation_factors": [tuple, list],
        "explore": [StrOptions({"perturb", "pb2"})],
        "safe_to_change": [StrOptions({"auto"}), list],
    }

    def __init__(
        self,
        estimator,
        search_spaces,
        *,
        population_size=16,
        n_steps="auto",
        interval="auto",
        resource="auto",
        quantile=0.25,
        resample_probability=0.25,
        perturbation_factors=(0.8, 1.2),
        explore="perturb",
        safe_to_change="auto",
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
        self.population_size = population_size
        self.n_steps = n_steps
        self.interval = interval
        self.resource = resource
        self.quantile = quantile
        self.resample_probability = resample_probability
        self.perturbation_factors = perturbation_factors
        self.explore = explore
        self.safe_to_change = safe_to_change
        self.search_metric = search_metric
        self.random_state = random_state

    # -- checks before any fit -------------------------------------------------------
    def _prepare(self):
        self._space = SearchSpace(self.search_spaces)
        factors = self.perturbation_factors
        if not len(factors) or not all(
            isinstance(f, Real) and not isinstance(f, bool) and np.isfinite(f) and f > 0
            for f in factors
        ):
            raise ValueError(
                f"perturbation_factors must be positive numbers, such as (0.8, "
                f"1.2); got {factors!r}."
            )
        searched = sorted({p for sub in self._space.subspaces for p in sub})
        self._resource, self.n_steps_ = prepare_training(
            self, searched, changing=searched
        )
        self.interval_ = (
            max(1, self.n_steps_ // 10) if self.interval == "auto" else self.interval
        )
        if self.interval_ > self.n_steps_:
            raise ValueError(
                f"interval={self.interval_} is more than n_steps={self.n_steps_}: "
                f"a member would never be scored; use interval <= n_steps "
                f"(interval = n_steps is random search)."
            )

    def _planned_rows(self):
        """How many rows the search will evaluate (for a progress bar)."""
        return self.population_size * math.ceil(self.n_steps_ / self.interval_)

    def _make_evaluator(self, X, y, splits, scorers, routed, parallel):
        stepper = Stepper.for_resource(self.estimator, self._resource, y, True)
        return _Trainer(self, X, y, splits, scorers, routed, stepper, parallel)

    # -- the strategy -------------------------------------------------------------------
    def _start(self, rng):
        self._rng = rng
        self._round = 0
        self._params = self._space.sample(self.population_size, rng)
        self._parents = [-1] * self.population_size
        self._copies = {}
        self._steps = 0
        # each member's score when the interval now training started (NaN: unknown)
        self._start_scores = np.full(self.population_size, np.nan)
        self._pb2 = PB2Explorer(self._space, rng) if self.explore == "pb2" else None

    def _ask(self):
        if self._steps >= self.n_steps_:
            return None
        target = min(self._steps + self.interval_, self.n_steps_)
        members = list(range(self.population_size))
        n_rounds = math.ceil(self.n_steps_ / self.interval_)
        # The training steps are the engine's (the stepper sets a warm-start
        # parameter itself): params hold only the searched hyperparameters,
        # so a schedule changes only where they do.
        candidates = [dict(p) for p in self._params]
        more_results = {
            "iter": [self._round] * len(members),
            "member": members,
            "n_resources": [target] * len(members),
            "parent": list(self._parents),
        }
        self._interval_start = self._steps
        batch = Batch(
            candidates, more_results,
            training=Training(members, [target] * len(members), copies=self._copies),
            label=f"round {self._round + 1}/{n_rounds}",
            note=f" to n_resources={target} ({len(self._copies)} exploited)",
        )
        self._steps = target
        return batch

    def _tell(self, candidates, scores):
        scores = np.asarray(scores, dtype=float)
        if self._pb2 is not None:
            start = self._interval_start / self.n_steps_
            for params, before, after in zip(candidates, self._start_scores, scores):
                if np.isfinite(before) and np.isfinite(after):
                    self._pb2.observe(params, max(start, 0.0), after - before)
        self._round += 1
        self._parents = [-1] * self.population_size
        self._copies = {}
        self._start_scores = scores.copy()
        if self._steps >= self.n_steps_:
            return
        order = _rank(scores)
        n_cut = min(math.ceil(self.quantile * self.population_size),
                    self.population_size // 2)
        # The engine tells a failed member NaN, whatever error_score is. A
        # member that failed (or scored NaN) ranks last, is never copied (a
        # top member that failed is no source) and is replaced now, even
        # beyond the bottom quantile: a failed member's fold-models are gone,
        # it would only fail again.
        failed = np.isnan(scores)
        top = [int(m) for m in order[:n_cut] if not failed[m]]
        if not top:
            return  # no member scored: nothing to copy
        bottom = [
            int(m) for i, m in enumerate(order) if i >= len(order) - n_cut or failed[m]
        ]
        sources = [top[self._rng.randint(len(top))] for _ in bottom]
        if self._pb2 is not None and self._pb2.ready:
            new = self._pb2.propose(
                len(bottom), self._steps / self.n_steps_,
                [self._params[m] for m in top],
            )
        else:
            new = []
        for i, (member, source) in enumerate(zip(bottom, sources)):
            self._copies[member] = source
            self._parents[member] = source
            self._start_scores[member] = scores[source]
            self._params[member] = new[i] if i < len(new) else explore_perturb(
                self._space, self._params[source], self._rng,
                self.resample_probability, tuple(self.perturbation_factors),
            )

    def _live_members(self):
        return set(range(self.population_size))

    def _after_run(self, record):
        self.schedules_ = dict(record.evaluator.history)
        self._row_schedules = record.evaluator.row_histories

    def _refit_schedule(self):
        return self.best_schedule_

    def _refit_steps(self):
        return self._best_steps

    def _on_best(self, results):
        # the schedule of the best row as it was then (a callable refit may
        # choose a row before n_steps, and its member may have exploited since)
        self.best_schedule_ = self._row_schedules[self.best_index_]
        self._best_steps = int(results["n_resources"][self.best_index_])
