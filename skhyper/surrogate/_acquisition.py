"""Acquisition functions, in the maximization convention.

Each function takes the posterior mean ``mu`` and standard deviation
``sigma`` of the (standardized) objective at candidate points and returns the
acquisition value together with its partial derivatives with respect to
``mu`` and ``sigma``, so that the optimizer can chain them with the gradients
of the posterior. All are pure and vectorized.
"""

import numpy as np
from scipy.special import erfcx, log_ndtr, ndtr

__all__ = ["ACQUISITIONS", "log_h", "evaluate_acquisition"]

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)
_SQRT_PI_2 = np.sqrt(np.pi / 2)
# Below this z, 1 + z * Phi(z)/phi(z) loses all its digits to cancellation
# and its asymptotic expansion 1/z^2 is used instead (Ament et al. 2023, eq. 9).
_Z_TAIL = -1.0 / np.sqrt(np.finfo(float).eps)


def _phi(z):
    return np.exp(-0.5 * z * z - _LOG_SQRT_2PI)


def _log1mexp(x):
    """log(1 - exp(x)) for x < 0, accurate on the whole range."""
    return np.where(x > -np.log(2), np.log(-np.expm1(x)), np.log1p(-np.exp(x)))


def log_h(z):
    """``log(phi(z) + z * Phi(z))``, accurate for every z, and its derivative.

    ``h(z) = phi(z) + z Phi(z)`` is expected improvement at unit scale. Its
    logarithm is computed directly for z > -1, through the scaled
    complementary error function for moderately negative z, and through its
    asymptotic expansion in the far tail (Ament et al. 2023, "Unexpected
    Improvements to Expected Improvement", eq. 9). The derivative is
    ``Phi(z) / h(z)``, since ``h'(z) = Phi(z)``.

    Parameters
    ----------
    z : array-like

    Returns
    -------
    value, derivative : ndarray
    """
    z = np.asarray(z, dtype=float)
    upper = z > -1
    if upper.all():  # most calls of the acquisition's refinement: no masks
        return _log_h_upper(z)
    tail = z <= _Z_TAIL
    mid = ~(upper | tail)
    if mid.all():
        return _log_h_mid(z)
    value = np.empty_like(z)
    deriv = np.empty_like(z)
    for rows, branch in ((upper, _log_h_upper), (mid, _log_h_mid), (tail, _log_h_tail)):
        value[rows], deriv[rows] = branch(z[rows])
    return value, deriv


def _log_h_upper(z):
    cdf = ndtr(z)
    h = _phi(z) + z * cdf
    return np.log(h), cdf / h


def _log_h_mid(z):
    # h(z) = phi(z) * (1 - |z| * sqrt(pi/2) * erfcx(-z/sqrt 2)) for z < 0
    ratio = _SQRT_PI_2 * erfcx(-z / np.sqrt(2))  # Phi(z) / phi(z)
    value = -0.5 * z * z - _LOG_SQRT_2PI + _log1mexp(np.log(ratio * np.abs(z)))
    return value, ratio / (1 + z * ratio)


def _log_h_tail(z):
    return -0.5 * z * z - _LOG_SQRT_2PI - 2 * np.log(np.abs(z)), -z


def _improvement_z(mu, sigma, best, xi):
    return (mu - best - xi) / sigma


def log_ei(mu, sigma, best, xi=0.0):
    """Logarithm of expected improvement over ``best + xi``."""
    z = _improvement_z(mu, sigma, best, xi)
    lh, dlh = log_h(z)
    value = np.log(sigma) + lh
    d_mu = dlh / sigma
    d_sigma = 1.0 / sigma - dlh * z / sigma
    return value, d_mu, d_sigma


def ei(mu, sigma, best, xi=0.0):
    """Expected improvement over ``best + xi``."""
    z = _improvement_z(mu, sigma, best, xi)
    cdf, pdf = ndtr(z), _phi(z)
    value = sigma * (pdf + z * cdf)
    return value, cdf, pdf


def pi(mu, sigma, best, xi=0.0):
    """Probability of improvement over ``best + xi``.

    The optimizer maximizes its logarithm, which has the same maximizer and
    useful gradients where the probability itself underflows; this function
    returns that logarithm.
    """
    z = _improvement_z(mu, sigma, best, xi)
    value = log_ndtr(z)
    # d/dz log Phi(z) = phi(z) / Phi(z), computed in log space.
    dz = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - value)
    return value, dz / sigma, -dz * z / sigma


def ucb(mu, sigma, kappa=1.96):
    """Upper confidence bound ``mu + kappa * sigma``."""
    return mu + kappa * sigma, np.ones_like(mu), np.full_like(sigma, kappa)


ACQUISITIONS = ("log_ei", "ei", "pi", "ucb")


def evaluate_acquisition(name, mu, sigma, best, xi=0.0, kappa=1.96):
    """Dispatch to an acquisition function by name.

    Returns
    -------
    value, d_mu, d_sigma : ndarray
        The value maximized by the acquisition optimizer and its partial
        derivatives. For ``"pi"`` the value is the log-probability.
    """
    if name == "log_ei":
        return log_ei(mu, sigma, best, xi)
    if name == "ei":
        return ei(mu, sigma, best, xi)
    if name == "pi":
        return pi(mu, sigma, best, xi)
    if name == "ucb":
        return ucb(mu, sigma, kappa)
    raise ValueError(f"acq_func must be one of {ACQUISITIONS}; got {name!r}.")
