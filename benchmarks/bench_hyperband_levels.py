"""How well one rung's ranking predicts the next, as Hyperband sees it.

An adaptive Hyperband would move budget between brackets while an iteration
runs, from evidence of how far the small resources can be trusted. The first
evidence an iteration has is the rank correlation between consecutive rungs of
its most aggressive brackets, over the configurations they promoted. This
script prints that evidence for scenarios of ``bench_hyperband.py``: the
Spearman correlation between the mean CV scores of the configurations a rung
promoted and their scores at the next rung, for every (bracket, rung) with at
least five promoted configurations, one Hyperband iteration with the random
sampler per seed.

Compare it with what the full benchmark says of each scenario: on ``hgb-lr``
the scores after 3 and after 243 boosting iterations do not correlate, and
random search at full resource wins; on ``svc`` subsampling ranks well enough
for Hyperband to beat both halving and random search.

Example::

    python benchmarks/bench_hyperband_levels.py --seeds 2 --tasks svc,hgb,hgb-lr,sgd-lr
"""

import numpy as np
from _harness import Benchmark, Setting, main, table
from bench_hyperband import N_SPLITS, SCENARIOS, _data, hyperband_search
from scipy.stats import spearmanr

MIN_PROMOTED = 5


def rung_correlations(search):
    """``{(bracket, rung): (n, rho)}``: Spearman's rho between the scores at
    ``rung`` and at ``rung + 1`` of the ``n`` configurations promoted."""
    res = search.cv_results_
    bracket, rung, config, score = (
        np.asarray(res[key])
        for key in ("bracket", "iter", "config_id", "mean_test_score")
    )
    out = {}
    for b in sorted(set(bracket.tolist()), reverse=True):
        in_b = bracket == b
        for i in range(int(rung[in_b].max())):
            now = dict(zip(config[in_b & (rung == i)], score[in_b & (rung == i)]))
            nxt = dict(zip(config[in_b & (rung == i + 1)], score[in_b & (rung == i + 1)]))
            ids = sorted(nxt)
            if len(ids) >= MIN_PROMOTED:
                rho = spearmanr([now[c] for c in ids], [nxt[c] for c in ids])[0]
                out[(int(b), i)] = (len(ids), float(rho))
    return out


def run(name, tool, seed, settings):
    X, y, plan = _data(name, settings["brackets"] == "fewer")
    search = hyperband_search(SCENARIOS[name], plan, seed, sampler="random")
    search.fit(X, y)
    found = rung_correlations(search)
    return {"rungs": [[b, i, n, rho] for (b, i), (n, rho) in found.items()]}


def report(records, settings):
    rows, columns = [], []
    for r in records:
        if "error" in r:
            continue
        found = {(b, i): (n, rho) for b, i, n, rho in r["rungs"]}
        columns += [key for key in found if key not in columns]
        rows.append((r["task"], r["seed"], found))
    columns.sort(key=lambda key: (-key[0], key[1]))
    header = ["scenario", "seed"] + [
        f"s={b} rung {i}->{i + 1} (n)" for b, i in columns
    ]
    cells = [
        [name, seed] + [
            f"{found[key][1]:+.2f} ({found[key][0]})" if key in found else "—"
            for key in columns
        ]
        for name, seed, found in rows
    ]
    print("## Rank correlation between consecutive rungs, one Hyperband iteration\n")
    print(
        "Spearman's rho between the mean CV scores at a rung and at the next of "
        f"the configurations promoted (n), for rungs that promoted at least "
        f"{MIN_PROMOTED}; sampler='random', {N_SPLITS}-fold CV, each "
        "scenario's resource range and scoring as in bench_hyperband.py.\n"
    )
    print(table(header, cells))
    print()


BENCHMARK = Benchmark(
    title="How well one rung's ranking predicts the next, as Hyperband sees it",
    tasks=SCENARIOS,
    tools={"hyperband": None},
    run=run,
    report=report,
    settings={
        "brackets": Setting(
            "all", "fewer", "fewer: one bracket fewer, as bench_hyperband's"
        ),
    },
    seeds=2,
    default_tasks=["svc", "hgb", "hgb-lr", "sgd-lr"],
    smoke_tasks=["sgd"],
)

if __name__ == "__main__":
    main(BENCHMARK)
