"""Does a search evaluate what GridSearchCV evaluates, and refuse only what
would make every fit fail?

A differential check on cases that are not in skhyper's tests: every
classifier and regressor scikit-learn ships (``all_estimators``) that builds
with its default arguments, and every parameter its ``_parameter_constraints``
describe by an interval or a set of options. Each such parameter gets a list
of values around and beyond its constraints (the ends of an interval, one
step inside and one outside, the options and a bogus one), searched alone by
GridSearchCV and by the search under test on the same folds. A
BayesSearchCV with ``n_iter`` the list's length evaluates each value once,
as GridSearchCV does.

The rules checked, for each (estimator, parameter):

- GridSearchCV fits at least one value → the search runs too (it must not
  refuse it) and gives every value the same mean test score (NaN where
  GridSearchCV's fits failed);
- GridSearchCV's fits all fail, or it raises for another reason → the search
  raises a ValueError or TypeError too, before any fit (refused) or after
  (scikit-learn's "All the N fits failed").

On the harness (``_harness.py``) a task is an estimator, a tool the search
compared with GridSearchCV (``bayes``; ``hyperband``, over ``n_samples``,
evaluates its own rows, so only whether it runs is compared) and the seed the
folds' and the searches' ``random_state`` (0 gives the README's run). Prints a
table of outcomes and every disagreement::

    PYTHONPATH=. python benchmarks/check_gridsearch_agreement.py            # every estimator
    PYTHONPATH=. python benchmarks/check_gridsearch_agreement.py --shard 0/10  # a quick look
    PYTHONPATH=. python benchmarks/check_gridsearch_agreement.py --tools hyperband
"""

import math
import re
import warnings
from numbers import Integral, Real

import numpy as np
from _harness import Benchmark, main
from _hooks import Interval, StrOptions
from sklearn.base import is_classifier
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.utils import all_estimators

from skhyper import BayesSearchCV, HyperbandSearchCV

#: estimators too slow for 60 samples x several values, or needing a GPU-free
#: dependency this check does not install
SKIP = {"GaussianProcessClassifier", "GaussianProcessRegressor", "MLPClassifier",
        "MLPRegressor", "TheilSenRegressor", "RadiusNeighborsClassifier"}


def values_for(constraints):
    """A list of values around and beyond the constraints, or None."""
    for c in constraints:
        if isinstance(c, StrOptions):
            return sorted(o for o in c.options if o not in c.deprecated)[:3] + ["bogus"]
        if isinstance(c, Interval) and c.type in (Integral, Real, "real_not_int"):
            integral = c.type is Integral
            low = c.left if c.left is not None else (-3 if integral else -3.0)
            high = c.right if c.right is not None else low + (10 if integral else 10.0)
            if not (math.isfinite(low) and math.isfinite(high)):
                continue
            step = 1 if integral else (high - low) / 10
            values = [low - step, low, low + step, high - step, high, high + step]
            if integral:
                values = [int(v) for v in values]
            return list(dict.fromkeys(values))
    return None


def outcome(search, X, y):
    """("ok", {repr(value): score}) or ("failed"|"refused"|"error", message)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            search.fit(X, y)
        except (ValueError, TypeError) as error:
            message = str(error)
            if re.search(r"All the \d+ fits failed", message):
                return "failed", message
            return ("refused" if not hasattr(search, "cv_results_") else "error"), message
        except Exception as error:  # noqa: BLE001 - reported, not judged
            return "error", f"{type(error).__name__}: {error}"
    results = search.cv_results_
    name = next(iter(search.cv_results_["params"][0]))
    return "ok", {
        repr(p[name]): s for p, s in zip(results["params"], results["mean_test_score"])
    }


def same_scores(a, b):
    return a.keys() == b.keys() and all(
        (np.isnan(a[k]) and np.isnan(b[k])) or np.isclose(a[k], b[k], rtol=1e-9, atol=0)
        for k in a
    )


ESTIMATORS = {
    n: c for kind in ("classifier", "regressor")
    for n, c in all_estimators(type_filter=kind) if n not in SKIP
}
SEARCHES = {"bayes": "BayesSearchCV", "hyperband": "HyperbandSearchCV"}


def run(name, tool, seed, settings):
    """Every (parameter, values) list of one estimator, by GridSearchCV and
    by the search under test; None for an estimator that needs arguments."""
    cls = ESTIMATORS[name]
    try:
        base = cls()
        classifier = is_classifier(base)
    except (TypeError, AttributeError):
        return None  # needs arguments (a meta-estimator without its estimator)
    if classifier:
        X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    else:
        X, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
    cv = KFold(2, shuffle=True, random_state=seed)
    # the same model for both searches: its own randomness seeded
    seeded = {"random_state": 0} if "random_state" in base.get_params() else {}
    constraints = getattr(cls, "_parameter_constraints", {})
    lists = []
    for param, constraint in sorted(constraints.items()):
        values = values_for(constraint)
        if values is None or param in ("n_jobs", "verbose", "random_state"):
            continue
        grid = outcome(GridSearchCV(cls(**seeded), {param: values}, cv=cv), X, y)
        if tool == "bayes":
            search = BayesSearchCV(cls(**seeded), {param: values}, n_iter=len(values),
                                   cv=cv, random_state=seed)
        else:
            search = HyperbandSearchCV(cls(**seeded), {param: values}, cv=cv,
                                       min_resources=10, factor=2, random_state=seed)
        ours = outcome(search, X, y)
        agree = (
            (grid[0] == "ok" and ours[0] == "ok"
             and (tool != "bayes" or same_scores(grid[1], ours[1])))
            # GridSearchCV raised too: after every fit failed, or before
            # (its own checks, or a fit's error that no error_score catches)
            or (grid[0] in ("failed", "refused") and ours[0] in ("failed", "refused"))
            or grid[0] == "error"
        )
        lists.append({"param": param, "values": repr(values), "grid": list(grid),
                      "ours": list(ours), "agree": bool(agree)})
    return {"lists": lists}


def report(records, settings):
    for tool, label in SEARCHES.items():
        runs = [r for r in records if r["tool"] == tool and "error" not in r]
        if not runs:
            continue
        lists = [(r["task"], x) for r in runs for x in r["lists"]]
        counts = {}
        for _, x in lists:
            key = (x["grid"][0], x["ours"][0])
            counts[key] = counts.get(key, 0) + 1
        print(f"## {label}: {len(runs)} estimators, {len(lists)} (estimator, "
              f"parameter) lists, {sum(r['seconds'] for r in runs):.0f} s\n")
        print(f"| GridSearchCV | {label} | lists |")
        print("|---|---|---:|")
        for (g, o), n in sorted(counts.items()):
            print(f"| {g} | {o} | {n} |")
        disagreements = [(name, x) for name, x in lists if not x["agree"]]
        print(f"\n{len(disagreements)} disagreements")
        for name, x in disagreements:
            grid, ours = x["grid"], x["ours"]
            detail = lambda out: out[1] if out[0] == "ok" else str(out[1])[:300]  # noqa: E731
            print(f"\n- {name}.{x['param']} = {x['values']}\n  GridSearchCV: {grid[0]} "
                  f"{detail(grid)}\n  {tool}: {ours[0]} {detail(ours)}")
        print()


BENCHMARK = Benchmark(
    title="Does a search evaluate what GridSearchCV evaluates?",
    tasks=ESTIMATORS,
    tools=dict.fromkeys(SEARCHES),
    run=run,
    report=report,
    seeds=1,
    default_tools=["bayes"],
    smoke_tasks=["Ridge"],
    smoke_tools=["bayes", "hyperband"],
)

if __name__ == "__main__":
    main(BENCHMARK)
