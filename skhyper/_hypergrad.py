"""Exact hypergradients of the validation loss of fitted scikit-learn models.

Every function here takes an estimator already fitted by scikit-learn on a
training fold and returns the loss on a test fold together with its gradient
with respect to some hyperparameters. The gradient follows from the
optimality conditions of the training objective by the implicit function
theorem [1]_, restricted to the active set for the Lasso-type models [2]_:
no model is refitted, except that a Lasso-type fit solved more loosely than
the gradient needs is first solved further, warm-started, on a copy. The training objectives are scikit-learn 1.9's, with
its own scalings (Notes of each function).

:data:`HYPERGRADIENTS` maps estimator classes to a :class:`HyperSpec`, and is
searched along the MRO by :func:`hyperspec`, so that subclasses inherit
their parent's hypergradient and users may register their own estimators.

References
----------
.. [1] F. Pedregosa, "Hyperparameter optimization with approximate gradient",
   ICML 2016.
.. [2] Q. Bertrand, Q. Klopfenstein, M. Blondel, S. Vaiter, A. Gramfort,
   J. Salmon, "Implicit differentiation of Lasso-type models for
   hyperparameter optimization", ICML 2020.
"""

import warnings
from dataclasses import dataclass
from numbers import Real
from typing import Callable

import numpy as np
from scipy import linalg, sparse
from scipy.sparse import linalg as sparse_linalg
from scipy.special import expit, log_softmax, logsumexp, softmax
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.kernel_ridge import KernelRidge
from sklearn.linear_model import (
    ElasticNet,
    Lasso,
    LogisticRegression,
    LogisticRegressionCV,
    MultiTaskElasticNet,
    MultiTaskLasso,
    Ridge,
)
from sklearn.metrics.pairwise import euclidean_distances, pairwise_kernels
from sklearn.multiclass import OneVsRestClassifier

__all__ = ["HYPERGRADIENTS", "HyperSpec", "hyperspec", "supported"]


@dataclass(frozen=True)
class HyperSpec:
    """How to differentiate one estimator's validation loss.

    Attributes
    ----------
    function : callable
        ``function(model, X_train, y_train, X_test, y_test, names)`` returns
        ``(loss, grad)``: the validation loss of the fitted ``model`` on the
        test fold, and a float array of shape ``(len(names),)`` holding its
        derivatives with respect to the hyperparameters ``names``, in that
        order and in the coordinates of ``scales``.
    scales : dict
        Each differentiable parameter's coordinate: ``"log"`` (the gradient
        is ``d loss / d log(param)``) or ``"linear"`` (``d loss / d param``).
    check : callable
        ``check(params, names)`` raises ValueError, naming the parameter at
        fault, when the estimator configured by ``params`` (its
        ``get_params(deep=False)``) cannot be differentiated in ``names``.
    loss : str
        The validation loss: ``"squared error"`` or ``"log-loss"``.
    """

    function: Callable
    scales: dict
    check: Callable
    loss: str


# -- shared helpers -----------------------------------------------------------------


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


# -- checks -------------------------------------------------------------------------


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


def _refuse_positive(params, who):
    if params.get("positive", False):
        raise ValueError(
            f"{who} with positive=True has an inequality-constrained solution "
            f"and no hypergradient: set positive=False."
        )


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


def _check_logistic(params, names):
    """Refuses any penalty but L2, C=inf, class weights and liblinear with
    an intercept (which it penalizes)."""
    _check_names(names, ("C",), "LogisticRegression")
    penalty = params.get("penalty", "deprecated")
    if penalty not in ("deprecated", "l2"):
        raise ValueError(
            f"LogisticRegression with penalty={penalty!r} has no hypergradient: "
            f"only the L2 penalty is smooth; leave penalty unset and use "
            f"l1_ratio=0."
        )
    l1_ratio = params.get("l1_ratio", 0.0)
    if l1_ratio is not None and l1_ratio != 0:
        raise ValueError(
            f"LogisticRegression with l1_ratio={l1_ratio!r} has an L1 term and "
            f"no hypergradient: only l1_ratio=0 (the L2 penalty) is smooth."
        )
    if params.get("C") == np.inf:
        raise ValueError(
            "LogisticRegression with C=inf has no penalty to differentiate: "
            "give C a finite value > 0."
        )
    if params.get("class_weight") is not None:
        raise ValueError(
            f"LogisticRegression with class_weight={params['class_weight']!r} "
            f"weighs the training loss, but the hypergradient is for the "
            f"unweighted loss: set class_weight=None."
        )
    if params.get("solver") == "liblinear" and params.get("fit_intercept", True):
        raise ValueError(
            "LogisticRegression with solver='liblinear' penalizes the intercept, "
            "a different objective: use solver='lbfgs' or 'newton-cholesky', or "
            "fit_intercept=False."
        )
    _check_positive_value(params, "C", names)


def _check_one_vs_rest(params, names):
    """Refuses any estimator but a LogisticRegression the search can
    differentiate (see :func:`_check_logistic`)."""
    _check_names(names, ("estimator__C",), "OneVsRestClassifier")
    inner = params.get("estimator")
    if hyperspec(inner) is not _LOGISTIC:
        raise ValueError(
            f"OneVsRestClassifier has a hypergradient only around a "
            f"LogisticRegression; got estimator={inner!r} (put other steps in a "
            f"Pipeline before the OneVsRestClassifier)."
        )
    inner_names = [name[len("estimator__"):] for name in names]
    _check_logistic(inner.get_params(deep=False), inner_names)


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


# -- hypergradients -----------------------------------------------------------------


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


def _with_ones(X):
    """X with a column of ones appended (the intercept's feature)."""
    ones = np.ones((X.shape[0], 1))
    if sparse.issparse(X):
        return sparse.hstack([X, ones], format="csr")
    return np.hstack([X, ones])


def _weighted_gram(X, weights):
    """``X^T diag(weights) X`` as a dense array."""
    if sparse.issparse(X):
        return (X.T @ X.multiply(weights[:, None])).toarray()
    return (X * weights[:, None]).T @ X


def _class_indices(y, classes):
    """The index in ``classes`` of every label of y; unknown labels raise."""
    y = np.asarray(y)
    index = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
    unknown = classes[index] != y
    if np.any(unknown):
        raise ValueError(
            f"y_test holds labels {np.unique(y[unknown]).tolist()} the model was "
            f"not fitted on (classes_ = {classes.tolist()})."
        )
    return index


def _softmax_hessian(X1, P):
    """Hessian of the summed multinomial loss in the (K, d) coefficients.

    Block (k, l) is ``X1^T diag(P_k (delta_kl - P_l)) X1``; the coefficients
    are ravelled class by class (row-major).
    """
    n_classes, d = P.shape[1], X1.shape[1]
    H = np.empty((n_classes * d, n_classes * d))
    for k in range(n_classes):
        for l in range(k, n_classes):
            block = _weighted_gram(X1, P[:, k] * ((k == l) - P[:, l]))
            H[k * d : (k + 1) * d, l * d : (l + 1) * d] = block
            H[l * d : (l + 1) * d, k * d : (k + 1) * d] = block.T
    return H


def _logistic_form(model):
    """How a fitted LogisticRegression's ``predict_proba`` turns its decision
    function into probabilities, as scikit-learn 1.6 to 1.9 decide it.

    ``"binomial"``: one coefficient row, ``P(classes_[1]) = expit(z)``;
    ``"doubled"``: one row fitted by the multinomial loss, softmax over
    ``(-z, z)``, i.e. ``expit(2 z)`` (``multi_class="multinomial"`` with two
    classes); ``"ovr"``: one row per class, each a binary problem of its own,
    their ``expit`` normalized to sum to 1; ``"multinomial"``: softmax over
    the rows. ``multi_class`` exists before scikit-learn 1.8 only; from 1.8
    on two classes are binomial and more are multinomial.
    """
    multi_class = getattr(model, "multi_class", "deprecated")
    ovr = multi_class == "ovr" or (
        multi_class in ("auto", "deprecated")
        and (len(model.classes_) <= 2 or model.solver == "liblinear")
    )
    if len(model.classes_) <= 2:
        return "binomial" if ovr else "doubled"
    return "ovr" if ovr else "multinomial"


def _binary_logits(model, X1, X1_test):
    """The binary problems of a fitted binomial, doubled or one-vs-rest
    LogisticRegression: logits ``U`` of shape (n_test, n_rows) on the test
    fold, ``P(row's class) = expit(U)``, and ``dU / d log(C)``.

    ``X1`` and ``X1_test`` carry the column of ones when the model has an
    intercept. Each row ``theta`` minimizes ``C sum_i l_i + ||w||^2 / 2``
    (binomial loss); at the optimum ``C X1^T (p - y) + M theta = 0`` (``M``
    masks the intercept out), so ``H dtheta/dlogC = M theta`` with
    ``H = C X1^T S X1 + M``. A doubled model is the binomial one with
    ``theta' = 2 theta`` at ``C' = 2 C`` (the multinomial penalty counts
    ``+theta`` and ``-theta``); ``d log C' = d log C``.
    """
    theta = np.atleast_2d(model.coef_)
    if model.fit_intercept:
        theta = np.hstack([theta, np.reshape(model.intercept_, (-1, 1))])
    mask = np.ones(theta.shape[1])
    if model.fit_intercept:
        mask[-1] = 0
    scale = 2.0 if _logistic_form(model) == "doubled" else 1.0
    theta, C = scale * theta, scale * float(model.C)
    dtheta = np.empty_like(theta)
    for k, row in enumerate(theta):
        p = expit(X1 @ row)
        H = C * _weighted_gram(X1, p * (1 - p)) + np.diag(mask)
        dtheta[k] = _solver(H, "LogisticRegression Hessian")(mask * row)
    return X1_test @ theta.T, X1_test @ dtheta.T


def _binomial_loss(u, du, positive):
    """Mean log-loss of ``P(positive) = expit(u)``, and its derivative along ``du``."""
    loss = np.mean(np.logaddexp(0, u) - positive * u)
    return loss, np.mean((expit(u) - positive) * du)


def _one_vs_rest_loss(U, dU, true):
    """Mean log-loss of ``P_k = expit(U_k) / sum_j expit(U_j)`` (one-vs-rest
    normalized, as scikit-learn's ``predict_proba``), and its derivative
    along ``dU``: ``dL/dU_k = P_k (1 - expit(U_k)) - [k = true] (1 - expit(U_k))``."""
    rows = np.arange(len(true))
    log_sigmoid = -np.logaddexp(0, -U)
    log_p = log_sigmoid - logsumexp(log_sigmoid, axis=1, keepdims=True)
    loss = -np.mean(log_p[rows, true])
    dU_loss = np.exp(log_p) * expit(-U)
    dU_loss[rows, true] -= expit(-U[rows, true])
    return loss, np.sum(dU_loss * dU) / len(true)


def _multinomial_loss(model, X1, X1_test, true):
    """Mean log-loss of a multinomial LogisticRegression (softmax over K
    rows) and its derivative in log C.

    At the optimum ``C X1^T (P - Y) + M theta = 0``; differentiating in
    ``log C`` gives ``H dtheta/dlogC = M theta``, with ``H = C X1^T S X1 +
    M`` the Hessian (:func:`_softmax_hessian`). With intercepts, ``H`` is
    singular along shifting all intercepts together, a direction orthogonal
    to the right side and to the gradient of the validation loss; it is
    deflated, which gives the pseudo-inverse (minimum-norm) solution.
    """
    C = float(model.C)
    theta = np.atleast_2d(model.coef_)  # (n_classes, n_features)
    mask = np.ones_like(theta)
    if model.fit_intercept:
        theta = np.hstack([theta, np.reshape(model.intercept_, (-1, 1))])
        mask = np.hstack([mask, np.zeros((len(theta), 1))])
    raw_test = X1_test @ theta.T
    H = C * _softmax_hessian(X1, softmax(X1 @ theta.T, axis=1)) + np.diag(mask.ravel())
    if model.fit_intercept:
        shift = (1 - mask).ravel() / np.sqrt(len(theta))  # all intercepts, unit
        H += np.mean(np.diag(H)) * np.outer(shift, shift)
    dtheta = _solver(H, "LogisticRegression Hessian")((mask * theta).ravel())
    rows = np.arange(len(true))
    log_p = log_softmax(raw_test, axis=1)
    draw = np.exp(log_p)
    draw[rows, true] -= 1
    draw /= len(true)
    dloss = (X1_test.T @ draw).T.ravel()  # same layout as theta.ravel()
    return -np.mean(log_p[rows, true]), dloss @ dtheta


def _design(model, X_train, X_test):
    """Float training and test folds, with a column of ones for the
    intercept when ``model`` fits one."""
    X_train, X_test = _floats(X_train), _floats(X_test)
    if model.fit_intercept:
        return _with_ones(X_train), _with_ones(X_test)
    return X_train, X_test


def logistic_hypergradient(model, X_train, y_train, X_test, y_test, names):
    """Validation log-loss of a fitted LogisticRegression and its gradient in C.

    Parameters
    ----------
    model : LogisticRegression
        Fitted on ``X_train, y_train`` with the L2 penalty.
    X_train, X_test : ndarray or sparse matrix of shape (n_samples, n_features)
        Training and test folds.
    y_train, y_test : ndarray of shape (n_samples,)
        Their labels, among ``model.classes_`` (``y_train`` is not needed).
    names : list of str
        A subset of ``["C"]``.

    Returns
    -------
    loss : float
        The mean over test samples of ``-log p(true class)`` (natural log),
        ``p`` as the model's ``predict_proba`` gives it.
    grad : ndarray of shape (len(names),)
        ``d loss / d log(C)``.

    Notes
    -----
    scikit-learn minimizes ``mean_i l_i + ||W||^2 / (2 C n)`` (the
    intercept is not penalized), the same minimizer as
    ``F = C sum_i l_i + ||W||^2 / 2``: the binomial loss on one coefficient
    row for two classes, the multinomial loss (softmax over the K rows)
    for more. Before scikit-learn 1.8, ``multi_class="ovr"`` fits one
    binomial problem per class, each differentiated on its own and
    combined as ``predict_proba`` normalizes them, and
    ``multi_class="multinomial"`` with two classes is the binomial model at
    ``2 C`` (:func:`_logistic_form`).
    """
    _check_names(names, ("C",), "LogisticRegression")
    X1, X1_test = _design(model, X_train, X_test)
    true = _class_indices(y_test, np.asarray(model.classes_))
    form = _logistic_form(model)
    if form == "multinomial":
        loss, grad = _multinomial_loss(model, X1, X1_test, true)
    else:
        U, dU = _binary_logits(model, X1, X1_test)
        if form == "ovr":
            loss, grad = _one_vs_rest_loss(U, dU, true)
        else:
            loss, grad = _binomial_loss(U[:, 0], dU[:, 0], true == 1)
    return float(loss), np.array([grad for _ in names])


def one_vs_rest_hypergradient(model, X_train, y_train, X_test, y_test, names):
    """Validation log-loss of a fitted OneVsRestClassifier of
    LogisticRegression, and its gradient in the LogisticRegression's C.

    Parameters
    ----------
    model : OneVsRestClassifier
        Fitted on ``X_train, y_train`` (a multiclass or binary target), its
        ``estimator`` a LogisticRegression with the L2 penalty.
    X_train, X_test : ndarray or sparse matrix of shape (n_samples, n_features)
        Training and test folds.
    y_train, y_test : ndarray of shape (n_samples,)
        Their labels, among ``model.classes_``.
    names : list of str
        A subset of ``["estimator__C"]``.

    Returns
    -------
    loss : float
        The mean over test samples of ``-log p(true class)``, ``p`` as the
        model's ``predict_proba`` gives it.
    grad : ndarray of shape (len(names),)
        ``d loss / d log(C)``.

    Notes
    -----
    Each class's LogisticRegression is a binary problem of its own
    (:func:`_binary_logits`); ``predict_proba`` normalizes their
    probabilities to sum to 1, or, with two classes (one problem), gives
    ``(1 - p, p)``. A multilabel target is refused: its probabilities are
    not normalized, and no single log-loss is defined.
    """
    _check_names(names, ("estimator__C",), "OneVsRestClassifier")
    if model.multilabel_:
        raise ValueError(
            "OneVsRestClassifier was fitted on a multilabel target: its "
            "probabilities are per label, not one log-loss to differentiate."
        )
    logits = []
    for k, estimator in enumerate(model.estimators_):
        if not isinstance(estimator, LogisticRegression):
            raise ValueError(
                f"OneVsRestClassifier's problem for class {model.classes_[k]!r} is "
                f"{type(estimator).__name__} (the class is constant in the training "
                f"fold): it has no hypergradient."
            )
        X1, X1_test = _design(estimator, X_train, X_test)
        logits.append(_binary_logits(estimator, X1, X1_test))
    U = np.hstack([u for u, _ in logits])
    dU = np.hstack([du for _, du in logits])
    true = _class_indices(y_test, np.asarray(model.classes_))
    if len(model.estimators_) == 1:
        loss, grad = _binomial_loss(U[:, 0], dU[:, 0], true == 1)
    else:
        loss, grad = _one_vs_rest_loss(U, dU, true)
    return float(loss), np.array([grad for _ in names])


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
    + alpha (1 - r) w_S = 0`` holds, and is locally smooth [2]_:
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


# -- the registry -------------------------------------------------------------------

_RIDGE = HyperSpec(ridge_hypergradient, {"alpha": "log"}, _check_ridge, "squared error")
_KERNEL_RIDGE = HyperSpec(
    kernel_ridge_hypergradient,
    {"alpha": "log", "gamma": "log"},
    _check_kernel_ridge,
    "squared error",
)
_LOGISTIC = HyperSpec(logistic_hypergradient, {"C": "log"}, _check_logistic, "log-loss")
_ONE_VS_REST = HyperSpec(
    one_vs_rest_hypergradient, {"estimator__C": "log"}, _check_one_vs_rest, "log-loss"
)
_LASSO = HyperSpec(
    elastic_net_hypergradient, {"alpha": "log"}, _check_lasso, "squared error"
)
_ELASTIC_NET = HyperSpec(
    elastic_net_hypergradient,
    {"alpha": "log", "l1_ratio": "linear"},
    _check_elastic_net,
    "squared error",
)

#: Estimator class -> HyperSpec, or None for a subclass that is a different
#: model (it stops the MRO lookup of :func:`hyperspec`). Users may add entries.
HYPERGRADIENTS = {
    Ridge: _RIDGE,
    KernelRidge: _KERNEL_RIDGE,
    LogisticRegression: _LOGISTIC,
    OneVsRestClassifier: _ONE_VS_REST,
    Lasso: _LASSO,
    ElasticNet: _ELASTIC_NET,
    # scikit-learn subclasses of the above with other objectives
    LogisticRegressionCV: None,
    MultiTaskElasticNet: None,
    MultiTaskLasso: None,
}

# Conditions on a parameter, for supported().
_CONDITIONS = {
    (KernelRidge, "gamma"): 'with kernel="rbf"',
    (OneVsRestClassifier, "estimator__C"): "of a LogisticRegression",
}


def hyperspec(estimator_or_class):
    """The HyperSpec of an estimator or estimator class, if it has one.

    Parameters
    ----------
    estimator_or_class : estimator object or class
        Looked up along its class's MRO in :data:`HYPERGRADIENTS`: the
        first class found decides.

    Returns
    -------
    spec : HyperSpec or None
        None if no class of the MRO is registered, or if the first one
        registered is registered as None (a different model).
    """
    cls = estimator_or_class
    if not isinstance(cls, type):
        cls = type(cls)
    for klass in cls.__mro__:
        if klass in HYPERGRADIENTS:
            return HYPERGRADIENTS[klass]
    return None


def supported():
    """The estimators that have a hypergradient, and their parameters.

    Returns
    -------
    text : str
        For error messages, e.g. ``'Ridge (alpha), KernelRidge (alpha, gamma
        with kernel="rbf"), ...'``.
    """
    entries = []
    for cls, spec in HYPERGRADIENTS.items():
        if spec is not None:
            params = [
                " ".join(filter(None, [name, _CONDITIONS.get((cls, name))]))
                for name in spec.scales
            ]
            entries.append(f"{cls.__name__} ({', '.join(params)})")
    return ", ".join(entries)
