"""The GP batch loop, written once: fit, maximize, add a fantasy, repeat.

Every model-based proposer of the library builds its batch here: the
Bayesian optimizer (:class:`~skhyper.BayesOptimizer`, hence BayesSearchCV and
BOHB), Hyperband's multi-fidelity sampler and PB2's explore. Each fits a
:class:`~skhyper.surrogate.SurrogateGP` to its own data (:func:`fit_model`),
wraps it in a :class:`BatchModel` with its acquisition, and calls
:func:`propose_batch`: the next point is the acquisition's maximizer among the
unseen points, then the model is conditioned on a *fantasy* score there
(kriging believer: the model's own prediction; constant liar: the worst score
told; Monte Carlo: :data:`N_DRAWS` joint draws of the scores, one model per
draw) so that the next maximizer goes elsewhere, until the batch is full.

A model may take inputs besides the point proposed (*context* columns held
fixed, as the resource at full fidelity or PB2's time): the acquisition is
evaluated at the point with the context appended, and its gradient is the
point's part only.
"""

import numpy as np

from ._acquisition import evaluate_acquisition
from ._gp import SurrogateGP, fit_gp
from ._optimize import maximize_acquisition, row_key

__all__ = [
    "FANTASIES",
    "MAX_EXACT",
    "MAX_FIT",
    "N_ANCHORS",
    "N_DRAWS",
    "BatchModel",
    "fit_model",
    "propose_batch",
]

FANTASIES = ("monte_carlo", "constant_liar", "kriging_believer")
# The Monte Carlo fantasy's number of joint draws of the scores at the points
# in flight: the acquisition of a candidate is its mean over the draws.
N_DRAWS = 32
# Acquisitions whose value is a logarithm (log EI, PI's log): averaged over
# the draws as the log of the mean of their exponentials.
_LOG_VALUED = ("log_ei", "pi")
# Number of best points (observed, or rated best by the model) a proposer
# hands the maximizer to search around.
N_ANCHORS = 5
# From this many observations on the hyperparameters are re-optimized only
# once the data have grown by _REFIT_GROWTH since the last optimization; in
# between the model is conditioned on the new data with the previous
# hyperparameters. Below, every ask refits (warm-started): the budgets of tens
# of evaluations most searches have are untouched. From 64 rather than 200
# (before issue 27): at 100 observations the refit was a third of a
# suggestion's time; benchmarks/bench_bayes_large.py measures what it costs.
_ALWAYS_REFIT_BELOW, _REFIT_GROWTH = 64, 0.05
# The most observations a model is conditioned on. Beyond, it is a local
# model: the MAX_EXACT observations nearest the best one. An exact GP costs
# n^3 to condition and n^2 per point predicted; at 1,000 observations a
# suggestion took 0.1 s (three quarters of it predicting the acquisition's
# candidates), at 10,000 the kernel matrix alone would not fit a suggestion's
# budget. benchmarks/bench_bayes.py times a suggestion, and
# benchmarks/bench_bayes_large.py measures what the local model costs in
# sample efficiency against the exact GP.
MAX_EXACT = 500
# The most observations the hyperparameters are optimized on: beyond, on
# MAX_FIT of the model's observations spread evenly over their distances from
# the best one. Each step of the optimization factors the kernel matrix and
# its inverse; on 500 observations a fit from scratch (after a bulk tell, or
# a resumed search) took 0.4 s, ten suggestions' time.
MAX_FIT = 200


def local_rows(X, center, length_scale, size):
    """Indices of the ``size`` rows of ``X`` nearest ``center``, in length
    scales (the nearest first; ties broken by order)."""
    distance = np.sum(((X - center) / length_scale) ** 2, axis=1)
    if size >= len(X):
        return np.argsort(distance, kind="stable")
    nearest = np.argpartition(distance, size - 1)[:size]
    return nearest[np.argsort(distance[nearest], kind="stable")]


def fit_model(X, y, last_fit=None, max_exact=None, max_fit=None):
    """The surrogate of model scores ``y`` at inputs ``X``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
    last_fit : (theta, n_fitted), default=None
        The hyperparameters of the last optimization and the number of
        observations they were optimized on. They are kept (the model only
        conditioned on the new data) from ``_ALWAYS_REFIT_BELOW``
        observations on until the data have grown by ``_REFIT_GROWTH``;
        otherwise they warm-start a new optimization.
    max_exact : int, default=None
        With more observations than this (None: :data:`MAX_EXACT`), the model
        is local: fitted to the ``max_exact`` nearest the best score (in the
        last fit's length scales, or the unit cube's), as a trust region's
        model (TuRBO, Eriksson et al. 2019) is. Its scores keep the
        standardization of all ``y``: far from its data it reverts to their
        mean.
    max_fit : int, default=None
        With more observations in the model than this (None:
        :data:`MAX_FIT`), the hyperparameters are optimized on ``max_fit`` of
        them, spread evenly over their distances from the best one, and the
        model is conditioned on all.

    Returns
    -------
    gp : SurrogateGP
    optimized : bool
        Whether the hyperparameters were optimized (``gp.theta`` is then the
        next ``last_fit``'s theta, with ``n``).
    """
    theta, n_fitted = (None, 0) if last_fit is None else last_fit
    n = len(y)
    max_exact = MAX_EXACT if max_exact is None else max_exact
    max_fit = MAX_FIT if max_fit is None else max_fit
    refit = theta is None or n < _ALWAYS_REFIT_BELOW or n >= (1 + _REFIT_GROWTH) * n_fitted
    if n > max_exact or (refit and n > max_fit):
        length_scale = 1.0 if theta is None else np.exp(theta[1 : X.shape[1] + 1])
        order = local_rows(X, X[np.argmax(y)], length_scale, min(n, max_exact))
        X, y = X[order], y[order]
    if not refit:
        return SurrogateGP(theta, X, y), False
    if len(y) <= max_fit:
        return fit_gp(X, y, theta), True
    spread = np.round(np.linspace(0, len(y) - 1, max_fit)).astype(int)
    return SurrogateGP(fit_gp(X[spread], y[spread], theta).theta, X, y), True


class BatchModel:
    """The surrogate of one batch: fitted once, conditioned on fantasies.

    Parameters
    ----------
    gp : SurrogateGP
        The model fitted to the observations ``(gp.X_train_, gp.y_train_)``.
    space : SearchSpace
        The space points are proposed in; the model's inputs are its unit-cube
        columns followed by the ``context`` columns.
    seen : set of bytes
        :func:`row_key` of points never to propose; each point proposed is
        added.
    random_state : RandomState instance
    acq_func : str, default="ucb"
        One of :data:`ACQUISITIONS`.
    best : float, default=None
        The best model score, for the improvement-based acquisitions.
    xi, kappa : float, default=0.0, 1.96
        The acquisition's margin and exploration weight.
    context : array-like of shape (c,), default=()
        Values of the model's inputs after the space's columns, held fixed.
    fantasy : {"kriging_believer", "constant_liar", "monte_carlo"}, \
            default="kriging_believer"
        The score a proposed point is believed at until it is evaluated: the
        model's prediction, the worst score, or :data:`N_DRAWS` draws from the
        joint predictive distribution of the scores at the points believed so
        far. With draws, the model holds one column of scores per draw (the
        observed scores, then that draw's fantasies); the acquisition of a
        candidate is its mean over the draws, each over the best score of its
        own draw (for ``"log_ei"`` and ``"pi"``, the log of the mean of the
        exponentials), as the expectation that qLogEI (Ament et al. 2023)
        estimates by sampling, exact in the candidate. The standard deviation
        does not depend on the draws: one Cholesky factor serves all.
    anchors : ndarray of shape (k, n_columns), default=None
        Good points the maximizer searches around.
    box : tuple (low, high, subspace), default=None
        A trust region, as :func:`maximize_acquisition` takes it.
    n_candidates, n_restarts : int, default=1024, 5
        The maximizer's sample size and number of refined candidates.
    sobol : scipy.stats.qmc.Sobol, default=None
        The engine the maximizer's samples continue (see
        :func:`maximize_acquisition`); None scrambles a new one each time.
    observed : bool, default=False
        Whether the acquisition is of the score an evaluation will return,
        the model's noise included in its spread, rather than of the
        noiseless objective. The best score is the best returned, so on a
        noisy objective it is a lucky draw that the noiseless objective
        seldom beats anywhere: the improvement-based acquisitions then seek
        the least known region, where the next returned score can beat it
        near the best settings as well. On a smooth noiseless objective
        the two agree once the fitted noise is at its floor.
    """

    def __init__(
        self,
        gp,
        space,
        seen,
        random_state,
        *,
        acq_func="ucb",
        best=None,
        xi=0.0,
        kappa=1.96,
        context=(),
        fantasy="kriging_believer",
        anchors=None,
        box=None,
        n_candidates=1024,
        n_restarts=5,
        sobol=None,
        observed=False,
    ):
        self.gp, self.space, self.seen, self.rng = gp, space, seen, random_state
        self.observed = observed
        self.sobol = sobol
        self.acq_func, self.best, self.xi, self.kappa = acq_func, best, xi, kappa
        self.context = np.asarray(context, dtype=float)
        self.fantasy, self.anchors, self.box = fantasy, anchors, box
        self.n_candidates, self.n_restarts = n_candidates, n_restarts
        self.X, self.y = gp.X_train_, gp.y_train_
        self.worst = self.y.min()  # the constant liar's lie
        # Monte Carlo: self.y becomes (n, N_DRAWS) and self.best a best per
        # draw at the first fantasy; until then the model is the one fitted.

    def _with_context(self, Z):
        if not self.context.size:
            return Z
        fixed = np.broadcast_to(self.context, (len(Z), self.context.size))
        return np.column_stack([Z, fixed])

    def _predict(self, Zc, return_grad=False):
        """The model's mean and spread at rows ``Zc`` (and their gradients):
        of the objective, or with ``observed`` of a returned score."""
        out = self.gp.predict(Zc, return_grad=return_grad)
        if not self.observed:
            return out
        sigma = out[1]
        spread = self.gp.returned_std(sigma)
        if not return_grad:
            return out[0], spread
        mu, _, d_mu, d_sigma = out
        return mu, spread, d_mu, (sigma / spread)[:, None] * d_sigma

    def acquisition(self, Z, return_grad=False):
        """The acquisition at rows ``Z`` of the space (and its gradient in them)."""
        Zc = self._with_context(np.atleast_2d(Z))
        if self.y.ndim == 2:
            return self._mean_over_draws(Zc, return_grad, np.shape(Z)[-1])
        if not return_grad:
            mu, sigma = self._predict(Zc)
            return evaluate_acquisition(
                self.acq_func, mu, sigma, self.best, self.xi, self.kappa
            )[0]
        mu, sigma, d_mu, d_sigma = self._predict(Zc, return_grad=True)
        value, a_mu, a_sigma = evaluate_acquisition(
            self.acq_func, mu, sigma, self.best, self.xi, self.kappa
        )
        grad = a_mu[:, None] * d_mu + a_sigma[:, None] * d_sigma
        return value, grad[:, : Z.shape[1]]

    def _mean_over_draws(self, Zc, return_grad, n_columns):
        # The acquisition under each draw's model, averaged over the draws;
        # its gradient is each draw's weighted by its share of the mean.
        if not return_grad:
            mu, sigma = self._predict(Zc)
        else:
            mu, sigma, d_mu, d_sigma = self._predict(Zc, return_grad=True)
        best = None if self.best is None else self.best[None, :]
        values, a_mu, a_sigma = evaluate_acquisition(
            self.acq_func, mu, sigma[:, None], best, self.xi, self.kappa
        )
        n_draws = values.shape[1]
        if self.acq_func in _LOG_VALUED:
            # log mean exp, by hand: scipy's logsumexp and softmax took half
            # of a batch's suggestion time in their array-API checks
            top = values.max(axis=1, keepdims=True)
            share = np.exp(values - top)
            total = share.sum(axis=1, keepdims=True)
            value = (top + np.log(total / n_draws))[:, 0]
            share /= total
        else:
            value = values.mean(axis=1)
            share = np.full_like(values, 1.0 / n_draws)
        if not return_grad:
            return value
        grad = np.einsum("mk,mkd->md", share * a_mu, d_mu)
        grad += np.sum(share * a_sigma, axis=1)[:, None] * d_sigma
        return value, grad[:, :n_columns]

    def maximize(self, in_box=True):
        """The unseen point that maximizes the acquisition, and its value;
        ``(None, -inf)`` when the space has no unseen point left. With
        ``in_box=False`` the trust region is ignored for this point."""
        z, value = maximize_acquisition(
            self.acquisition,
            self.space,
            self.seen,
            self.rng,
            n_candidates=self.n_candidates,
            n_restarts=self.n_restarts,
            anchors=self.anchors,
            box=self.box if in_box else None,
            sobol=self.sobol,
        )
        if z is not None:
            self.seen.add(row_key(z))
        return z, value

    def add_fantasy(self, z):
        """Condition the model on a fantasy score at point ``z`` of the space."""
        x = self._with_context(np.asarray(z)[None, :])
        if self.fantasy == "monte_carlo":
            lie = self._draw(x)
        elif self.fantasy == "kriging_believer":
            lie = self.gp.predict(x)[0][0]
        else:
            lie = self.worst
        self.X = np.vstack([self.X, x])
        if self.y.ndim == 2:
            self.y = np.vstack([self.y, lie])
        else:
            self.y = np.append(self.y, lie)
        self.gp = self.gp.condition(self.X, self.y)

    def _draw(self, x):
        """:data:`N_DRAWS` scores at row ``x``, one from each draw's model:
        with the draws before, a draw from the joint predictive of the
        scores at the points in flight (the chain rule)."""
        if self.y.ndim == 1:
            self.y = np.repeat(self.y[:, None], N_DRAWS, axis=1)
            if self.best is not None:
                self.best = np.full(N_DRAWS, float(self.best))
        mu, sigma = self.gp.predict(x)
        spread = self.gp.returned_std(sigma[0])
        draws = mu.reshape(-1) + spread * self.rng.standard_normal(N_DRAWS)
        if self.best is not None:
            self.best = np.maximum(self.best, draws)
        return draws


def propose_batch(n, next_point, add_fantasy):
    """Up to ``n`` points, each believed at a fantasy before the next is chosen.

    Parameters
    ----------
    n : int
    next_point : callable
        ``next_point()`` returns ``(z, value)``: the next point and its
        acquisition value, ``z`` None when no point is left.
        :meth:`BatchModel.maximize`, or a proposer's own choice (an initial
        design, a random draw) that falls back on it.
    add_fantasy : callable
        ``add_fantasy(z)`` conditions the model on a fantasy at ``z``;
        :meth:`BatchModel.add_fantasy`.

    Returns
    -------
    points : list of ndarray
    values : list of float
    """
    points, values = [], []
    while len(points) < n:
        z, value = next_point()
        if z is None:
            break
        points.append(z)
        values.append(value)
        if len(points) < n:
            add_fantasy(z)
    return points, values
