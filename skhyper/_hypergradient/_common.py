"""What the hypergradient formulas share: float arrays, the squared error, a
linear solver, and the checks every estimator's configuration runs."""

from numbers import Real

import numpy as np
from scipy import linalg, sparse


def _floats(X):
    """X as a float64 array, or a CSR matrix if it is sparse."""
    if sparse.issparse(X):
        return sparse.csr_matrix(X, dtype=np.float64)
    return np.asarray(X, dtype=np.float64)


def _columns(y):
    """y as a 2-d float array of shape (n_samples, n_outputs)."""
    y = np.asarray(y, dtype=np.float64)
    return y.reshape(len(y), -1)


def _check_names(names, allowed, who):
    """Refuses names that ``who`` has no hypergradient for."""
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise ValueError(
            f"{who} has a hypergradient only for {sorted(allowed)}; got {unknown}."
        )


def _squared_error(pred, y):
    """The mean squared error, and its gradient with respect to ``pred``."""
    residual = pred - y
    return float(np.mean(residual**2)), 2.0 * residual / residual.size


def _solver(A, who):
    """A solver for the square system A x = b, raising ValueError if singular.

    Cholesky first (A is symmetric positive definite in theory), LU if that
    fails (an indefinite kernel, or a Hessian singular to rounding).
    """
    try:
        factor = linalg.cho_factor(A)
        return lambda b: linalg.cho_solve(factor, b)
    except linalg.LinAlgError:
        pass
    factor = linalg.lu_factor(A)
    if not np.all(np.diag(factor[0])):
        raise ValueError(f"The {who} is singular: the hypergradient is undefined.")
    return lambda b: linalg.lu_solve(factor, b)


def _check_positive_value(params, name, names):
    """A parameter differentiated in log space must be a finite number > 0."""
    if name not in names:
        return
    value = params.get(name)
    if np.ndim(value) != 0:
        raise ValueError(
            f"{name}={value!r} is an array (one value per target); the "
            f"hypergradient needs a single {name}: give {name} a scalar value."
        )
    if (
        not isinstance(value, Real)
        or isinstance(value, bool)
        or not 0 < value < np.inf
    ):
        raise ValueError(
            f"{name}={value!r} cannot be differentiated in log space: {name} "
            f"must be a finite number > 0."
        )
