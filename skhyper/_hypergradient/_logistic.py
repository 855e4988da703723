"""Log-loss hypergradients: LogisticRegression and a OneVsRestClassifier of it.

Each function takes a model fitted by scikit-learn on a training fold and
returns the log-loss of its ``predict_proba`` on a test fold with its gradient
in ``log(C)``, by the implicit function theorem on the training objective's
optimality conditions (Notes of each function). The form of the model
(binomial, multinomial, one-vs-rest) follows scikit-learn 1.6 to 1.9.
"""

import numpy as np
from scipy import sparse
from scipy.special import expit, log_softmax, logsumexp, softmax
from sklearn.linear_model import LogisticRegression

from ._common import _check_names, _check_positive_value, _floats, _solver


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
