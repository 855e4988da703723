"""Lasso/ElasticNet hypergradients at the solver's default tol vs tight tol.

For each dataset, model and alpha: the fold-mean exact hypergradient
d(CV MSE)/d log(alpha) that HypergradientSearchCV computes from fits at the
default tol (1e-4) and at tol=1e-12, against central finite differences of
the CV loss at tight tol (the truth) and at default tol. Relative errors;
``sign_ok`` says whether the default-tol gradient points the right way.

    PYTHONPATH=. python benchmarks/bench_hypergradient_tol.py   (~2 min)

(from the repository root, so that it measures this checkout's skhyper).
"""
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_diabetes, make_friedman1, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso
from sklearn.model_selection import KFold
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from skhyper._hypergrad import hyperspec

warnings.simplefilter("ignore", ConvergenceWarning)
TIGHT = dict(tol=1e-12, max_iter=1_000_000)


def datasets():
    X, y = load_diabetes(return_X_y=True)
    yield "diabetes", StandardScaler().fit_transform(X), y
    Xp = StandardScaler().fit_transform(PolynomialFeatures(2, include_bias=False).fit_transform(X))
    yield "diabetes-poly2", Xp, y
    X, y = make_regression(100, 200, n_informative=10, noise=10.0, random_state=0)
    yield "regression-p>n", X, y
    X, y = make_friedman1(200, 10, noise=1.0, random_state=0)
    yield "friedman1", X, y
    rng = np.random.default_rng(0)
    p = 50
    cov = 0.9 ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    X = rng.multivariate_normal(np.zeros(p), cov, size=150)
    w = np.zeros(p); w[::5] = rng.normal(size=10) * 3
    yield "toeplitz0.9", X, X @ w + rng.normal(size=150)


def cv_loss_and_grad(estimator, X, y, folds, with_grad=True):
    losses, grads = [], []
    for tr, te in folds:
        m = clone(estimator).fit(X[tr], y[tr])
        if with_grad:
            loss, g = hyperspec(m).function(m, X[tr], y[tr], X[te], y[te], ["alpha"])
            grads.append(g[0])
        else:
            loss = np.mean((m.predict(X[te]) - y[te]) ** 2)
        losses.append(loss)
    return np.mean(losses), (np.mean(grads) if with_grad else None)


def fd(estimator, X, y, folds, h=1e-3):
    a = estimator.alpha
    up = cv_loss_and_grad(clone(estimator).set_params(alpha=a * np.exp(h)), X, y, folds, False)[0]
    down = cv_loss_and_grad(clone(estimator).set_params(alpha=a * np.exp(-h)), X, y, folds, False)[0]
    return (up - down) / (2 * h)


def main():
    rows = []
    print(f"{'data':15s} {'model':10s} {'a/amax':>7s} {'fd_tight':>11s} {'rel(g_def)':>10s} "
          f"{'rel(g_tight)':>12s} {'rel(fd_def)':>11s} sign_ok")
    for name, X, y in datasets():
        folds = list(KFold(3, shuffle=True, random_state=0).split(X))
        Xc, yc = X - X.mean(0), y - y.mean()
        alpha_max = np.max(np.abs(Xc.T @ yc)) / len(X)
        for model in (Lasso(), ElasticNet(l1_ratio=0.5)):
            amax = alpha_max / model.l1_ratio
            for frac in (0.3, 0.1, 0.03, 0.01, 0.001):
                est = clone(model).set_params(alpha=frac * amax)
                tight = clone(est).set_params(**TIGHT)
                truth = fd(tight, X, y, folds)
                _, g_def = cv_loss_and_grad(est, X, y, folds)
                _, g_tight = cv_loss_and_grad(tight, X, y, folds)
                fd_def = fd(est, X, y, folds)
                scale = max(abs(truth), 1e-12)
                r = (abs(g_def - truth) / scale, abs(g_tight - truth) / scale, abs(fd_def - truth) / scale)
                rows.append(r)
                print(f"{name:15s} {type(model).__name__:10s} {frac:7.3f} {truth:11.4g} {r[0]:10.2e} "
                      f"{r[1]:12.2e} {r[2]:11.2e} {np.sign(g_def) == np.sign(truth)}", flush=True)
    rows = np.array(rows)
    print("median rel. error: g_default %.2e  g_tight %.2e  fd_default %.2e" % tuple(np.median(rows, 0)))
    print("max    rel. error: g_default %.2e  g_tight %.2e  fd_default %.2e" % tuple(np.max(rows, 0)))


if __name__ == "__main__":
    main()
