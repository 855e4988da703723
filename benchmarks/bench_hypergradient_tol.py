"""Lasso/ElasticNet hypergradients at the solver's default tol vs tight tol.

For each dataset, model and alpha (a task): the fold-mean exact hypergradient
d(CV MSE)/d log(alpha) that HypergradientSearchCV computes from fits at the
default tol (1e-4) and at tol=1e-12, against central finite differences of
the CV loss at tight tol (the truth) and at default tol. Relative errors;
``sign_ok`` says whether the default-tol gradient points the right way. The
one tool is the exact hypergradient; the seed shuffles the 3 folds.

    PYTHONPATH=. python benchmarks/bench_hypergradient_tol.py --seeds 1   (~2 min)

(from the repository root, so that it measures this checkout's skhyper).
"""
import functools
import warnings

import numpy as np
from _harness import Benchmark, by, main, table
from _hooks import hyperspec
from sklearn.base import clone
from sklearn.datasets import load_diabetes, make_friedman1, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import ElasticNet, Lasso
from sklearn.model_selection import KFold
from sklearn.preprocessing import PolynomialFeatures, StandardScaler


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


MODELS = {"Lasso": Lasso(), "ElasticNet": ElasticNet(l1_ratio=0.5)}
FRACTIONS = (0.3, 0.1, 0.03, 0.01, 0.001)
DATASETS = ("diabetes", "diabetes-poly2", "regression-p>n", "friedman1", "toeplitz0.9")
TASKS = {
    f"{data}:{model}:{frac}": (data, model, frac)
    for data in DATASETS for model in MODELS for frac in FRACTIONS
}


@functools.lru_cache(maxsize=None)
def _dataset(name):
    return next((X, y) for data, X, y in datasets() if data == name)


def run(task, tool, seed, settings):
    data, model, frac = TASKS[task]
    X, y = _dataset(data)
    folds = list(KFold(3, shuffle=True, random_state=seed).split(X))
    Xc, yc = X - X.mean(0), y - y.mean()
    alpha_max = np.max(np.abs(Xc.T @ yc)) / len(X)
    model = MODELS[model]
    est = clone(model).set_params(alpha=frac * alpha_max / model.l1_ratio)
    tight = clone(est).set_params(**TIGHT)
    truth = fd(tight, X, y, folds)
    _, g_def = cv_loss_and_grad(est, X, y, folds)
    _, g_tight = cv_loss_and_grad(tight, X, y, folds)
    fd_def = fd(est, X, y, folds)
    scale = max(abs(truth), 1e-12)
    return {
        "fd_tight": truth,
        "rel_g_default": abs(g_def - truth) / scale,
        "rel_g_tight": abs(g_tight - truth) / scale,
        "rel_fd_default": abs(fd_def - truth) / scale,
        "sign_ok": bool(np.sign(g_def) == np.sign(truth)),
    }


COLUMNS = ("rel_g_default", "rel_g_tight", "rel_fd_default")


def report(runs, settings):
    rows = []
    for (task, seed), (r,) in by(runs, "task", "seed").items():
        if "error" in r:
            continue
        data, model, frac = TASKS[task]
        rows.append([data, model, f"{frac:.3f}", f"{r['fd_tight']:.4g}"]
                    + [f"{r[c]:.2e}" for c in COLUMNS] + [r["sign_ok"]])
    print(table(["data", "model", "a/amax", "fd_tight", "rel(g_def)", "rel(g_tight)",
                 "rel(fd_def)", "sign_ok"], rows))
    errors = np.array([[r[c] for c in COLUMNS] for r in runs if "error" not in r])
    if len(errors):
        print()
        print(table(["rel. error", "g_default", "g_tight", "fd_default"], [
            ["median"] + [f"{v:.2e}" for v in np.median(errors, 0)],
            ["max"] + [f"{v:.2e}" for v in np.max(errors, 0)],
        ]))
    print()


BENCHMARK = Benchmark(
    title="Lasso/ElasticNet hypergradients at the default tol against tight tol",
    tasks=TASKS,
    tools={"exact": run},
    run=run,
    report=report,
    seeds=1,
    smoke_tasks=["diabetes:Lasso:0.3", "diabetes:ElasticNet:0.1"],
)

if __name__ == "__main__":
    main(BENCHMARK)
