"""The Gaussian-process surrogate.

The model is scikit-learn's :class:`~sklearn.gaussian_process.GaussianProcessRegressor`
with a constant times Matern-5/2 ARD kernel plus white noise, fitted on the
unit-cube encoding of the search space to standardized scores. What
scikit-learn lacks is written here:

- maximum a posteriori hyperparameters: the ``optimizer`` hook of the
  regressor adds log-priors to the log-marginal likelihood, a log-normal
  prior on the length scales whose median grows with the square root of the
  dimension (Hvarfner et al. 2024, "Vanilla Bayesian Optimization Performs
  Great in High Dimensions") and a gamma prior that favours little noise;
- :class:`Posterior`, which predicts the latent mean and standard deviation
  together with their gradients with respect to the input, for whole batches,
  as the acquisition optimizer needs.
"""

import warnings

import numpy as np
from scipy.linalg import cho_solve
from scipy.optimize import minimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

__all__ = ["fit_gp", "refit_gp", "Posterior", "LengthScalePrior"]

_SQRT5 = np.sqrt(5.0)
_LENGTH_SCALE_BOUNDS = (1e-2, 1e3)
_AMPLITUDE_BOUNDS = (1e-2, 1e2)
_NOISE_BOUNDS = (1e-8, 1.0)
# Gamma(shape=1.1, rate=30) on the noise variance of the standardized scores:
# most mass below 0.1, so a nearly noiseless objective is fitted as such.
_NOISE_SHAPE, _NOISE_RATE = 1.1, 30.0
_MAXITER, _FTOL = 50, 1e-7


class LengthScalePrior:
    """Log-priors on the kernel hyperparameters, and the MAP optimizer hook.

    An instance is passed as ``optimizer`` to GaussianProcessRegressor, which
    calls it with its negative log-marginal likelihood; it minimizes that plus
    the negative log-prior with L-BFGS-B. The hyperparameters ``theta`` are
    the logs of (amplitude, length scales..., noise), in scikit-learn's order.

    Parameters
    ----------
    n_dims : int
        Number of input columns.
    """

    def __init__(self, n_dims):
        self.n_dims = n_dims
        self.mu = np.sqrt(2.0) + 0.5 * np.log(n_dims)
        self.sigma = np.sqrt(3.0)

    def mode(self):
        """The prior's mode in theta, a good cold start."""
        theta = np.zeros(self.n_dims + 2)
        theta[1:-1] = self.mu
        theta[-1] = np.log((_NOISE_SHAPE - 1) / _NOISE_RATE)
        return theta

    def log_prior(self, theta):
        """Log-density of theta (up to a constant) and its gradient."""
        grad = np.zeros_like(theta)
        ls = theta[1:-1]
        value = -0.5 * np.sum((ls - self.mu) ** 2) / self.sigma**2
        grad[1:-1] = -(ls - self.mu) / self.sigma**2
        # Gamma log-density of the noise variance v = e^t, (shape - 1) log v
        # - rate v, maximized over t without the Jacobian term t, which would
        # push a noiseless objective's noise up by shape * |t| nats.
        t = theta[-1]
        value += (_NOISE_SHAPE - 1) * t - _NOISE_RATE * np.exp(t)
        grad[-1] = (_NOISE_SHAPE - 1) - _NOISE_RATE * np.exp(t)
        return value, grad

    def __call__(self, obj_func, initial_theta, bounds):
        def objective(theta):
            nll, nll_grad = obj_func(theta, eval_gradient=True)
            lp, lp_grad = self.log_prior(theta)
            return nll - lp, nll_grad - lp_grad

        best = None
        starts = [initial_theta]
        if not np.allclose(initial_theta, self.mode()):
            starts.append(np.clip(self.mode(), bounds[:, 0], bounds[:, 1]))
        for start in starts:
            # Hyperparameters need no more digits than the acquisition can
            # use; a loose tolerance and an iteration cap keep a fit in the
            # millisecond range where the likelihood is flat near a bound.
            res = minimize(
                objective,
                start,
                jac=True,
                method="L-BFGS-B",
                bounds=bounds,
                options={"maxiter": _MAXITER, "ftol": _FTOL},
            )
            if best is None or res.fun < best.fun:
                best = res
        return best.x, best.fun


def _kernel(n_dims, theta=None):
    kernel = ConstantKernel(1.0, _AMPLITUDE_BOUNDS) * Matern(
        np.ones(n_dims), _LENGTH_SCALE_BOUNDS, nu=2.5
    ) + WhiteKernel(1e-3, _NOISE_BOUNDS)
    if theta is not None:
        kernel.theta = np.clip(theta, kernel.bounds[:, 0], kernel.bounds[:, 1])
    return kernel


def fit_gp(X, y, theta=None):
    """Fit the surrogate to standardized scores ``y`` at unit-cube inputs ``X``.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
        Standardized (mean 0, unit variance) scores.
    theta : ndarray, default=None
        Hyperparameters to start from (a previous fit's), else the prior's
        mode.

    Returns
    -------
    gp : fitted GaussianProcessRegressor
    """
    prior = LengthScalePrior(X.shape[1])
    start = prior.mode() if theta is None else theta
    gp = GaussianProcessRegressor(
        kernel=_kernel(X.shape[1], start), optimizer=prior, normalize_y=False
    )
    with warnings.catch_warnings():
        # Hyperparameters at a bound are expected (a flat direction of the
        # objective drives its length scale to the upper bound): not news.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return gp.fit(X, y)


def refit_gp(gp, X, y):
    """Condition a fitted GP on new data, keeping its hyperparameters."""
    fixed = GaussianProcessRegressor(
        kernel=gp.kernel_, optimizer=None, normalize_y=False
    )
    return fixed.fit(X, y)


class Posterior:
    """Latent posterior of a fitted GP, with input gradients, for batches.

    Unlike ``GaussianProcessRegressor.predict``, the standard deviation
    excludes the white-noise term: acquisition functions reason about the
    latent objective.

    Parameters
    ----------
    gp : GaussianProcessRegressor
        Fitted with the kernel built by :func:`fit_gp`.
    """

    def __init__(self, gp):
        kernel = gp.kernel_
        self.amplitude = kernel.k1.k1.constant_value
        self.length_scale = np.broadcast_to(
            np.asarray(kernel.k1.k2.length_scale, dtype=float),
            (gp.X_train_.shape[1],),
        )
        self.X = gp.X_train_ / self.length_scale
        self.alpha = gp.alpha_
        self.L = gp.L_

    def __call__(self, Z, return_grad=False):
        """Mean and standard deviation at rows ``Z`` (and their gradients).

        Returns
        -------
        mu, sigma : ndarray of shape (m,)
        d_mu, d_sigma : ndarray of shape (m, d), only if ``return_grad``
        """
        Zs = np.atleast_2d(Z) / self.length_scale
        diff = Zs[:, None, :] - self.X[None, :, :] if return_grad else None
        sq = (
            np.sum(Zs**2, axis=1)[:, None]
            + np.sum(self.X**2, axis=1)[None, :]
            - 2 * Zs @ self.X.T
        )
        r = np.sqrt(np.maximum(sq, 0.0))
        e = np.exp(-_SQRT5 * r)
        k = self.amplitude * (1 + _SQRT5 * r + 5.0 / 3.0 * r * r) * e
        mu = k @ self.alpha
        v = cho_solve((self.L, True), k.T)  # K^-1 k, shape (n, m)
        var = np.maximum(self.amplitude - np.sum(k.T * v, axis=0), 1e-12)
        sigma = np.sqrt(var)
        if not return_grad:
            return mu, sigma
        # dk/dz = -(5/3) a (1 + sqrt5 r) e^{-sqrt5 r} (z - x) / l^2
        g = -(5.0 / 3.0) * self.amplitude * (1 + _SQRT5 * r) * e  # (m, n)
        dk = g[:, :, None] * diff / self.length_scale  # (m, n, d)
        d_mu = np.einsum("mnd,n->md", dk, self.alpha)
        d_var = -2 * np.einsum("mnd,nm->md", dk, v)
        d_sigma = d_var / (2 * sigma[:, None])
        return mu, sigma, d_mu, d_sigma
