"""The same seed gives bit-identical ``cv_results_``, before and after a change.

A guard for changes meant to keep behaviour (a restructuring): every search,
both evaluators (fresh fits and continued training) and each sampler,
explorer, learner and fallback run on small data with a fixed seed, and
every column of ``cv_results_`` but the timings is compared, value for value,
with the results recorded in ``golden/cv_results.json``.

Bit-identical results depend on the numerical libraries, so the file keeps
one record per environment (scikit-learn, numpy and scipy versions: CI's two
environments are recorded); in another environment there is nothing to
compare with and the test says so. A change that *means* to change results
records them again, and says why in its commit::

    python -m tests.test_same_results --record   # the current environment

BLAS runs on one thread here: a reduction split over threads can round
differently from run to run.
"""

import json
import pathlib
import sys
import warnings

import numpy as np
import pytest
import scipy
import sklearn
from scipy.stats import loguniform, randint
from sklearn.datasets import load_diabetes, load_digits
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier, SGDRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

from skhyper import (
    BayesSearchCV,
    Categorical,
    DACSearchCV,
    HyperbandSearchCV,
    HypergradientSearchCV,
    Integer,
    PBTSearchCV,
    Real,
)

GOLDEN = pathlib.Path(__file__).parent / "golden" / "cv_results.json"
ALPHA = Real(1e-5, 1e-1, prior="log-uniform")


def _digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def _diabetes():
    return load_diabetes(return_X_y=True)


def _sgd():
    return SGDClassifier(random_state=0)


#: name -> (search, data): every search, both evaluators, each strategy's options
SEARCHES = {
    "bayes": (lambda: BayesSearchCV(
        SVC(), {"C": Real(1e-2, 1e2, prior="log-uniform"), "gamma": loguniform(1e-3, 1),
                "kernel": ["rbf", "poly"]},
        n_iter=8, n_initial_points=4, cv=3, random_state=0), _digits),
    "bayes-batches-union": (lambda: BayesSearchCV(
        make_pipeline(StandardScaler(), SGDClassifier(random_state=0)),
        [{"sgdclassifier__alpha": ALPHA, "sgdclassifier__max_iter": Integer(5, 30)},
         {"sgdclassifier__penalty": Categorical(["l1", "elasticnet"]),
          "sgdclassifier__alpha": ALPHA}],
        n_iter=8, n_points=2, n_initial_points=4, cv=3, random_state=1,
        scoring=["accuracy", "balanced_accuracy"], refit="accuracy"), _digits),
    "bayes-ucb-no-trust-region": (lambda: BayesSearchCV(
        Ridge(), {"alpha": Real(1e-3, 1e3, prior="log-uniform")}, n_iter=7,
        n_initial_points=3, acq_func="ucb", trust_region=False, n_points=2,
        batch_strategy="kriging_believer", cv=3, random_state=2), _diabetes),
    "hyperband-n_samples": (lambda: HyperbandSearchCV(
        SVC(), {"C": loguniform(1e-2, 1e2), "gamma": loguniform(1e-3, 1)},
        min_resources=30, cv=3, random_state=0), _digits),
    "hyperband-partial_fit": (lambda: HyperbandSearchCV(
        _sgd(), {"alpha": ALPHA}, resource="partial_fit", max_resources=9, cv=3,
        random_state=0), _digits),
    "hyperband-bohb": (lambda: HyperbandSearchCV(
        _sgd(), {"alpha": ALPHA, "eta0": loguniform(1e-3, 1)}, resource="partial_fit",
        max_resources=9, sampler="bayes", hyperband_iterations=2, cv=3,
        random_state=0), _digits),
    "hyperband-multifidelity": (lambda: HyperbandSearchCV(
        SVC(), {"C": loguniform(1e-2, 1e2)}, sampler="multifidelity", min_resources=30,
        cv=3, random_state=0), _digits),
    "pbt": (lambda: PBTSearchCV(
        _sgd(), {"alpha": ALPHA, "eta0": loguniform(1e-3, 1), "average": randint(1, 20)},
        safe_to_change=["alpha", "eta0", "average"], population_size=5, n_steps=6,
        interval=2, cv=3, random_state=0), _digits),
    "pbt-pb2": (lambda: PBTSearchCV(
        _sgd(), {"alpha": ALPHA, "eta0": loguniform(1e-3, 1)}, explore="pb2",
        population_size=4, n_steps=8, interval=2, cv=3, random_state=0), _digits),
    "dac-schedule-cem": (lambda: DACSearchCV(
        SGDRegressor(learning_rate="constant", random_state=0),
        {"eta0": Real(1e-4, 1e-1, prior="log-uniform")}, n_steps=5, n_iter=8, cv=3,
        random_state=0), _diabetes),
    "dac-schedule-bayes": (lambda: DACSearchCV(
        SGDRegressor(learning_rate="constant", random_state=0),
        {"eta0": Real(1e-4, 1e-1, prior="log-uniform")}, n_steps=5, n_iter=6,
        learner="bayes", cv=3, random_state=0), _diabetes),
    "dac-feedback": (lambda: DACSearchCV(
        SGDRegressor(learning_rate="constant", random_state=0),
        {"eta0": Real(1e-4, 1e-1, prior="log-uniform"), "alpha": ALPHA},
        dynamic=["eta0"], policy="feedback", n_steps=5, n_iter=6, cv=3,
        random_state=0), _diabetes),
    "hypergradient-ridge": (lambda: HypergradientSearchCV(
        Ridge(), {"alpha": Real(1e-3, 1e3, prior="log-uniform"),
                  "fit_intercept": [True, False]}, max_iter=8, cv=3,
        random_state=0), _diabetes),
    "hypergradient-logistic": (lambda: HypergradientSearchCV(
        LogisticRegression(max_iter=500), {"C": Real(1e-2, 1e2, prior="log-uniform")},
        max_iter=5, cv=3, random_state=0), _digits),
    "hypergradient-fallback": (lambda: HypergradientSearchCV(
        SVC(), {"C": Real(1e-2, 1e2, prior="log-uniform")}, fallback="bayes",
        max_iter=6, cv=3, random_state=0), _digits),
}


def environment():
    """The versions whose numerics the recorded results belong to."""
    def short(version):
        return ".".join(version.split(".")[:2])

    return (f"scikit-learn {short(sklearn.__version__)}, numpy {short(np.__version__)}, "
            f"scipy {short(scipy.__version__)}")


def _plain(value):
    """A cv_results_ value as JSON: floats by repr, which round-trips them."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if value is np.ma.masked or value is None:
        return None
    return repr(value)


def results_of(name):
    """The recorded form of a search's ``cv_results_`` (timings left out)."""
    make, data = SEARCHES[name]
    X, y = data()
    with threadpool_limits(limits=1, user_api="blas"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = make().fit(X, y).cv_results_
    return {
        key: _plain(np.ma.getdata(values).tolist() if hasattr(values, "tolist") else values)
        for key, values in sorted(results.items()) if "_time" not in key
    }


def _recorded():
    return json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}


@pytest.mark.slow
@pytest.mark.parametrize("name", SEARCHES)
def test_the_same_seed_gives_the_recorded_results(name):
    recorded = _recorded().get(environment())
    if recorded is None:
        pytest.skip(f"no results recorded for {environment()} (recorded: "
                    f"{sorted(_recorded())}); record them with --record")
    expected = recorded[name]
    got = results_of(name)
    assert sorted(got) == sorted(expected), "other cv_results_ columns"
    differ = [key for key in expected if got[key] != expected[key]]
    assert not differ, f"{name}: {differ} differ from the recorded results"


def _record():
    recorded = _recorded()
    recorded[environment()] = {name: results_of(name) for name in SEARCHES}
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
    print(f"recorded {len(SEARCHES)} searches for {environment()} in {GOLDEN}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--record"]:
        raise SystemExit("usage: python -m tests.test_same_results --record")
    _record()
