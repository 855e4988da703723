"""Does the hand-written GP hyperparameter fit pay for itself?

skhyper fits the surrogate's MAP hyperparameters with its own vectorized
log-marginal likelihood and gradient (``skhyper/surrogate/_gp.py``). The
alternative is scikit-learn's ``GaussianProcessRegressor`` with the same
kernel, the same priors (through its ``optimizer`` hook) and the same L-BFGS-B
settings. A task is n random points in d dimensions of a smooth function
(standardized; the data do not depend on the seed), a tool one of the two
fits, and a seed one repeat of the timing: the table shows the median fit time
over seeds and the log-posterior each fit reached.

    python benchmarks/bench_surrogate.py --seeds 3

Run with one BLAS thread for comparable numbers:
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_surrogate.py``.
"""

import time
import warnings

import numpy as np
from _harness import Benchmark, by, main, median, table, tools_in, values
from _hooks import _FTOL, _GTOL, _MAXITER, HyperparameterPrior, _squared_differences
from scipy.optimize import minimize
from sklearn.gaussian_process import GaussianProcessRegressor

from skhyper.surrogate import fit_gp, log_marginal_likelihood

TASKS = {f"d{d}-n{n}": (d, n) for d in (2, 5) for n in (25, 50, 100, 200, 500, 1000)}


def _data(task):
    d, n = TASKS[task]
    rng = np.random.RandomState(n + d)
    X = rng.uniform(size=(n, d))
    y = np.sin(3 * X @ np.linspace(1, 2, d)) + 0.01 * rng.normal(size=n)
    return X, (y - y.mean()) / y.std()


def fit_with_sklearn(X, y):
    """The same MAP fit through GaussianProcessRegressor's optimizer hook."""
    kernel = fit_gp(X[:5], y[:5]).kernel_  # the kernel structure only
    prior = HyperparameterPrior(X.shape[1])

    def hook(obj_func, initial_theta, bounds):
        def objective(theta):
            nll, nll_grad = obj_func(theta, eval_gradient=True)
            lp, lp_grad = prior.log_prior(theta)
            return nll - lp, nll_grad - lp_grad

        res = minimize(
            objective,
            prior.mode(),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": _MAXITER, "ftol": _FTOL, "gtol": _GTOL},
        )
        return res.x, res.fun

    gp = GaussianProcessRegressor(kernel=kernel, alpha=1e-10, optimizer=hook)
    return gp.fit(X, y).kernel_.theta


def fit_with_skhyper(X, y):
    # cold start from the prior's mode, as the sklearn fit
    return fit_gp(X, y).theta


def log_posterior(theta, X, y):
    lml = log_marginal_likelihood(theta, _squared_differences(X), y, eval_gradient=False)
    return lml + HyperparameterPrior(X.shape[1]).log_prior(theta)[0]


TOOLS = {"sklearn": fit_with_sklearn, "skhyper": fit_with_skhyper}


def run(task, tool, seed, settings):
    X, y = _data(task)
    # sklearn warns whenever a hyperparameter ends at a bound; not news here.
    warnings.filterwarnings("ignore", module="sklearn.gaussian_process")
    start = time.perf_counter()
    theta = TOOLS[tool](X, y)
    fit = time.perf_counter() - start
    return {"fit_seconds": fit, "log_posterior": float(log_posterior(theta, X, y))}


def report(runs, settings):
    groups = by(runs, "task", "tool")
    # skhyper, then any --label's version of it, each against sklearn
    ours = [t for t in tools_in((r["tool"] for r in runs), TOOLS) if t != "sklearn"]
    rows = []
    for task in TASKS:
        sk = groups.get((task, "sklearn"), [])
        own = [groups.get((task, tool), []) for tool in ours]
        if not sk and not any(own):
            continue
        t_sk = median(values(sk, "fit_seconds"))
        t_own = [median(values(r, "fit_seconds")) for r in own]
        d, n = TASKS[task]
        rows.append([
            d, n, f"{1000 * t_sk:.1f}", *(f"{1000 * t:.1f}" for t in t_own),
            *(f"{t_sk / t:.1f}x" for t in t_own),
            f"{median(values(sk, 'log_posterior')):.2f}",
            *(f"{median(values(r, 'log_posterior')):.2f}" for r in own),
        ])

    def named(what, tool):
        return what if tool == "skhyper" else f"{what} ({tool})"

    print(table(
        ["d", "n", "sklearn GPR fit (ms)",
         *(f"{tool} fit (ms)" for tool in ours),
         *(named("speed-up", tool) for tool in ours),
         "log-posterior sklearn",
         *(f"log-posterior {tool}" for tool in ours)],
        rows,
    ))
    print()


BENCHMARK = Benchmark(
    title="GP hyperparameter fit: skhyper's own against GaussianProcessRegressor",
    tasks=TASKS,
    tools=TOOLS,
    run=run,
    report=report,
    seeds=3,
    smoke_tasks=["d2-n25", "d2-n50"],
    versions=("skhyper", "sklearn", "numpy", "scipy"),
)

if __name__ == "__main__":
    main(BENCHMARK)
