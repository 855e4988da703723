"""Squared-error hypergradients: Ridge, KernelRidge, Lasso and ElasticNet.

Each ``*_hypergradient`` function takes a model fitted by scikit-learn on a
training fold and returns the mean squared error on a test fold with its
gradient in the model's regularization parameters; each ``_check_*`` refuses
a configuration without one. Notes of each function: the training objective
(scikit-learn's, with its own scalings) and the derivation; the papers
are cited in :mod:`._registry`.
"""

import warnings

import numpy as np
from scipy import linalg, sparse
from scipy.sparse import linalg as sparse_linalg
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso
from sklearn.metrics.pairwise import euclidean_distances, pairwise_kernels

from ._common import (
    _check_names,
    _check_positive_value,
    _columns,
    _floats,
    _solver,
    _squared_error,
)


def _refuse_positive(params, who):
    if params.get("positive", False):
        raise ValueError(
            f"{who} with positive=True has an inequality-constrained solution "
            f"and no hypergradient: set positive=False."
        )


# -- Ridge --------------------------------------------------------------------------


def _check_ridge(params, names):
    """Refuses positive=True and a per-target (array) alpha."""
    _check_names(names, ("alpha",), "Ridge")
    _refuse_positive(params, "Ridge")
    if np.ndim(params.get("alpha")) != 0:
        raise ValueError(
            f"Ridge with alpha={params['alpha']!r} (one alpha per target) has "
            f"no hypergradient here: give alpha a single scalar value."
        )
    _check_positive_value(params, "alpha", names)


def ridge_hypergradient(model, X_train, y_train, X_test, y_test, names):
    """Validation squared error of a fitted Ridge and its gradient in alpha.

    Parameters
    ----------
    model : Ridge
        Fitted on ``X_train, y_train``.
    X_train, X_test : ndarray of shape (n_samples, n_features)
        Training and test folds; dense.
    y_train, y_test : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Their targets (``y_train`` is not needed: the fitted ``coef_`` is).
    names : list of str
        A subset of ``["alpha"]``.

    Returns
    -------
    loss : float
        The mean over test samples and targets of ``(y_pred - y)**2``.
    grad : ndarray of shape (len(names),)
        ``d loss / d log(alpha)``.

    Notes
    -----
    scikit-learn minimizes ``||y - X w - b||^2 + alpha ||w||^2`` (a sum, not
    a mean), the intercept following from centering: with ``Xc`` the centered
    training X, ``(Xc^T Xc + alpha I) w = Xc^T yc``, so
    ``dw/dalpha = -(Xc^T Xc + alpha I)^{-1} w``. With the thin SVD
    ``Xc = U S V^T`` the inverse is ``V (S^2 + alpha)^{-1} V^T`` on the row
    space and ``1 / alpha`` on its complement (for n < p). The intercept
    ``b = mean(y) - mean(X) w`` moves with ``w``.
    """
    _check_names(names, ("alpha",), "Ridge")
    X_train, X_test = _floats(X_train), _floats(X_test)
    alpha = float(model.alpha)
    W = np.atleast_2d(model.coef_)  # (n_targets, n_features)
    x_mean = (
        np.asarray(X_train.mean(axis=0)).ravel() if model.fit_intercept
        else np.zeros(X_train.shape[1])
    )
    if sparse.issparse(X_train):
        dW = -_ridge_solve_sparse(X_train, x_mean, alpha, W)
    else:
        _, s, Vt = linalg.svd(X_train - x_mean, full_matrices=False)
        in_rows = W @ Vt.T
        dW = -(in_rows / (s**2 + alpha)) @ Vt - (W - in_rows @ Vt) / alpha
    pred = X_test @ W.T + model.intercept_
    loss, dpred = _squared_error(pred, _columns(y_test))
    dalpha = np.sum(dpred * (X_test @ dW.T - x_mean @ dW.T))
    return loss, np.array([alpha * dalpha for _ in names])


def _ridge_solve_sparse(X, x_mean, alpha, W):
    """``(Xc^T Xc + alpha I)^{-1} w`` for every row ``w`` of ``W``, by
    conjugate gradients, with ``Xc = X - mean`` never formed (X stays sparse)."""

    def gram(v):
        Xv = X @ v - x_mean @ v
        return X.T @ Xv - x_mean * Xv.sum() + alpha * v

    n_features = X.shape[1]
    op = sparse_linalg.LinearOperator((n_features, n_features), matvec=gram, dtype=float)
    rows = []
    for w in W:
        v, info = sparse_linalg.cg(op, w, rtol=1e-12, atol=0.0, maxiter=10 * n_features)
        if info != 0:
            raise ValueError(
                f"The Ridge hypergradient's conjugate gradients did not converge "
                f"in {10 * n_features} iterations (alpha={alpha!r})."
            )
        rows.append(v)
    return np.array(rows)


# -- KernelRidge --------------------------------------------------------------------


def _check_kernel_ridge(params, names):
    """Refuses an array alpha, and gamma unless kernel='rbf' with a number."""
    _check_names(names, ("alpha", "gamma"), "KernelRidge")
    if np.ndim(params.get("alpha")) != 0:
        raise ValueError(
            f"KernelRidge with alpha={params['alpha']!r} (one alpha per target) "
            f"has no hypergradient here: give alpha a single scalar value."
        )
    _check_positive_value(params, "alpha", names)
    if "gamma" in names:
        kernel = params.get("kernel")
        if not (isinstance(kernel, str) and kernel == "rbf"):
            raise ValueError(
                f"KernelRidge has a hypergradient in gamma only for kernel='rbf'; "
                f"got kernel={kernel!r}: loop over gamma's values instead."
            )
        if params.get("gamma") is None:
            raise ValueError(
                "KernelRidge with gamma=None uses gamma = 1 / n_features, which "
                "cannot be differentiated: give gamma a range (or a number)."
            )
        _check_positive_value(params, "gamma", names)


def _kernel(model, X, Y):
    """The kernel between X and Y, exactly as KernelRidge computes it."""
    if callable(model.kernel):
        params = model.kernel_params or {}
    else:
        params = {"gamma": model.gamma, "degree": model.degree, "coef0": model.coef0}
    return pairwise_kernels(X, Y, metric=model.kernel, filter_params=True, **params)


def kernel_ridge_hypergradient(model, X_train, y_train, X_test, y_test, names):
    """Validation squared error of a fitted KernelRidge, gradient in alpha, gamma.

    Parameters
    ----------
    model : KernelRidge
        Fitted on ``X_train, y_train``.
    X_train, X_test : array-like
        Training and test folds; for ``kernel="precomputed"``, the kernel
        matrices of shape (n_train, n_train) and (n_test, n_train).
    y_train, y_test : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Their targets (``y_train`` is not needed: ``dual_coef_`` is).
    names : list of str
        A subset of ``["alpha", "gamma"]``; ``gamma`` only for ``kernel="rbf"``.

    Returns
    -------
    loss : float
        The mean over test samples and targets of ``(y_pred - y)**2``.
    grad : ndarray of shape (len(names),)
        ``d loss / d log(param)`` for each name.

    Notes
    -----
    The dual coefficients solve ``(K + alpha I) a = y`` (no intercept), and
    ``y_pred = K_test a``. Hence ``da/dalpha = -(K + alpha I)^{-1} a`` and,
    for the RBF kernel ``K = exp(-gamma D2)`` with ``D2`` the squared
    distances, ``dK/dgamma = -D2 * K`` and
    ``da/dgamma = -(K + alpha I)^{-1} (dK/dgamma) a``.
    """
    _check_names(names, ("alpha", "gamma"), "KernelRidge")
    alpha = float(model.alpha)
    K = _kernel(model, X_train, None)
    K_test = _kernel(model, X_test, X_train)
    A = model.dual_coef_.reshape(K.shape[0], -1)
    loss, dpred = _squared_error(K_test @ A, _columns(y_test))
    solve = _solver(K + alpha * np.eye(K.shape[0]), "KernelRidge (K + alpha I)")
    grads = {}
    if "alpha" in names:
        grads["alpha"] = alpha * np.sum(dpred * (K_test @ -solve(A)))
    if "gamma" in names:
        _check_kernel_ridge(model.get_params(deep=False), ["gamma"])
        gamma = float(model.gamma)
        # d K / d log(gamma) = -gamma * D2 * K
        dK = -gamma * euclidean_distances(X_train, squared=True) * K
        dK_test = -gamma * euclidean_distances(X_test, X_train, squared=True) * K_test
        dA = -solve(dK @ A)
        grads["gamma"] = np.sum(dpred * (dK_test @ A + K_test @ dA))
    return loss, np.array([grads[name] for name in names])


# -- Lasso and ElasticNet -----------------------------------------------------------


def _check_lasso(params, names):
    """Refuses positive=True."""
    _check_names(names, ("alpha",), "Lasso")
    _refuse_positive(params, "Lasso")
    _check_positive_value(params, "alpha", names)


def _check_elastic_net(params, names):
    """Refuses positive=True."""
    _check_names(names, ("alpha", "l1_ratio"), "ElasticNet")
    _refuse_positive(params, "ElasticNet")
    _check_positive_value(params, "alpha", names)


#: The duality-gap tolerance (scikit-learn's ``tol``, relative to ``||y||^2``)
#: to which :func:`elastic_net_hypergradient` solves the fits it differentiates.
_LASSO_GRADIENT_TOL = 1e-10


def _refined(model, X_train, y_train):
    """A fitted Lasso-type model solved to ``_LASSO_GRADIENT_TOL``, by
    scikit-learn's own coordinate descent warm-started from ``model``'s
    coefficients (``model`` itself if it was fitted that tightly).

    The hypergradient holds on the exact support: at the default
    ``tol=1e-4`` coordinate descent stops with spurious small coefficients
    (more features than samples, small alpha), and the gradient on that
    support was measured off by up to 50 times, sometimes of the wrong sign.
    """
    if model.tol <= _LASSO_GRADIENT_TOL:
        return model
    refined = clone(model).set_params(
        tol=_LASSO_GRADIENT_TOL, max_iter=100 * model.max_iter, warm_start=True
    )
    refined.coef_ = np.array(model.coef_, dtype=np.float64)
    with warnings.catch_warnings():
        # a solution that is still not exact is the best there is
        warnings.simplefilter("ignore", ConvergenceWarning)
        return refined.fit(X_train, np.asarray(y_train, dtype=np.float64))


def elastic_net_hypergradient(model, X_train, y_train, X_test, y_test, names):
    """Validation squared error of a fitted ElasticNet or Lasso, and its gradient.

    Parameters
    ----------
    model : ElasticNet or Lasso
        Fitted on ``X_train, y_train``, with a single target.
    X_train, X_test : ndarray or sparse matrix of shape (n_samples, n_features)
        Training and test folds.
    y_train, y_test : ndarray of shape (n_samples,)
        Their targets (``y_train`` to refine a loosely solved fit).
    names : list of str
        A subset of ``["alpha", "l1_ratio"]`` (``["alpha"]`` for Lasso).

    Returns
    -------
    loss : float
        The mean over test samples of ``(y_pred - y)**2``, of the exact
        solution (see Notes).
    grad : ndarray of shape (len(names),)
        ``d loss / d log(alpha)`` and ``d loss / d l1_ratio``.

    Notes
    -----
    scikit-learn minimizes ``||y - X w - b||^2 / (2 n) + alpha r ||w||_1
    + alpha (1 - r) ||w||^2 / 2`` (``r = l1_ratio``, 1 for Lasso), the
    intercept following from centering. On the support ``S = {j: w_j != 0}``
    the optimality condition ``Xc_S^T (Xc_S w_S - yc) / n + alpha r sign(w_S)
    + alpha (1 - r) w_S = 0`` holds, and is locally smooth (Bertrand et al.):
    ``(Xc_S^T Xc_S / n + alpha (1 - r) I) dw_S = -d/dtheta [alpha r sign(w_S)
    + alpha (1 - r) w_S]``, with ``dw = 0`` off the support. This holds on
    the exact support only: a model fitted with ``tol`` above ``1e-10`` is
    first solved to that tolerance (:func:`_refined`, warm-started from its
    coefficients, on a copy), and the loss and gradient are that solution's.
    """
    who = type(model).__name__
    allowed = ("alpha",) if isinstance(model, Lasso) else ("alpha", "l1_ratio")
    _check_names(names, allowed, who)
    w = np.asarray(model.coef_)
    n_targets = max(_columns(y_train).shape[1], len(np.atleast_2d(w)))
    if n_targets > 1:
        raise ValueError(
            f"The {who} hypergradient handles a single target; got {n_targets} "
            f"targets: fit one model per target."
        )
    X_train, X_test = _floats(X_train), _floats(X_test)
    model = _refined(model, X_train, y_train)
    w = np.ravel(model.coef_)
    alpha, ratio = float(model.alpha), float(model.l1_ratio)
    pred = X_test @ w + model.intercept_
    loss, dpred = _squared_error(pred, np.asarray(y_test, dtype=np.float64).ravel())
    support = np.flatnonzero(w)
    if support.size == 0:
        return loss, np.zeros(len(names))
    X_S = X_train[:, support]
    X_S = X_S.toarray() if sparse.issparse(X_S) else X_S
    X_test_S = X_test[:, support]
    X_test_S = X_test_S.toarray() if sparse.issparse(X_test_S) else X_test_S
    if model.fit_intercept:
        x_mean = X_S.mean(axis=0)
        X_S, X_test_S = X_S - x_mean, X_test_S - x_mean
    w_S, sign = w[support], np.sign(w[support])
    G = X_S.T @ X_S / len(X_S) + alpha * (1 - ratio) * np.eye(len(support))

    def solve(b):
        # least squares, not a plain solve: with collinear columns on the
        # support (or more of them than samples) the Gram is singular, the
        # split of weight between such columns is arbitrary, and the
        # minimum-norm derivative moves the predictions as every split does
        return linalg.lstsq(G, b, cond=1e-12)[0]

    rhs = {
        "alpha": -alpha * (ratio * sign + (1 - ratio) * w_S),  # d/d log(alpha)
        "l1_ratio": -alpha * (sign - w_S),
    }
    dpred_test = X_test_S.T @ dpred
    return loss, np.array([dpred_test @ solve(rhs[name]) for name in names])
