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

    python benchmarks/bench_hyperband_levels.py --seeds 2 --scenarios svc,hgb,hgb-lr,sgd-lr
"""

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_hyperband as bench  # noqa: E402
from _report import _log, _name_list, _table  # noqa: E402

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


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seeds", type=int, default=2, help="seeds 0..N-1 (default 2)")
    parser.add_argument(
        "--scenarios",
        type=_name_list(tuple(bench.SCENARIOS)),
        default=["svc", "hgb", "hgb-lr", "sgd-lr"],
        help=f"comma-separated subset of {','.join(bench.SCENARIOS)} "
        "(default svc,hgb,hgb-lr,sgd-lr)",
    )
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error(f"--seeds must be at least 1, got {args.seeds}")
    warnings.simplefilter("ignore")
    os.environ["PYTHONWARNINGS"] = "ignore"
    start = time.perf_counter()

    rows, columns = [], []
    for name in args.scenarios:
        scenario = bench.SCENARIOS[name]
        X, y = scenario.load()
        plan = bench.make_plan(scenario, X, y, quick=False)
        for seed in range(args.seeds):
            search = bench.hyperband_search(scenario, plan, seed, sampler="random")
            search.fit(X, y)
            found = rung_correlations(search)
            columns += [key for key in found if key not in columns]
            rows.append((name, seed, found))
            _log(f"{name} seed {seed}: {len(found)} rungs", start)

    columns.sort(key=lambda key: (-key[0], key[1]))
    header = ["scenario", "seed"] + [
        f"s={b} rung {i}->{i + 1} (n)" for b, i in columns
    ]
    table = []
    for name, seed, found in rows:
        cells = [
            f"{found[key][1]:+.2f} ({found[key][0]})" if key in found else "—"
            for key in columns
        ]
        table.append([name, seed] + cells)
    print("# Rank correlation between consecutive rungs, one Hyperband iteration\n")
    print(
        "Spearman's rho between the mean CV scores at a rung and at the next of "
        f"the configurations promoted (n), for rungs that promoted at least "
        f"{MIN_PROMOTED}; sampler='random', {bench.N_SPLITS}-fold CV, each "
        "scenario's resource range and scoring as in bench_hyperband.py.\n"
    )
    print(_table(header, table))
    print(f"\nTotal wall time: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
