"""The hypergradient formulas of ``skhyper._hypergradient`` (``_regression``,
``_logistic``) against central finite differences and scikit-learn's own
losses; the configuration checks and the registry (``_registry``)."""

import warnings

import numpy as np
import pytest
import sklearn
from scipy import sparse
from sklearn.base import clone, is_classifier
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
from sklearn.metrics import log_loss, mean_squared_error
from sklearn.metrics.pairwise import rbf_kernel
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import SVC

from skhyper._hypergradient import HYPERGRADIENTS, HyperSpec, hyperspec, supported

SEEDS = [0, 1, 2]
# (n_samples, n_features): more features than samples, and fewer
SHAPES = [(25, 40), (60, 8)]
N_TEST = 30


def _regression(seed, shape, n_targets=None, n_informative=None):
    rng = np.random.default_rng(seed)
    n, p = shape
    X = rng.normal(size=(n + N_TEST, p)) + rng.normal(size=p)  # off-centre
    coef = rng.normal(size=(p, n_targets or 1))
    if n_informative is not None:
        coef[n_informative:] = 0
    y = X @ coef + 0.5 * rng.normal(size=(n + N_TEST, n_targets or 1)) + 3.0
    y = y if n_targets else y[:, 0]
    return X[:n], y[:n], X[n:], y[n:]


def _classification(seed, shape, n_classes):
    rng = np.random.default_rng(seed)
    n, p = shape
    X = rng.normal(size=(n + N_TEST, p))
    scores = X[:, :n_classes] + rng.normal(size=(n + N_TEST, n_classes)) + 0.3
    y = np.argmax(scores, axis=1) if n_classes > 2 else (scores[:, 0] > 0).astype(int)
    return X[:n], y[:n], X[n:], y[n:]


def _loss(estimator, data, names):
    """The validation loss of ``estimator`` fitted afresh, as scikit-learn's
    own predictions give it (``predict_proba``'s log-loss for a classifier),
    and the fitted model."""
    X, y, X_test, y_test = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # multi_class on 1.6/1.7
        model = clone(estimator).fit(X, y)
    if is_classifier(model):
        return log_loss(y_test, model.predict_proba(X_test), labels=model.classes_), model
    return mean_squared_error(y_test, model.predict(X_test)), model


def _finite_differences(estimator, data, names, h):
    """Central differences of the validation loss, in each name's coordinate."""
    spec = hyperspec(estimator)
    _, model = _loss(estimator, data, names)
    fd = []
    for name in names:
        value = estimator.get_params()[name]
        losses = []
        for step in (h, -h):
            moved = value * np.exp(step) if spec.scales[name] == "log" else value + step
            moved_estimator = clone(estimator).set_params(**{name: moved})
            loss, refit = _loss(moved_estimator, data, names)
            if isinstance(model, ElasticNet):
                # the Lasso-type hypergradient holds while the support is fixed
                assert np.array_equal(
                    np.flatnonzero(refit.coef_), np.flatnonzero(model.coef_)
                )
            losses.append(loss)
        fd.append((losses[0] - losses[1]) / (2 * h))
    return np.array(fd)


def _assert_matches_fd(estimator, data, names, h=1e-4, rtol=1e-5):
    X, y, X_test, y_test = data
    expected_loss, model = _loss(estimator, data, names)
    loss, grad = hyperspec(model).function(model, X, y, X_test, y_test, names)
    assert isinstance(loss, float)
    assert loss == pytest.approx(expected_loss, rel=1e-9)
    assert grad.shape == (len(names),)
    fd = _finite_differences(estimator, data, names, h)
    np.testing.assert_allclose(grad, fd, rtol=rtol)
    return grad


# -- gradients against finite differences ------------------------------------------


@pytest.mark.parametrize("n_targets", [None, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_ridge_alpha_gradient_matches_finite_differences(
    seed, shape, fit_intercept, n_targets
):
    data = _regression(seed, shape, n_targets)
    _assert_matches_fd(Ridge(alpha=2.0, fit_intercept=fit_intercept), data, ["alpha"])


@pytest.mark.parametrize("n_targets", [None, 2])
@pytest.mark.parametrize("names", [["alpha"], ["gamma"], ["gamma", "alpha"]])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_kernel_ridge_rbf_gradient_matches_finite_differences(
    seed, shape, names, n_targets
):
    data = _regression(seed, shape, n_targets)
    estimator = KernelRidge(alpha=0.3, kernel="rbf", gamma=0.5 / shape[1])
    _assert_matches_fd(estimator, data, names)


def _scaled_rbf(x, y, scale=1.0):
    return np.exp(-scale * np.sum((x - y) ** 2))


@pytest.mark.parametrize(
    "estimator",
    [
        KernelRidge(alpha=0.5, kernel="linear"),
        KernelRidge(alpha=0.5, kernel="polynomial", degree=2, gamma=0.1, coef0=2),
        KernelRidge(alpha=0.5, kernel="laplacian", gamma=0.05),
        KernelRidge(alpha=0.5, kernel=_scaled_rbf, kernel_params={"scale": 0.05}),
    ],
    ids=["linear", "polynomial", "laplacian", "callable"],
)
def test_kernel_ridge_alpha_gradient_for_other_kernels(estimator):
    data = _regression(0, (30, 6))
    _assert_matches_fd(estimator, data, ["alpha"])


def test_kernel_ridge_precomputed_kernel_matches_rbf():
    X, y, X_test, y_test = _regression(1, (30, 6))
    rbf = KernelRidge(alpha=0.5, kernel="rbf", gamma=0.1).fit(X, y)
    _, grad = hyperspec(rbf).function(rbf, X, y, X_test, y_test, ["alpha"])
    K, K_test = rbf_kernel(X, gamma=0.1), rbf_kernel(X_test, X, gamma=0.1)
    data = (K, y, K_test, y_test)
    estimator = KernelRidge(alpha=0.5, kernel="precomputed")
    precomputed = _assert_matches_fd(estimator, data, ["alpha"])
    np.testing.assert_allclose(precomputed, grad, rtol=1e-10)


# LogisticRegression has multi_class on scikit-learn < 1.8 only; the tests that
# need it run exactly there (checked against the version, so that they cannot
# be skipped where it exists).
SKLEARN_VERSION = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
HAS_MULTI_CLASS = "multi_class" in LogisticRegression().get_params()
needs_multi_class = pytest.mark.skipif(
    not HAS_MULTI_CLASS, reason="LogisticRegression has no multi_class on scikit-learn >= 1.8"
)


def test_multi_class_exists_exactly_before_scikit_learn_1_8():
    assert HAS_MULTI_CLASS == (SKLEARN_VERSION < (1, 8))


def _exact_logistic(**params):
    return LogisticRegression(
        C=0.5, solver="newton-cholesky", tol=1e-14, max_iter=1000, **params
    )


@pytest.mark.parametrize(
    "multi_class",
    # "ovr": one binary problem per class, predict_proba normalizing their sigmoids
    [None, pytest.param("ovr", marks=needs_multi_class)],
)
@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_logistic_C_gradient_matches_finite_differences(
    seed, shape, fit_intercept, n_classes, multi_class
):
    data = _classification(seed, shape, n_classes)
    params = {} if multi_class is None else {"multi_class": multi_class}
    _assert_matches_fd(_exact_logistic(fit_intercept=fit_intercept, **params), data, ["C"])


@pytest.mark.parametrize("n_classes", [2, 4])
def test_logistic_default_solver_gradient(n_classes):
    # lbfgs stops on a relative decrease of the objective, so finite
    # differences of its fits are noisier than the gradient itself.
    data = _classification(3, (80, 5), n_classes)
    estimator = LogisticRegression(C=2.0, tol=1e-12, max_iter=10000)
    _assert_matches_fd(estimator, data, ["C"], h=1e-3, rtol=1e-3)


def test_multinomial_gradient_ignores_a_common_shift_of_the_intercepts():
    # softmax, so the fitted model, is unchanged by adding one constant to
    # every intercept: the Hessian's null direction
    X, y, X_test, y_test = _classification(0, (60, 5), 4)
    model = LogisticRegression(solver="newton-cholesky", tol=1e-14).fit(X, y)
    function = hyperspec(model).function
    loss, grad = function(model, X, y, X_test, y_test, ["C"])
    model.intercept_ = model.intercept_ + 3.0
    shifted_loss, shifted = function(model, X, y, X_test, y_test, ["C"])
    assert shifted_loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(shifted, grad, rtol=1e-8)


# -- one-vs-rest logistic regression ------------------------------------------------


@needs_multi_class
@pytest.mark.parametrize(
    "multi_class, n_classes",
    [("multinomial", 2), ("auto", 2), ("ovr", 2), ("auto", 3), ("multinomial", 3)],
)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_logistic_every_multi_class_gradient_matches_finite_differences(
    multi_class, n_classes, fit_intercept
):
    # binary "multinomial" is softmax over (-z, z), a binomial model at 2 C
    data = _classification(1, (60, 8), n_classes)
    estimator = _exact_logistic(fit_intercept=fit_intercept, multi_class=multi_class)
    _assert_matches_fd(estimator, data, ["C"])


@needs_multi_class
@pytest.mark.parametrize("solver", ["lbfgs", "newton-cg", "sag", "saga"])
def test_logistic_ovr_gradient_with_other_solvers(solver):
    data = _classification(2, (80, 5), 3)
    estimator = LogisticRegression(
        C=2.0, multi_class="ovr", solver=solver, tol=1e-12, max_iter=100_000
    )
    _assert_matches_fd(estimator, data, ["C"], h=1e-3, rtol=1e-3)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_liblinear_without_intercept_gradient_matches_finite_differences(n_classes):
    # without an intercept liblinear minimizes the same objective; with more
    # than two classes it is one-vs-rest (multi_class="auto"; an error from
    # scikit-learn 1.8 on)
    if n_classes > 2 and not HAS_MULTI_CLASS:
        pytest.skip("liblinear refuses more than two classes on scikit-learn >= 1.8")
    data = _classification(0, (60, 8), n_classes)
    estimator = LogisticRegression(C=0.5, solver="liblinear", fit_intercept=False, tol=1e-12)
    spec = hyperspec(estimator)
    spec.check(estimator.get_params(deep=False), ["C"])
    _assert_matches_fd(estimator, data, ["C"], rtol=1e-4)


def _one_vs_rest(**params):
    return OneVsRestClassifier(_exact_logistic(**params))


@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("seed", SEEDS)
def test_one_vs_rest_logistic_gradient_matches_finite_differences(
    seed, fit_intercept, n_classes
):
    # scikit-learn's recommended replacement for multi_class="ovr"
    data = _classification(seed, (60, 8), n_classes)
    _assert_matches_fd(_one_vs_rest(fit_intercept=fit_intercept), data, ["estimator__C"])


@needs_multi_class
@pytest.mark.parametrize("n_classes", [2, 3])
def test_one_vs_rest_of_a_multinomial_logistic_gradient(n_classes):
    # each binary problem of the OvR is then softmax over (-z, z)
    data = _classification(0, (60, 8), n_classes)
    estimator = _one_vs_rest(multi_class="multinomial")
    _assert_matches_fd(estimator, data, ["estimator__C"])


@needs_multi_class
def test_one_vs_rest_equals_multi_class_ovr():
    X, y, X_test, y_test = _classification(4, (60, 6), 3)
    ovr = _exact_logistic(multi_class="ovr")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        ovr.fit(X, y)
    wrapped = _one_vs_rest().fit(X, y)
    got = hyperspec(ovr).function(ovr, X, y, X_test, y_test, ["C"])
    expected = hyperspec(wrapped).function(wrapped, X, y, X_test, y_test, ["estimator__C"])
    assert got[0] == pytest.approx(expected[0], rel=1e-8)
    np.testing.assert_allclose(got[1], expected[1], rtol=1e-6)


def test_one_vs_rest_with_a_multilabel_target_is_refused():
    X, y, X_test, y_test = _classification(0, (60, 6), 3)
    Y, Y_test = np.eye(3)[y], np.eye(3)[y_test]
    Y[:, 0], Y_test[:, 0] = 1 - Y[:, 1], 1 - Y_test[:, 1]  # two labels at once
    model = _one_vs_rest().fit(X, Y)
    with pytest.raises(ValueError, match="multilabel"):
        hyperspec(model).function(model, X, Y, X_test, Y_test, ["estimator__C"])


def _sparse_model(cls, data, l1_ratio=1.0, fraction=0.2, **params):
    """``cls`` with alpha a fraction of the smallest alpha of an empty support."""
    X, y, _, _ = data
    Xc = X - X.mean(axis=0) if params.get("fit_intercept", True) else X
    yc = y - y.mean() if params.get("fit_intercept", True) else y
    alpha_max = np.max(np.abs(Xc.T @ yc)) / (len(X) * l1_ratio)
    ratio = {} if cls is Lasso else {"l1_ratio": l1_ratio}
    alpha = fraction * alpha_max
    return cls(alpha=alpha, tol=1e-14, max_iter=100_000, **ratio, **params)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_alpha_gradient_matches_finite_differences(seed, shape, fit_intercept):
    data = _regression(seed, shape, n_informative=4)
    estimator = _sparse_model(Lasso, data, fit_intercept=fit_intercept)
    _assert_matches_fd(estimator, data, ["alpha"], h=1e-5)


@pytest.mark.parametrize("names", [["alpha", "l1_ratio"], ["l1_ratio", "alpha"]])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("seed", SEEDS)
def test_elastic_net_gradient_matches_finite_differences(
    seed, shape, fit_intercept, names
):
    data = _regression(seed, shape, n_informative=4)
    estimator = _sparse_model(ElasticNet, data, 0.6, fit_intercept=fit_intercept)
    _assert_matches_fd(estimator, data, names, h=1e-5)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_duplicated_lasso_column_leaves_the_hypergradient_unchanged(seed):
    # Any split of a weight between two equal columns has the same loss and
    # L1 norm, so the validation loss as a function of alpha does not change;
    # the Gram on the support is singular (as on polynomial features of a
    # binary column), and the gradient must still be that of the loss.
    X, y, X_test, y_test = _regression(seed, (60, 8), n_informative=4)
    X[:, 0], X_test[:, 0] = X[:, 0] > 0, X_test[:, 0] > 0  # binary, as diabetes' sex
    y = y + 3 * X[:, 0]
    estimator = _sparse_model(Lasso, (X, y, X_test, y_test))
    model = clone(estimator).fit(X, y)
    j = 0
    assert model.coef_[j] != 0
    twice = clone(estimator).fit(np.column_stack([X, X[:, j]]), y)
    function = hyperspec(model).function
    loss, grad = function(model, X, y, X_test, y_test, ["alpha"])
    loss2, grad2 = function(
        twice, np.column_stack([X, X[:, j]]), y,
        np.column_stack([X_test, X_test[:, j]]), y_test, ["alpha"],
    )
    assert loss2 == pytest.approx(loss, rel=1e-8)
    np.testing.assert_allclose(grad2, grad, rtol=1e-6)


def test_gradients_follow_the_order_of_names():
    data = _regression(0, (40, 6), n_informative=3)
    X, y, X_test, y_test = data
    model = _sparse_model(ElasticNet, data, 0.5).fit(X, y)
    function = hyperspec(model).function
    _, both = function(model, X, y, X_test, y_test, ["alpha", "l1_ratio"])
    _, swapped = function(model, X, y, X_test, y_test, ["l1_ratio", "alpha"])
    _, alone = function(model, X, y, X_test, y_test, ["l1_ratio"])
    np.testing.assert_array_equal(swapped, both[::-1])
    np.testing.assert_array_equal(alone, both[1:])
    loss, none = function(model, X, y, X_test, y_test, [])
    assert none.shape == (0,) and loss > 0


@pytest.mark.slow
@pytest.mark.parametrize("cls, l1_ratio", [(Lasso, 1.0), (ElasticNet, 0.5)])
@pytest.mark.parametrize("seed", SEEDS)
def test_lasso_gradient_at_the_default_tol_is_the_exact_one(cls, l1_ratio, seed):
    # At the default tol=1e-4, coordinate descent stops with a few spurious
    # coefficients on the support (more features than samples, small alpha):
    # the gradient there was off by 2% to 30 times, sometimes of the wrong
    # sign. The loss and gradient are those of the exact solution.
    data = _regression(seed, (60, 120), n_informative=5)
    X, y, X_test, y_test = data
    tight = _sparse_model(cls, data, l1_ratio, fraction=0.003)
    default = clone(tight).set_params(tol=1e-4, max_iter=1000)
    model = clone(default).fit(X, y)
    loss, grad = hyperspec(model).function(model, X, y, X_test, y_test, ["alpha"])
    exact_loss, _ = _loss(tight, data, ["alpha"])
    assert loss == pytest.approx(exact_loss, rel=1e-6)
    fd = _finite_differences(tight, data, ["alpha"], h=1e-5)
    np.testing.assert_allclose(grad, fd, rtol=1e-3)
    # the fitted model is left as it was: the search's scores are its own
    np.testing.assert_array_equal(model.coef_, clone(default).fit(X, y).coef_)


def test_lasso_with_empty_support_has_zero_gradient():
    X, y, X_test, y_test = data = _regression(0, (40, 6))
    model = _sparse_model(Lasso, data, fraction=1.5).fit(X, y)
    assert not np.any(model.coef_)
    loss, grad = hyperspec(model).function(model, X, y, X_test, y_test, ["alpha"])
    np.testing.assert_array_equal(grad, [0.0])
    assert loss == pytest.approx(mean_squared_error(y_test, model.predict(X_test)))


# -- the loss ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "estimator, names, n_targets",
    [
        (Ridge(alpha=1.0), ["alpha"], None),
        (Ridge(alpha=1.0, fit_intercept=False), ["alpha"], 3),
        (KernelRidge(alpha=1.0, kernel="rbf", gamma=0.1), ["alpha", "gamma"], 2),
        # solved exactly: a looser fit's loss is its exact solution's (below)
        (Lasso(alpha=0.1, tol=1e-12), ["alpha"], None),
        (ElasticNet(alpha=0.1, l1_ratio=0.3, tol=1e-12), ["alpha", "l1_ratio"], None),
    ],
)
def test_regression_loss_is_the_mean_squared_error(estimator, names, n_targets):
    X, y, X_test, y_test = _regression(4, (40, 6), n_targets)
    model = clone(estimator).fit(X, y)
    loss, _ = hyperspec(model).function(model, X, y, X_test, y_test, names)
    expected = mean_squared_error(y_test, model.predict(X_test))
    assert loss == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_classification_loss_is_the_log_loss(n_classes, fit_intercept):
    X, y, X_test, y_test = _classification(5, (60, 4), n_classes)
    labels = np.array(["ant", "bee", "cat"])[: n_classes][y]  # string labels
    test_labels = np.array(["ant", "bee", "cat"])[: n_classes][y_test]
    model = LogisticRegression(fit_intercept=fit_intercept).fit(X, labels)
    loss, _ = hyperspec(model).function(model, X, labels, X_test, test_labels, ["C"])
    expected = log_loss(test_labels, model.predict_proba(X_test), labels=model.classes_)
    assert loss == pytest.approx(expected, rel=1e-10)


def test_unknown_test_label_raises():
    X, y, X_test, y_test = _classification(0, (40, 4), 2)
    model = LogisticRegression().fit(X, y)
    y_test = y_test.copy()
    y_test[0] = 7
    with pytest.raises(ValueError, match=r"labels \[7\]"):
        hyperspec(model).function(model, X, y, X_test, y_test, ["C"])


# -- inputs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "estimator, names, classification",
    [
        (Ridge(alpha=0.5, tol=1e-14), ["alpha"], False),
        (Ridge(alpha=0.5, tol=1e-14, fit_intercept=False), ["alpha"], False),
        (Lasso(alpha=0.05, tol=1e-12), ["alpha"], False),
        (ElasticNet(alpha=0.05, tol=1e-12), ["alpha", "l1_ratio"], False),
        (LogisticRegression(solver="newton-cholesky", tol=1e-12), ["C"], True),
        (LogisticRegression(solver="newton-cholesky", tol=1e-12), ["C"], 3),
        (KernelRidge(kernel="rbf", gamma=0.1), ["alpha", "gamma"], False),
    ],
)
def test_sparse_X_gives_the_dense_result(estimator, names, classification):
    if classification:
        X, y, X_test, y_test = _classification(0, (50, 6), 2 + (classification == 3))
    else:
        X, y, X_test, y_test = _regression(0, (50, 6), n_informative=3)
    X[np.abs(X) < 0.7] = 0
    X_test[np.abs(X_test) < 0.7] = 0
    model = clone(estimator).fit(X, y)
    function = hyperspec(model).function
    dense = function(model, X, y, X_test, y_test, names)
    sparse_model = clone(estimator).fit(sparse.csr_matrix(X), y)
    got = function(
        sparse_model, sparse.csr_matrix(X), y, sparse.csc_matrix(X_test), y_test, names
    )
    assert got[0] == pytest.approx(dense[0], rel=1e-6)
    np.testing.assert_allclose(got[1], dense[1], rtol=1e-5)


def test_multi_output_lasso_raises():
    X, y, X_test, y_test = _regression(0, (30, 5), n_targets=2)
    for estimator in (Lasso(alpha=0.1), ElasticNet(alpha=0.1)):
        model = estimator.fit(X, y)
        with pytest.raises(ValueError, match="single target"):
            hyperspec(model).function(model, X, y, X_test, y_test, ["alpha"])


def test_function_refuses_unknown_names():
    X, y, X_test, y_test = _regression(0, (30, 5))
    model = Lasso(alpha=0.1).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio"):
        hyperspec(model).function(model, X, y, X_test, y_test, ["l1_ratio"])


# -- checks ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "estimator, names, match",
    [
        (Ridge(positive=True), ["alpha"], "positive=True"),
        (Ridge(alpha=np.array([1.0, 2.0])), ["alpha"], "alpha="),
        (Ridge(alpha=0.0), ["alpha"], "alpha=0.0"),
        (KernelRidge(alpha=[1.0, 2.0]), ["alpha"], "alpha="),
        (KernelRidge(kernel="laplacian", gamma=1.0), ["gamma"], "kernel='laplacian'"),
        (KernelRidge(kernel="rbf"), ["gamma"], "gamma=None"),
        (KernelRidge(kernel="rbf", gamma=-1.0), ["gamma"], "gamma=-1.0"),
        (KernelRidge(kernel=_scaled_rbf), ["gamma"], "kernel=<function"),
        (LogisticRegression(l1_ratio=0.5), ["C"], "l1_ratio=0.5"),
        (LogisticRegression(l1_ratio=1.0), ["C"], "l1_ratio=1.0"),
        (LogisticRegression(penalty="l1"), ["C"], "penalty='l1'"),
        (LogisticRegression(penalty="elasticnet"), ["C"], "penalty='elasticnet'"),
        (LogisticRegression(penalty=None), ["C"], "penalty=None"),
        (LogisticRegression(C=np.inf), ["C"], "C=inf"),
        (LogisticRegression(class_weight="balanced"), ["C"], "class_weight="),
        (LogisticRegression(solver="liblinear"), ["C"], "solver='liblinear'"),
        (Lasso(positive=True), ["alpha"], "positive=True"),
        (Lasso(), ["l1_ratio"], "l1_ratio"),
        (ElasticNet(positive=True), ["alpha", "l1_ratio"], "positive=True"),
        (ElasticNet(), ["C"], "C"),
    ],
)
def test_check_refuses_with_the_parameter_named(estimator, names, match):
    with pytest.raises(ValueError, match=match):
        hyperspec(estimator).check(estimator.get_params(deep=False), names)


@pytest.mark.parametrize(
    "estimator",
    [
        Ridge(),
        KernelRidge(kernel="rbf", gamma=0.1),
        LogisticRegression(),
        LogisticRegression(penalty="l2", solver="newton-cg"),
        Lasso(),
        ElasticNet(),
    ],
)
def test_check_accepts_supported_configurations(estimator):
    spec = hyperspec(estimator)
    spec.check(estimator.get_params(deep=False), list(spec.scales))


def test_kernel_ridge_gamma_needs_rbf_even_in_the_function():
    X, y, X_test, y_test = _regression(0, (30, 5))
    model = KernelRidge(kernel="laplacian", gamma=0.1).fit(X, y)
    with pytest.raises(ValueError, match="laplacian"):
        hyperspec(model).function(model, X, y, X_test, y_test, ["gamma"])


# -- the registry ------------------------------------------------------------------


class MyRidge(Ridge):
    pass


def test_hyperspec_follows_the_mro():
    assert hyperspec(MyRidge) is hyperspec(Ridge()) is HYPERGRADIENTS[Ridge]
    assert hyperspec(MyRidge(alpha=3.0)).scales == {"alpha": "log"}
    assert set(hyperspec(Lasso).scales) == {"alpha"}
    assert set(hyperspec(ElasticNet()).scales) == {"alpha", "l1_ratio"}
    assert hyperspec(LogisticRegression).loss == "log-loss"
    assert isinstance(hyperspec(KernelRidge), HyperSpec)


@pytest.mark.parametrize(
    "estimator",
    [MultiTaskLasso(), MultiTaskElasticNet(), LogisticRegressionCV(), SVC()],
)
def test_hyperspec_is_none_for_other_models(estimator):
    assert hyperspec(estimator) is None
    assert hyperspec(type(estimator)) is None


def test_registry_covers_every_scikit_learn_subclass():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    registered = [cls for cls, spec in HYPERGRADIENTS.items() if spec is not None]
    for cls in registered:
        for sub in subclasses(cls):
            if sub.__module__.startswith("sklearn."):
                assert sub in HYPERGRADIENTS, sub


def test_supported_lists_estimators_and_parameters():
    text = supported()
    for entry in [
        "Ridge (alpha)",
        'KernelRidge (alpha, gamma with kernel="rbf")',
        "LogisticRegression (C)",
        "OneVsRestClassifier (estimator__C of a LogisticRegression)",
        "Lasso (alpha)",
        "ElasticNet (alpha, l1_ratio)",
    ]:
        assert entry in text
    assert "MultiTask" not in text
