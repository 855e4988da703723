"""The Gaussian-process surrogate.

The model is the one scikit-learn's
:class:`~sklearn.gaussian_process.GaussianProcessRegressor` fits with the
kernel ``ConstantKernel * Matern(nu=2.5, ARD) + WhiteKernel`` on the unit-cube
encoding of the search space, to standardized scores. Written here is only
what scikit-learn lacks or does slowly for this one kernel:

- maximum a posteriori hyperparameters: a log-normal prior on the length
  scales with median 0.7 in unit-cube coordinates in any dimension, a
  log-normal prior on the amplitude and a gamma prior on the noise variance
  (``benchmarks/README.md`` records why not the sqrt(d) scaling of Hvarfner
  et al. 2024 at budgets of tens of evaluations);
- the log-marginal likelihood and its gradient, vectorized over all length
  scales at once from pairwise differences computed once per fit
  (``benchmarks/bench_surrogate.py`` measures it against scikit-learn's
  generic kernel gradient: several times faster, the same optimum);
- the posterior mean and standard deviation with their input gradients, for
  whole batches, as the acquisition optimizer needs.

:meth:`SurrogateGP.to_sklearn` returns the equivalent fitted
GaussianProcessRegressor, and the tests check likelihood, gradient and
predictions against it.
"""

import numpy as np
from scipy.linalg import cho_solve, cholesky, lapack
from scipy.optimize import minimize

__all__ = ["SurrogateGP", "HyperparameterPrior", "LengthScalePrior", "fit_gp"]

_SQRT5 = np.sqrt(5.0)
_LENGTH_SCALE_BOUNDS = (1e-2, 1e3)
_AMPLITUDE_BOUNDS = (1e-2, 1e2)
_NOISE_BOUNDS = (1e-8, 1.0)
# Gamma(shape=1.1, rate=100) on the noise variance of the standardized scores:
# mode 0.001, most mass below 0.03, so a nearly noiseless objective (a CV
# score that is a smooth function of its hyperparameters) is fitted as such.
_NOISE_SHAPE, _NOISE_RATE = 1.1, 100.0
# Hyperparameters need no more digits than the acquisition can use; a loose
# tolerance and an iteration cap stop crawls along a flat likelihood.
_MAXITER, _FTOL = 50, 1e-6
# A gradient of 0.01 nats per unit of log-hyperparameter is flat enough: a
# warm start near the optimum stops at once instead of polishing digits.
_GTOL = 1e-2
_AMPLITUDE_LOG_SD = 1.0
# Log-normal prior on each length scale, in unit-cube coordinates: median 0.7,
# 95% of the mass in [0.18, 2.8], whatever the dimension. Measured in
# benchmarks/bench_bayes.py (see benchmarks/README.md): at budgets of tens of
# evaluations in six to ten dimensions, the median sqrt(d) and log-sd sqrt(3)
# of Hvarfner et al. (2024) let the fit choose length scales so long that the
# model is nearly linear and the search exploits one basin.
_LENGTH_SCALE_MEDIAN, _LENGTH_SCALE_LOG_SD = 0.7, 0.7
# Added to the kernel's diagonal, as GaussianProcessRegressor(alpha=1e-10).
_JITTER = 1e-10
# Up to this many points a fit starts from the prior's mode as well as warm.
_BOTH_STARTS_UP_TO = 50


class HyperparameterPrior:
    """The prior on all the GP's hyperparameters ``theta``, as log-densities.

    ``theta`` holds the logs of (amplitude, length scales..., noise), in
    scikit-learn's order for ``ConstantKernel * Matern + WhiteKernel``: a
    log-normal prior on the amplitude, one on each length scale and a gamma
    prior on the noise variance.

    Parameters
    ----------
    n_dims : int
        Number of input columns.
    """

    def __init__(self, n_dims):
        self.n_dims = n_dims
        self.mu = np.log(_LENGTH_SCALE_MEDIAN)
        self.sigma = _LENGTH_SCALE_LOG_SD

    def mode(self):
        """The prior's mode in theta, a good cold start."""
        theta = np.zeros(self.n_dims + 2)
        theta[1:-1] = self.mu
        theta[-1] = np.log((_NOISE_SHAPE - 1) / _NOISE_RATE)
        return theta

    def bounds(self):
        """Box bounds on theta, shape (n_dims + 2, 2)."""
        return np.log(
            [_AMPLITUDE_BOUNDS] + [_LENGTH_SCALE_BOUNDS] * self.n_dims + [_NOISE_BOUNDS]
        )

    def log_prior(self, theta):
        """Log-density of theta (up to a constant) and its gradient."""
        grad = np.zeros_like(theta)
        ls = theta[1:-1]
        value = -0.5 * np.sum((ls - self.mu) ** 2) / self.sigma**2
        grad[1:-1] = -(ls - self.mu) / self.sigma**2
        # Gamma log-density of the noise variance v = e^t, (shape - 1) log v
        # - rate v, maximized over t without the Jacobian term t, which would
        # push a noiseless objective's noise up by shape * |t| nats.
        # Log-normal on the amplitude of the standardized scores, around 1: a
        # huge amplitude with huge length scales extrapolates wild variance
        # into the corners of the cube and lures the acquisition there.
        value += -0.5 * theta[0] ** 2 / _AMPLITUDE_LOG_SD**2
        grad[0] = -theta[0] / _AMPLITUDE_LOG_SD**2
        t = theta[-1]
        value += (_NOISE_SHAPE - 1) * t - _NOISE_RATE * np.exp(t)
        grad[-1] = (_NOISE_SHAPE - 1) - _NOISE_RATE * np.exp(t)
        return value, grad


#: The former name, which said only a third of what the class priors; kept
#: because ``skhyper.surrogate``'s public names do not change.
LengthScalePrior = HyperparameterPrior


def _matern(r):
    """Matern-5/2 correlation and the factor of its length-scale derivative."""
    s = r * _SQRT5
    e = np.exp(-s)
    # 1 + sqrt5 r + (5/3) r^2 = 1 + s (1 + s / 3), in the order of
    # _matern_in_place, so that both agree to the last bit
    corr = ((s * (1.0 / 3.0) + 1.0) * s + 1.0) * e
    # d corr / d log(l_j) = (5/3) (1 + sqrt5 r) e^{-sqrt5 r} * D_j / l_j^2
    factor = (5.0 / 3.0) * (1 + s) * e
    return corr, factor


def _add_noise(K, noise):
    """Add the white noise and the jitter to the diagonal of ``K``, in place."""
    K.flat[:: len(K) + 1] += noise + _JITTER


def _matern_in_place(r, work):
    """The Matern-5/2 correlation, written over ``r``; ``work`` is scratch.

    A prediction over the acquisition's pool of a thousand rows spent more
    time in the page faults of fresh arrays than in arithmetic; this
    allocates none.
    """
    r *= _SQRT5  # s = sqrt5 r, so that 1 + sqrt5 r + (5/3) r^2 = 1 + s (1 + s / 3)
    poly = np.multiply(r, 1.0 / 3.0, out=work)
    poly += 1.0
    poly *= r
    poly += 1.0
    np.negative(r, out=r)
    np.exp(r, out=r)
    r *= poly
    return r


def log_marginal_likelihood(theta, sq_diff, y, eval_gradient=True):
    """Log-marginal likelihood of the surrogate and its gradient in theta.

    Parameters
    ----------
    theta : ndarray of shape (d + 2,)
        Logs of amplitude, length scales and noise.
    sq_diff : ndarray of shape (n * n, d)
        Squared differences of the inputs, per dimension.
    y : ndarray of shape (n,)
    eval_gradient : bool, default=True

    Returns
    -------
    value : float
    grad : ndarray of shape (d + 2,), only if ``eval_gradient``
    """
    n = len(y)
    amplitude, noise = np.exp(theta[0]), np.exp(theta[-1])
    inv_sq_ls = np.exp(-2 * theta[1:-1])
    r = np.sqrt(sq_diff @ inv_sq_ls).reshape(n, n)
    corr, factor = _matern(r)
    K = amplitude * corr
    _add_noise(K, noise)
    try:
        L = cholesky(K, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return (-np.inf, np.zeros_like(theta)) if eval_gradient else -np.inf
    alpha = cho_solve((L, True), y, check_finite=False)
    value = -0.5 * y @ alpha - np.log(np.diag(L)).sum() - 0.5 * n * np.log(2 * np.pi)
    if not eval_gradient:
        return value
    # d LML / d theta_j = 1/2 tr((alpha alpha^T - K^-1) dK/dtheta_j)
    K_inv, info = lapack.dpotri(L, lower=True)  # from the factor: ~n^3/3 flops
    if info != 0:
        return -np.inf, np.zeros_like(theta)
    # dpotri writes the lower triangle and leaves the upper one as it found
    # it, zero (cholesky returns a clean factor): K^-1 is that plus its
    # transpose with the diagonal halved, bit for bit, without two np.tril.
    K_inv = K_inv + K_inv.T
    K_inv.flat[:: n + 1] *= 0.5
    W = np.outer(alpha, alpha) - K_inv
    grad = np.empty_like(theta)
    grad[0] = 0.5 * np.sum(W * (amplitude * corr))
    grad[1:-1] = 0.5 * amplitude * ((W * factor).reshape(-1) @ sq_diff) * inv_sq_ls
    grad[-1] = 0.5 * noise * np.trace(W)
    return value, grad


def _squared_differences(X):
    diff = X[:, None, :] - X[None, :, :]
    return (diff * diff).reshape(-1, X.shape[1])


def fit_gp(X, y, theta=None):
    """Fit the surrogate to standardized scores ``y`` at unit-cube inputs ``X``.

    Hyperparameters are the maximum a posteriori estimate found by L-BFGS-B
    from ``theta`` (a previous fit's, a warm start) and from the prior's mode.

    Parameters
    ----------
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)
        Standardized (mean 0, unit variance) scores.
    theta : ndarray of shape (d + 2,), default=None
        Hyperparameters to start from besides the prior's mode.

    Returns
    -------
    gp : SurrogateGP
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    prior = HyperparameterPrior(X.shape[1])
    bounds = prior.bounds()
    sq_diff = _squared_differences(X)

    def objective(t):
        lml, grad = log_marginal_likelihood(t, sq_diff, y)
        lp, lp_grad = prior.log_prior(t)
        if not np.isfinite(lml):
            return np.inf, np.zeros_like(t)
        return -(lml + lp), -(grad + lp_grad)

    # A warm start is enough once the data pin the hyperparameters down; with
    # few points the prior's mode is tried too, against a poor early optimum.
    starts = []
    if theta is not None:
        starts.append(np.clip(theta, bounds[:, 0], bounds[:, 1]))
    if theta is None or len(y) <= _BOTH_STARTS_UP_TO:
        starts.append(prior.mode())
    best = None
    for start in starts:
        res = minimize(
            objective,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": _MAXITER, "ftol": _FTOL, "gtol": _GTOL},
        )
        if best is None or res.fun < best.fun:
            best = res
    return SurrogateGP(best.x, X, y)


class SurrogateGP:
    """A Gaussian process with fixed hyperparameters, conditioned on data.

    Parameters
    ----------
    theta : ndarray of shape (d + 2,)
        Logs of amplitude, length scales and noise.
    X : ndarray of shape (n, d)
    y : ndarray of shape (n,)

    Attributes
    ----------
    theta : ndarray
    X_train_, y_train_ : ndarray
        The conditioning data.
    kernel_ : sklearn.gaussian_process.kernels.Kernel
        The kernel as a scikit-learn object, for inspection.
    """

    def __init__(self, theta, X, y):
        self.theta = np.asarray(theta, dtype=float)
        self.X_train_ = X
        self.y_train_ = y
        self.amplitude = np.exp(self.theta[0])
        self.length_scale = np.exp(self.theta[1:-1])
        self.noise = np.exp(self.theta[-1])
        self._Xs = X / self.length_scale
        self._Xs_sq = np.sum(self._Xs**2, axis=1)
        # The correlation alone (no gradient factor), over the distances.
        r = self._distances(self._Xs)
        K = _matern_in_place(r, np.empty_like(r))
        K *= self.amplitude
        _add_noise(K, self.noise)
        self.L_ = cholesky(K, lower=True, check_finite=False)
        self.alpha_ = cho_solve((self.L_, True), y, check_finite=False)
        self._n_columns = 1 if np.ndim(y) == 1 else np.shape(y)[1]
        self._L_inv = self._projection = None

    def _distances(self, Zs):
        sq = Zs @ self._Xs.T
        sq *= -2.0
        sq += self._Xs_sq[None, :]
        sq += np.einsum("ij,ij->i", Zs, Zs)[:, None]
        np.maximum(sq, 0.0, out=sq)
        return np.sqrt(sq, out=sq)

    def _inverse_factor(self):
        # The inverse of the Cholesky factor, once per model: the acquisition
        # optimizer predicts a few rows at a time, dozens of times, and a
        # product with it costs what a triangular solve costs without the
        # solver's per-call overhead.
        if self._L_inv is None:
            L_inv, info = lapack.dtrtri(self.L_, lower=1)
            if info != 0:  # pragma: no cover - L_ has a positive diagonal
                raise np.linalg.LinAlgError("singular Cholesky factor")
            self._L_inv = np.tril(L_inv)
        return self._L_inv

    def _projections(self):
        # The amplitude times [alpha | (L^-1)^T]: one product of a row of
        # correlations with it gives the mean and the row of L^-1 k^T. And
        # the training rows with a column of ones, so that one product gives
        # both sums of a gradient, sum_x c(z, x) x and sum_x c(z, x).
        if self._projection is None:
            a = self.amplitude
            self._projection = (
                np.column_stack([a * self.alpha_, a * self._inverse_factor().T]),
                np.column_stack([self._Xs, np.ones(len(self._Xs))]),
            )
        return self._projection

    @property
    def kernel_(self):
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

        return ConstantKernel(self.amplitude, _AMPLITUDE_BOUNDS) * Matern(
            self.length_scale, _LENGTH_SCALE_BOUNDS, nu=2.5
        ) + WhiteKernel(self.noise, _NOISE_BOUNDS)

    def condition(self, X, y):
        """The same hyperparameters, conditioned on other data."""
        return SurrogateGP(self.theta, X, y)

    def to_sklearn(self):
        """The equivalent fitted scikit-learn GaussianProcessRegressor."""
        from sklearn.gaussian_process import GaussianProcessRegressor

        gp = GaussianProcessRegressor(
            kernel=self.kernel_, alpha=_JITTER, optimizer=None, normalize_y=False
        )
        return gp.fit(self.X_train_, self.y_train_)

    def returned_std(self, std):
        """The standard deviation of a returned score, from :meth:`predict`'s
        latent ``std``: the white noise added to the latent variance."""
        return np.sqrt(std * std + self.noise)

    def predict(self, Z, return_grad=False):
        """Latent mean and standard deviation at rows ``Z`` (and gradients).

        Unlike ``GaussianProcessRegressor.predict``, the standard deviation
        excludes the white-noise term (``noise``); :meth:`returned_std` adds
        it back for a caller that reasons about a returned score. With ``k``
        columns of scores (``y`` of shape ``(n, k)``: several draws of the
        same observations' scores) there is a mean per column and one
        standard deviation, which does not depend on the scores.

        Returns
        -------
        mu : ndarray of shape (m,), or (m, k)
        sigma : ndarray of shape (m,)
        d_mu : ndarray of shape (m, d), or (m, k, d); only if ``return_grad``
        d_sigma : ndarray of shape (m, d), only if ``return_grad``
        """
        Zs = np.atleast_2d(Z) / self.length_scale
        m, n = len(Zs), len(self._Xs)
        k = self._n_columns
        r = self._distances(Zs)
        project, Xs1 = self._projections()
        if not return_grad:
            # Two arrays of the pool's size in all, reused in place.
            work = np.empty(m * (n + k))
            corr = _matern_in_place(r, work[: m * n].reshape(m, n))
            mu_v = np.matmul(corr, project, out=work.reshape(m, n + k))
        else:
            corr, factor = _matern(r)
            mu_v = corr @ project
        v = mu_v[:, k:]  # rows of (L^-1 k^T)^T
        mu = mu_v[:, 0].copy() if self.y_train_.ndim == 1 else mu_v[:, :k].copy()
        var = np.maximum(self.amplitude - np.einsum("ij,ij->i", v, v), 1e-12)
        sigma = np.sqrt(var)
        if not return_grad:
            return mu, sigma
        # dk(z, x)/dz = -(5/3) a (1 + sqrt5 r) e^{-sqrt5 r} (z - x) / l^2 =
        # -a factor(z, x) (z - x) / l^2, so a sum over the training rows x
        # weighted by c(z, x) is (z sum_x c - sum_x c x) / l^2 in scaled
        # coordinates, without the (m, n, d) array of differences. The
        # weights of the k means and of the variance are stacked: one product.
        w = v @ self._inverse_factor()  # rows of K^-1 k^T
        # A mean's weights are -a factor alpha_j, the variance's -2 times
        # -a factor w; the signs and a are applied to the (m, d) results.
        c = np.empty((k + 1, m, n))
        np.multiply(factor, project[:, :k].T[:, None, :], out=c[:k])  # a alpha_j factor
        np.multiply(factor, w, out=c[k])
        sums = (c.reshape((k + 1) * m, n) @ Xs1).reshape(k + 1, m, -1)
        grads = (Zs * sums[:, :, -1:] - sums[:, :, :-1]) / self.length_scale
        d_mu = -np.moveaxis(grads[:k], 0, 1)  # (m, k, d)
        if self.y_train_.ndim == 1:
            d_mu = d_mu[:, 0]
        # d_sigma = d_var / (2 sigma) = 2 a (...) / (2 sigma)
        d_sigma = self.amplitude * grads[k] / sigma[:, None]
        return mu, sigma, d_mu, d_sigma
