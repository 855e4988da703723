"""Bayesian optimization with an ask/tell interface, usable without scikit-learn CV."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state

from . import _compat
from ._compat import Interval, StrOptions
from .space import SearchSpace
from .space._space import warn_two_tuple_ranges
from .surrogate import ACQUISITIONS, SurrogateGP, fit_gp
from .surrogate._optimize import movable_columns, row_key
from .surrogate._posterior import Posterior
from .surrogate._propose import (
    FANTASIES,
    N_ANCHORS,
    BatchModel,
    fit_model,
    propose_batch,
)
from .surrogate._threads import single_threaded_blas
from .surrogate._warping import OutputWarping, model_scores

__all__ = ["BayesOptimizer"]

BATCH_STRATEGIES = FANTASIES
INITIAL_POINT_GENERATORS = ("sobol", "random")
# Largest finite space whose unseen points are enumerated when random draws
# keep hitting points already seen.
_MAX_ENUMERATION = 100_000
# The trust region (TuRBO, Eriksson et al. 2019): the side of its box in
# unit-cube coordinates at the start, its bounds (below the least it starts
# again), the successes in a row that double it and the failures in a row
# (at least this many, at least the number of its columns) that halve it,
# and the relative margin by which a score must beat the best to succeed.
_TR_LENGTH, _TR_MIN, _TR_MAX = 0.8, 0.5**7, 1.6
_TR_SUCCESSES, _TR_FAILURES, _TR_MARGIN = 3, 4, 1e-3
# At most this share of the settings in flight (asked, not yet told) is
# proposed inside the trust region; the others maximize the acquisition over
# the whole space. A sequential search (one in flight) always searches the
# region; a batch or a set of parallel workers hedges between the region and
# the rest of the space.
_TR_SHARE = 0.5


def every_point_within(space, budget, budget_name):
    """Every point of ``space`` when it is finite with at most ``budget``
    points (a model has nothing to decide: each is evaluated once, in
    order), warning as RandomizedSearchCV does when there are fewer; else
    None."""
    size = space.cardinality
    if size > budget:
        return None
    if size < budget:
        warnings.warn(
            f"The search space has only {size} points, fewer than "
            f"{budget_name}={budget}: evaluating each once.",
            UserWarning,
        )
    return space.grid()


def auto_n_initial_points(space, batch_size=1):
    """The default size of the initial design: one more than the dimension,
    at least 5, and at least two batches of ``batch_size``."""
    n_params = sum(len(sub) for sub in space.subspaces)
    return max(5, n_params + 1, 2 * batch_size)


#: the largest n_candidates: a sample held in memory, with its predictions
MAX_CANDIDATES = 2**20


class BayesOptimizer:
    """Gaussian-process Bayesian optimization through ask and tell.

    The optimizer proposes parameter settings (:meth:`ask`) and learns from
    their scores (:meth:`tell`); higher scores are better, as with
    scikit-learn's scorers. It never proposes a parameter setting twice, nor
    one told to it, even where subspaces of a union overlap. After an initial
    space-filling design it fits a Gaussian process (Matern-5/2 with one
    length scale per input column, white noise, MAP hyperparameters) to the
    standardized, power-transformed scores (Yeo-Johnson, which pulls in a
    long tail of poor scores) on the unit-cube encoding of the space, and
    proposes the maximizer of an acquisition function of the score an
    evaluation will return, the model's noise included: on a noisy objective
    the best score told is a lucky draw, which the next evaluation can beat
    near the best settings too. A batch of several points is
    built by conditioning the model on fantasy scores for each point already
    chosen (by default 32 joint draws of them, the acquisition averaged over
    the draws). A suggestion stays cheap however many scores were told: from 64
    scores on the model's hyperparameters are re-optimized only once the data
    have grown by 5 %, on at most 200 of them, and beyond 500 the model is
    local, fitted to the 500 settings nearest the best one.

    The parameters are stored as given and checked at every :meth:`ask` and
    :meth:`tell`, where they are used; the first of these calls creates the
    random number generator and the record of observations.

    Parameters
    ----------
    search_space : dict, list of dict, list of Dimension or SearchSpace
        The space to search; see :class:`~skhyper.SearchSpace`.
    n_initial_points : int or "auto", default="auto"
        Number of points drawn from ``initial_point_generator`` before the
        model is used. ``"auto"`` is the number of parameters plus one, at
        least 5, and at least two batches of the first :meth:`ask` (16 when
        the first asks for 8): a model of fewer points than a batch spreads
        the batch poorly.
    initial_point_generator : {"sobol", "random"}, default="sobol"
        A scrambled Sobol sequence covers the space more evenly than
        independent random draws.
    acq_func : {"log_ei", "ei", "pi", "ucb"}, default="log_ei"
        Acquisition function: logarithm of expected improvement (Ament et al.
        2023; the same maximizer as ``"ei"`` but with useful gradients where
        EI underflows), expected improvement, probability of improvement or
        upper confidence bound.
    xi : float, default=0.0
        Improvement margin of ``"log_ei"``, ``"ei"`` and ``"pi"``, in units of
        the scores' standard deviation.
    kappa : float, default=1.96
        Exploration weight of ``"ucb"``.
    batch_strategy : {"monte_carlo", "constant_liar", "kriging_believer"}, \
            default="monte_carlo"
        The fantasy told for points of a batch (and other settings asked and
        not yet told) while they are not evaluated. ``"monte_carlo"``: 32
        joint draws of their scores from the model, one setting after
        another, each conditioned on the draws before; the acquisition of the
        next setting is its mean over the draws, each draw's model with its
        own best score (the expectation qLogEI estimates, Ament et al. 2023),
        so a batch covers what the model does not know yet, where a single
        fantasy commits to one guess. ``"constant_liar"``: the worst score
        seen; ``"kriging_believer"``: the model's own prediction. Settings
        asked one at a time, each told before the next, never need one.
    n_candidates : int, default=512
        Size of the quasi-random sample the acquisition optimizer starts from,
        at most ``2**20`` (its rows and the model's predictions on them are
        held in memory at once).
    n_restarts : int, default=5
        Number of candidates refined by gradient ascent.
    trust_region : bool, default=True
        Search the acquisition's maximum inside a box around the best setting
        seen (TuRBO, Eriksson et al. 2019) rather than over the whole space:
        the box, 0.8 of the unit cube on a side and stretched along the
        model's long length scales, doubles after 3 improvements in a row,
        halves after as many failures in a row as it has continuous columns
        (at least 4); a setting proposed outside the box is no failure of it,
        but its improvement is a success, and the box moves there. When it
        is very small, as many settings as that search the whole space
        (TuRBO starts afresh there) before the box starts again around the
        best setting. Only continuous
        columns of the best setting's subspace are held in; integer and
        categorical ones stay free. Settings asked one at a time, each told
        before the next, all come from the box. With
        ``batch_strategy="monte_carlo"`` only those do: a batch, or a setting
        asked while others are in flight, searches the whole space, which
        the draws spread it over. With the other strategies at most half the
        settings in flight (asked and not yet told) come from the box: a
        batch alternates between the box and the whole space.
    random_state : int, RandomState instance or None, default=None
        Source of randomness.

    Attributes
    ----------
    space : SearchSpace
        The search space parsed from ``search_space`` at first use, and kept.
    n_initial_points_ : int
        The resolved size of the initial design, set by :meth:`ask` and
        :meth:`tell`.
    gp_ : GaussianProcessRegressor or None
        The surrogate fitted at the last model-based :meth:`ask`, as a fitted
        scikit-learn regressor (standardized Yeo-Johnson-transformed scores,
        unit-cube inputs).
    last_acquisition_ : ndarray
        Acquisition value of each point of the last :meth:`ask`; NaN for points
        of the initial design or drawn at random. Set by the first :meth:`ask`
        or :meth:`tell`, empty until an ask.
    observed_params : list of dict
        The settings told so far, in order; empty before any tell.
    observed_scores : ndarray of shape (n_told,)
        Their scores, NaN for failed evaluations.
    best_params : dict
        The told setting with the highest finite score.
    best_score : float
        That score.
    exhausted : bool
        Whether every distinct setting of a finite space was asked or told;
        False for a fresh optimizer.
    trust_region_length_ : float or None
        The side of the trust region's box in unit-cube coordinates, before
        it is stretched along the model's length scales, as the last
        model-based :meth:`ask` left it: 0.8 at first, doubled or halved by
        the scores told since; None before such an ask and with
        ``trust_region=False``.

    See Also
    --------
    BayesSearchCV : This optimizer driving a cross-validated search.

    Examples
    --------
    >>> from skhyper import BayesOptimizer, Real
    >>> opt = BayesOptimizer({"x": Real(-2.0, 2.0)}, random_state=0)
    >>> for _ in range(12):
    ...     params = opt.ask()
    ...     _ = opt.tell(params, -(params["x"] - 0.5) ** 2)
    >>> round(opt.best_params["x"], 1)
    0.5
    """

    def __init__(
        self,
        search_space,
        *,
        n_initial_points="auto",
        initial_point_generator="sobol",
        acq_func="log_ei",
        xi=0.0,
        kappa=1.96,
        batch_strategy="monte_carlo",
        n_candidates=512,
        n_restarts=5,
        trust_region=True,
        random_state=None,
    ):
        self.search_space = search_space
        self.n_initial_points = n_initial_points
        self.initial_point_generator = initial_point_generator
        self.acq_func = acq_func
        self.xi = xi
        self.kappa = kappa
        self.batch_strategy = batch_strategy
        self.n_candidates = n_candidates
        self.n_restarts = n_restarts
        self.trust_region = trust_region
        self.random_state = random_state

    _parameter_constraints: dict = {
        "n_initial_points": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "initial_point_generator": [StrOptions(set(INITIAL_POINT_GENERATORS))],
        "acq_func": [StrOptions(set(ACQUISITIONS))],
        # finite: the acquisition of an infinite margin or weight is NaN
        "xi": [Interval(Real, 0, np.inf, closed="left")],
        "kappa": [Interval(Real, 0, np.inf, closed="left")],
        "batch_strategy": [StrOptions(set(BATCH_STRATEGIES))],
        "n_candidates": [Interval(Integral, 1, MAX_CANDIDATES, closed="both")],
        "n_restarts": [Interval(Integral, 1, None, closed="left")],
        "trust_region": ["boolean"],
        "random_state": ["random_state"],
    }

    # What a fresh optimizer has observed: nothing. These read-only class
    # defaults answer the properties below until the first ask or tell gives
    # the optimizer its own state (_check_params).
    _params = _y = ()
    _settings = frozenset()
    _surrogate = None

    @property
    def space(self):
        """The :class:`~skhyper.SearchSpace` parsed from ``search_space``.

        Parsed at first use and kept: the points asked and told are encoded
        in it.
        """
        if "_space" not in self.__dict__:
            self._space = SearchSpace(self.search_space)
            warn_two_tuple_ranges(self.search_space)
        return self._space

    def _design_size(self):
        """``n_initial_points`` resolved: "auto" holds two of the first ask's
        batches (one setting before the first ask)."""
        if isinstance(self.n_initial_points, str):
            return auto_n_initial_points(self.space, self.__dict__.get("_first_batch", 1))
        return self.n_initial_points

    def _check_params(self):
        """Validate every parameter; at the first call, create the state.

        Called by every :meth:`ask` and :meth:`tell`, where the parameters are
        read, so that one changed in between is checked again.
        """
        self.space  # parsed first: a malformed space is the first error
        _compat.validate_constraints(
            self._parameter_constraints,
            {name: getattr(self, name) for name in self._parameter_constraints},
            type(self).__name__,
        )
        self.n_initial_points_ = self._design_size()
        if "_rng" in self.__dict__:
            return
        self._rng = check_random_state(self.random_state)
        self._Z = []  # told points, unit-cube rows
        self._y = []  # their scores (NaN for failures)
        self._params = []
        # A parameter setting is known by the row_key of its first encoding
        # (SearchSpace.transform: the first subspace of a union that contains
        # it). Unlike identity, that key survives a copy of the dict; unlike a
        # repr of the values, it is exact for any of them, estimators and lists
        # included (categories are matched by identity, then equality), and
        # the same for a setting asked under another subspace of an
        # overlapping union. Continuous values closer than row_key's rounding
        # count as one setting, as they do everywhere in the optimizer.
        self._pending = {}  # setting key -> the row it was asked with
        self._local = set()  # keys of the pending settings proposed in the region
        # keys of the pending settings the model proposed outside the region
        self._outside = set()
        # per score told: whether a poor score is the region's failure (not
        # for a setting proposed outside it)
        self._fails_region = []
        self._settings = set()  # keys of the settings asked or told
        self._seen = set()  # row_key of every encoding of those settings
        self._design = None
        self._theta = None
        self._theta_n = 0  # observations at the last hyperparameter optimization
        self._surrogate = None
        self._gp_cache = None
        self._region = None  # the trust region's state, from the first model ask
        # One scrambled Sobol sequence, continued from suggestion to
        # suggestion, for the acquisition maximizer's samples (from the first
        # model ask): consecutive blocks of it cover the space as evenly as
        # new scrambles do, without a new scramble's cost at every ask.
        self._sobol = None
        self.last_acquisition_ = np.empty(0)

    # -- results ---------------------------------------------------------
    @property
    def gp_(self):
        if self._surrogate is None:
            return None
        if self._gp_cache is None or self._gp_cache[0] is not self._surrogate:
            self._gp_cache = (self._surrogate, self._surrogate.to_sklearn())
        return self._gp_cache[1]

    def posterior(self):
        """The surrogate conditioned on every score told, to read what it predicts.

        The model has the hyperparameters of the last model-based
        :meth:`ask` (or is fitted afresh when no ask used a model yet) and is
        conditioned on every setting told, failed ones as the worst score.
        The displays of :mod:`skhyper.plotting` draw it. Reading it changes
        nothing in the optimizer.

        Returns
        -------
        posterior : skhyper.surrogate.Posterior
            With ``predict(params)`` (the model's mean and standard
            deviation, in model units: standardized, power-transformed
            scores), ``acquisition(params)`` and ``to_metric(values)``, which
            maps model units back to the metric's through the inverse of the
            output warping (so the mean maps to the predictive median).

        Examples
        --------
        >>> import numpy as np
        >>> from skhyper import BayesOptimizer, Real
        >>> x = np.linspace(-2.0, 2.0, 9)
        >>> opt = BayesOptimizer({"x": Real(-2.0, 2.0)}).tell(
        ...     [{"x": v} for v in x], -(x - 0.5) ** 2
        ... )
        >>> posterior = opt.posterior()
        >>> mean, std = posterior.predict([{"x": 0.5}, {"x": -2.0}])
        >>> bool(mean[0] > mean[1])
        True
        >>> median = posterior.to_metric(mean)  # in the scores' units
        >>> bool(abs(median[0]) < 0.01 and abs(median[1] + 6.25) < 0.1)
        True
        >>> low = posterior.to_metric(mean - 2 * std)  # the 2.3 % quantile
        >>> bool(low[0] <= median[0]), posterior.acquisition([{"x": 0.5}]).shape
        (True, (1,))
        """
        self._check_params()
        scores = np.asarray(self._y, dtype=float)
        if not np.isfinite(scores).any():
            raise ValueError("no finite score has been told yet.")
        warping = OutputWarping(scores)
        X, y = np.array(self._Z), warping.transform(scores)
        model = fit_gp(X, y) if self._theta is None else SurrogateGP(self._theta, X, y)
        return Posterior(
            space=self.space, model=model, warping=warping,
            observed_params=self.observed_params, observed_scores=scores,
            acq_func=self.acq_func, xi=self.xi, kappa=self.kappa,
        )

    @property
    def observed_params(self):
        """Parameter dicts told so far, in order."""
        return list(self._params)

    @property
    def observed_scores(self):
        """Scores told so far, in order (NaN for failed evaluations)."""
        return np.asarray(self._y, dtype=float)

    @property
    def best_params(self):
        """The told parameters with the highest finite score."""
        return self._params[self._best_index()]

    @property
    def best_score(self):
        """The highest finite score told."""
        return self._y[self._best_index()]

    def _best_index(self):
        y = self.observed_scores
        if not np.isfinite(y).any():
            raise ValueError("no finite score has been told yet.")
        return int(np.nanargmax(np.where(np.isfinite(y), y, np.nan)))

    @property
    def trust_region_length_(self):
        region = self.__dict__.get("_region")
        return None if region is None else region["length"]

    @property
    def exhausted(self):
        """Whether every distinct setting of a finite space was asked or told."""
        return len(self._settings) >= self.space.cardinality

    # -- ask / tell --------------------------------------------------------
    def tell(self, params, scores):
        """Record the scores of evaluated parameters.

        Parameters
        ----------
        params : dict or list of dict
            Parameter settings, asked or not.
        scores : float or array-like of float
            Their scores, higher is better. NaN or infinite scores mark failed
            evaluations: the model sees them as the worst finite score told.

        Returns
        -------
        self : BayesOptimizer
        """
        self._check_params()
        if isinstance(params, dict):
            params, scores = [params], [scores]
        params = list(params)
        scores = np.asarray(scores, dtype=float).reshape(-1)
        if len(params) != len(scores):
            raise ValueError(
                f"tell got {len(params)} parameter settings but {len(scores)} scores."
            )
        encoded = [self._encode(p) for p in params]  # raise before any change
        for p, (key, rows), score in zip(params, encoded, scores):
            # A point asked keeps the row it was asked with (an earlier
            # subspace of the union may contain it too); others get the first.
            z = self._pending.pop(key, rows[0])
            self._local.discard(key)
            self._fails_region.append(key not in self._outside)
            self._outside.discard(key)
            self._mark_seen(key, rows)
            self._params.append(p)
            self._Z.append(z)
            self._y.append(score if np.isfinite(score) else np.nan)
        return self

    def ask(self, n_points=None):
        """Propose parameter settings to evaluate next.

        Parameters
        ----------
        n_points : int, default=None
            Number of settings; None asks for one and returns a dict.

        Returns
        -------
        params : dict or list of dict
            Fewer than ``n_points`` only when a finite space runs out of
            unseen points.
        """
        self._check_params()
        single = n_points is None
        n = 1 if single else n_points
        _compat.validate_constraints(
            {"n_points": [Interval(Integral, 1, None, closed="left")]},
            {"n_points": n},
            "BayesOptimizer.ask",
        )
        if "_first_batch" not in self.__dict__:
            self._first_batch = n
            self.n_initial_points_ = self._design_size()
        with single_threaded_blas():
            params, acq = self._propose(n)
        self.last_acquisition_ = np.asarray(acq, dtype=float)
        if single:
            if not params:
                raise ValueError("the search space is exhausted: every point was asked.")
            return params[0]
        return params

    def _propose(self, n):
        """``n`` settings by the shared batch loop, and their acquisition values."""
        model = None

        def next_point():
            nonlocal model
            while True:
                z, value, local, outside = None, np.nan, False, False
                # points told without being asked count towards the design too
                if len(self._y) + len(self._pending) < self.n_initial_points_:
                    z = self._next_initial()
                elif np.isfinite(self._y).any():
                    if model is None:
                        model = self._batch_model()
                    local = model.box is not None and self._from_region(n)
                    z, value = model.maximize(in_box=local)
                    outside = z is not None and not local
                if z is None:
                    z = self._random_unseen()
                if z is None:
                    return None, value  # a finite space is exhausted
                key, rows = self._encode(self.space.inverse_transform(z)[0])
                self._seen.add(row_key(z))
                if key in self._settings:
                    continue  # another row of a setting asked or told before
                self._mark_seen(key, rows)
                self._pending[key] = z
                if local:
                    self._local.add(key)
                if outside:
                    self._outside.add(key)
                return z, value

        def add_fantasy(z):
            if model is not None:
                model.add_fantasy(z)

        points, values = propose_batch(n, next_point, add_fantasy)
        return [self.space.inverse_transform(z)[0] for z in points], values

    def _from_region(self, n):
        """Whether the next setting of an ask of ``n`` comes from the region."""
        if self.batch_strategy == "monte_carlo":
            # Only a setting alone in flight: the draws spread a batch over
            # the whole space by themselves.
            return n == 1 and not self._pending
        return len(self._local) < _TR_SHARE * (len(self._pending) + 1)

    def _batch_model(self):
        """The surrogate of this ask, believing every pending point a fantasy."""
        X, y = np.array(self._Z), model_scores(self._y)
        last_fit = None if self._theta is None else (self._theta, self._theta_n)
        gp, optimized = fit_model(X, y, last_fit)
        if optimized:
            self._theta, self._theta_n = gp.theta, len(y)
        self._surrogate = gp
        top = np.argsort(-y)[:N_ANCHORS]
        box = None
        if self.trust_region:
            box = self._trust_region(X[top[0]], gp.length_scale)
        if self._sobol is None:
            self._sobol = self.space.sobol_engine(self._rng)
        model = BatchModel(
            gp,
            self.space,
            self._seen,
            self._rng,
            acq_func=self.acq_func,
            best=y.max(),
            xi=self.xi,
            kappa=self.kappa,
            fantasy=self.batch_strategy,
            anchors=X[top],
            box=box,
            n_candidates=self.n_candidates,
            n_restarts=self.n_restarts,
            sobol=self._sobol,
            observed=True,
        )
        # Points asked earlier and still pending count as fantasies too.
        for z in self._pending.values():
            model.add_fantasy(z)
        return model

    def _encode(self, params):
        """The key of a setting and all its rows, first the one of transform."""
        rows = self.space.encodings(params)
        if not len(rows):
            raise ValueError(f"{params!r} is not a point of the search space.")
        return row_key(rows[0]), rows

    def _mark_seen(self, key, rows):
        # Every row, so that no subspace of a union proposes the setting again.
        self._settings.add(key)
        self._seen.update(row_key(z) for z in rows)

    def _next_initial(self):
        if self._design is None:
            self._design = list(
                self.space.sample_unit(
                    self.n_initial_points_, self._rng, self.initial_point_generator
                )
            )
        while self._design:
            z = self._design.pop(0)
            if row_key(z) not in self._seen:
                return z
        return None

    def _random_unseen(self, n_tries=100):
        if self.exhausted:
            return None
        for _ in range(n_tries):
            z = self.space.sample_unit(1, self._rng)[0]
            if row_key(z) not in self._seen:
                return z
        if self.space.cardinality <= _MAX_ENUMERATION:
            grid = self.space.transform(self.space.grid())
            unseen = [z for z in grid if row_key(z) not in self._seen]
            if unseen:
                return unseen[self._rng.randint(len(unseen))]
        return None

    def _trust_region(self, center, length_scale):
        """The box around the best row ``center``, adapted to the scores told since.

        Returns ``(low, high, subspace)`` for :func:`maximize_acquisition`, or
        None when the best setting has no continuous column.
        """
        movable = movable_columns(self.space, center[None, :])[0]
        n_movable = int(movable.sum())
        if not n_movable:
            return None
        y = np.asarray(self._y, dtype=float)
        region = self._region
        if region is None:
            # Counted from the first model-based ask: the initial design
            # explores on purpose, its misses are not the region's failures.
            region = self._region = {
                "length": _TR_LENGTH,
                "successes": 0,
                "failures": 0,
                "best": float(np.max(y[np.isfinite(y)])),
                "n_told": len(y),
                "whole_space_until": 0,
            }
        # A setting proposed outside the region (the other half of a batch,
        # or the whole space after a collapse) is not the region's failure:
        # on a batch of 8 the region would halve every round for the misses
        # of the settings meant to explore. Its improvement is a success: the
        # region moves to it.
        start = region["n_told"]
        for score, fails in zip(y[start:], self._fails_region[start:]):
            best = region["best"]
            if np.isfinite(score) and score > best + _TR_MARGIN * abs(best):
                region["successes"] += 1
                region["failures"] = 0
            elif fails:
                region["failures"] += 1
                region["successes"] = 0
            if np.isfinite(score):
                region["best"] = max(best, float(score))
            if region["successes"] >= _TR_SUCCESSES:
                region["length"] = min(2 * region["length"], _TR_MAX)
                region["successes"] = 0
            elif region["failures"] >= max(_TR_FAILURES, n_movable):
                region["length"] /= 2
                region["failures"] = 0
            if region["length"] < _TR_MIN:
                # Collapsed, most often around a plateau's luckiest score:
                # the next settings search the whole space, as a TuRBO
                # restart does, and the region starts again around the best.
                region["length"] = _TR_LENGTH
                region["whole_space_until"] = len(y) + max(_TR_FAILURES, n_movable)
        region["n_told"] = len(y)
        if len(y) < region["whole_space_until"]:
            region["successes"] = region["failures"] = 0
            return None
        # Stretched along the long length scales, at the same volume.
        scales = length_scale[movable]
        half = region["length"] * scales / np.exp(np.mean(np.log(scales))) / 2
        low, high = np.zeros_like(center), np.zeros_like(center)
        low[movable] = np.clip(center[movable] - half, 0.0, 1.0)
        high[movable] = np.clip(center[movable] + half, 0.0, 1.0)
        return low, high, self.space.subspace_of(center[None, :])[0]
