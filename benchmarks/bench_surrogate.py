"""Does the hand-written GP hyperparameter fit pay for itself?

skhyper fits the surrogate's MAP hyperparameters with its own vectorized
log-marginal likelihood and gradient (``skhyper/surrogate/_gp.py``). The
alternative is scikit-learn's ``GaussianProcessRegressor`` with the same
kernel, the same priors (through its ``optimizer`` hook) and the same L-BFGS-B
settings. This script fits both, side by side in one run, to the same data
(a smooth function of n random points in d dimensions, standardized), and
prints the fit time and the log-posterior each reached.

    python benchmarks/bench_surrogate.py [--sizes 25,50,100,200,500,1000] [--dims 2,5]

Run with one BLAS thread for comparable numbers:
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benchmarks/bench_surrogate.py``.
"""

import argparse
import time
import warnings

import numpy as np
from scipy.optimize import minimize
from sklearn.gaussian_process import GaussianProcessRegressor

from skhyper.surrogate import fit_gp, log_marginal_likelihood
from skhyper.surrogate._gp import (
    _FTOL,
    _GTOL,
    _MAXITER,
    HyperparameterPrior,
    _squared_differences,
)


def fit_with_sklearn(X, y, kernel):
    """The same MAP fit through GaussianProcessRegressor's optimizer hook."""
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


def log_posterior(theta, X, y):
    lml = log_marginal_likelihood(theta, _squared_differences(X), y, eval_gradient=False)
    return lml + HyperparameterPrior(X.shape[1]).log_prior(theta)[0]


def timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times)), out


def main():
    # sklearn warns whenever a hyperparameter ends at a bound; not news here.
    warnings.filterwarnings("ignore", module="sklearn.gaussian_process")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="25,50,100,200,500,1000")
    parser.add_argument("--dims", default="2,5")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    dims = [int(d) for d in args.dims.split(",")]

    print("| d | n | sklearn GPR fit (ms) | skhyper fit (ms) | speed-up | log-posterior sklearn | log-posterior skhyper |")
    print("|---|---|---|---|---|---|---|")
    for d in dims:
        for n in sizes:
            rng = np.random.RandomState(n + d)
            X = rng.uniform(size=(n, d))
            y = np.sin(3 * X @ np.linspace(1, 2, d)) + 0.01 * rng.normal(size=n)
            y = (y - y.mean()) / y.std()
            kernel = fit_gp(X[:5], y[:5]).kernel_  # the kernel structure only
            repeats = args.repeats if n <= 200 else 1
            t_sk, theta_sk = timed(lambda: fit_with_sklearn(X, y, kernel), repeats)
            # cold start from the prior's mode, as the sklearn fit above
            t_own, gp = timed(lambda: fit_gp(X, y), repeats)
            print(
                f"| {d} | {n} | {1000 * t_sk:.1f} | {1000 * t_own:.1f} | "
                f"{t_sk / t_own:.1f}x | {log_posterior(theta_sk, X, y):.2f} | "
                f"{log_posterior(gp.theta, X, y):.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
