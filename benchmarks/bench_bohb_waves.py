"""BOHB in waves: what waiting for the sequential loop's scores costs and gains.

``HyperbandSearchCV(sampler="bayes")`` runs BOHB (Falkner et al. 2018): a
bracket's configurations are proposed by a model fitted at the largest
resource level with more finite scores than parameters plus one. In the
paper's loop brackets run one after another, so bracket k's model sees every
rung of brackets 0..k-1. The search runs brackets together in *waves* (bracket
k starts k waves after the first) to keep workers busy; a BOHB bracket also
waits until the scores its model would have in the sequential loop are all
known. Before that rule the models of an iteration saw only the rungs of
earlier waves, that is lower levels (1, 3, 9 instead of 9, 9, 27 for R=27).

Tools, on the same folds and seeds:

* ``bohb``: the library's ``sampler="bayes"`` (waves that wait for the
  sequential loop's scores);
* ``bohb-waves``: the same with the waiting switched off (a subclass whose
  ``_bohb_data_final`` is always true): every bracket starts in its wave, its
  model fitted on the scores of earlier waves only, as before the rule;
* ``random``: ``sampler="random"``, Hyperband's own algorithm, for reference.

Each runs two Hyperband iterations; the first iteration's rows are exactly a
one-iteration search's (the rule does not look ahead), so both budgets are
read off one run. Metrics, as median [25th, 75th percentile] over seeds:

* *best CV (1 it.)*, *best CV (2 it.)*: the best mean CV score among the rows
  at ``max_resources`` of the first iteration, and of both;
* *model level / R*: the mean, over the brackets whose configurations a model
  proposed, of the resource level it was fitted at, divided by
  ``max_resources`` (the sequential loop's level for ``bohb``);
* *batches* and *fits per batch*: how many joblib calls the search makes and
  how many (configuration, fold) fits each holds on average: what the
  waiting costs in parallelism (the same for any ``n_jobs``);
* *fit s*, *wall s*: the folds' fit time, and the search's wall time (one
  thread).

Scenarios: ``moving-bowl``, a synthetic estimator over two parameters whose
best setting moves with the resource (ignores the data; small levels
mislead); ``sgd-lr`` and ``hgb-lr`` of ``bench_hyperband.py`` at its
``--quick`` size (one level fewer: epochs 1-27 of SGD by ``partial_fit``
scored by log-loss; 3-81 boosting iterations scored by ROC AUC), where small
budgets rank configurations differently from the full one.

The level each model is fitted at and the batching are read through
``_hooks.bohb_probe`` (they have no public face).

Example (10 seeds of every scenario: about 25 minutes in one thread)::

    python benchmarks/bench_bohb_waves.py --seeds 10
    python benchmarks/bench_bohb_waves.py --seeds 2 --tasks moving-bowl
"""

import os
from dataclasses import replace

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import bench_hyperband as bench  # noqa: E402
import numpy as np  # noqa: E402
from _harness import Benchmark, by, main, table  # noqa: E402
from _hooks import bohb_probe  # noqa: E402
from sklearn.base import BaseEstimator, ClassifierMixin  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402

from skhyper import Real  # noqa: E402

TOOLS = ("bohb", "bohb-waves", "random")
ITERATIONS = 2


class MovingBowl(ClassifierMixin, BaseEstimator):
    """Ignores the data; its score is -|(c, d) - m(r)|^2 with the optimum
    ``m(r)`` moving from (0.2, 0.8) at ``max_iter=1`` to (0.8, 0.3) at 27,
    linearly in log r, plus a fixed bump per setting (a rugged landscape)."""

    def __init__(self, c=0.0, d=0.0, max_iter=27):
        self.c = c
        self.d = d
        self.max_iter = max_iter

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])

    def score(self, X, y, sample_weight=None):
        t = np.log(self.max_iter) / np.log(27)
        best = np.array([0.2 + 0.6 * t, 0.8 - 0.5 * t])
        bump = 0.01 * np.sin(37 * self.c) * np.cos(23 * self.d)
        return float(-np.sum((np.array([self.c, self.d]) - best) ** 2) + bump)


def _moving_bowl_scenario():
    return replace(
        bench.SCENARIOS["hgb"],
        name="moving-bowl",
        title="synthetic: a bowl whose optimum moves with max_iter (1 to 27)",
        estimator=MovingBowl,
        space=lambda: {"c": Real(0, 1), "d": Real(0, 1)},
        load=lambda: make_classification(n_samples=60, random_state=0),
        resource="max_iter",
        data_note="the estimator ignores the data",
    )


SCENARIOS = {
    "moving-bowl": _moving_bowl_scenario(),
    "sgd-lr": bench.SCENARIOS["sgd-lr"],
    "hgb-lr": bench.SCENARIOS["hgb-lr"],
}


def run(name, tool, seed, settings):
    """One search; the metrics of its first iteration and of both."""
    scenario = SCENARIOS[name]
    X, y, plan = _data(name)
    cls = bohb_probe(waves_only=tool == "bohb-waves")
    search = cls(
        scenario.estimator(),
        scenario.space(),
        resource=scenario.hb_resource or scenario.resource,
        max_resources=plan.hb_max,
        min_resources=plan.hb_min,
        factor=bench.FACTOR,
        sampler="random" if tool == "random" else "bayes",
        hyperband_iterations=ITERATIONS,
        **{**bench._shared(scenario, plan, seed), "refit": False},
    )
    search.levels_ = []
    search.batches_ = batches = []
    wall = bench._fit_timed(search, X, y)
    res = search.cv_results_
    scores = np.asarray(res["mean_test_score"], dtype=float)
    full = (res["n_resources"] == plan.hb_max) & np.isfinite(scores)
    first = full & (res["hyperband_iteration"] == 0)
    return {
        "best1": float(scores[first].max()),
        "best2": float(scores[full].max()),
        "level": (
            float(np.mean(search.levels_) / plan.hb_max) if search.levels_ else np.nan
        ),
        "levels": list(search.levels_),
        "batches": len(batches),
        "per_batch": float(np.mean(batches)),
        "fit": float(np.sum(res["mean_fit_time"]) * search.n_splits_),
        "wall": wall,
    }


def _cell(values, digits=4):
    median, q1, q3 = bench._quartiles(values)
    return f"{median:.{digits}g} [{q1:.{digits}g}, {q3:.{digits}g}]"


_DATA = {}


def _data(name):
    """A scenario's data and plan at bench_hyperband's --brackets fewer size."""
    if name not in _DATA:
        scenario = SCENARIOS[name]
        X, y = scenario.load()
        _DATA[name] = X, y, bench.make_plan(scenario, X, y, quick=True)
    return _DATA[name]


def report(records, settings):
    for name, scenario_records in by(records, "task").items():
        scenario = SCENARIOS[name]
        plan = _data(name)[2]
        runs = {tool: [] for tool in TOOLS}
        for r in scenario_records:
            if "error" not in r:
                runs[r["tool"]].append(r)
        n_seeds = len({r["seed"] for r in scenario_records})
        print(f"## {name}: {scenario.title}\n")
        print(
            f"R = {plan.hb_max}, min_resources = {plan.hb_min}, factor 3, "
            f"{ITERATIONS} Hyperband iterations, {bench.N_SPLITS}-fold CV, "
            f"{n_seeds} seeds; scoring {scenario.scoring or 'accuracy'}.\n"
        )
        rows = []
        for tool in TOOLS:
            r = runs[tool]
            if not r:
                continue
            rows.append([
                tool,
                _cell([x["best1"] for x in r]),
                _cell([x["best2"] for x in r]),
                _cell([np.nan if x["level"] is None else x["level"] for x in r], 2),
                _cell([x["batches"] for x in r], 3),
                _cell([x["per_batch"] for x in r], 3),
                _cell([x["fit"] for x in r], 3),
                _cell([x["wall"] for x in r], 3),
            ])
        print(table(
            ["tool", "best CV (1 it.)", "best CV (2 it.)", "model level / R",
             "batches", "fits per batch", "fit s", "wall s"],
            rows,
        ))
        if runs["bohb"] and runs["bohb-waves"]:
            wins = {}
            for key in ("best1", "best2"):
                a = np.array([x[key] for x in runs["bohb"]])
                b = np.array([x[key] for x in runs["bohb-waves"]])
                wins[key] = (
                    int((a > b).sum()), int((a == b).sum()), int((a < b).sum())
                )
            print(
                "\nbohb against bohb-waves, seeds won / tied / lost: "
                f"{'/'.join(map(str, wins['best1']))} after one iteration, "
                f"{'/'.join(map(str, wins['best2']))} after two."
            )
            print(
                f"Levels of seed {runs['bohb'][0]['seed']}'s models: bohb "
                f"{runs['bohb'][0]['levels']}, bohb-waves "
                f"{runs['bohb-waves'][0]['levels']}."
            )
        print()


BENCHMARK = Benchmark(
    title="BOHB in waves: waiting for the sequential loop's scores",
    tasks=SCENARIOS,
    tools=dict.fromkeys(TOOLS),
    run=run,
    report=report,
    seeds=10,
    smoke_tasks=["moving-bowl"],
)

if __name__ == "__main__":
    main(BENCHMARK)
