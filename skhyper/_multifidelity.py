"""A multi-fidelity surrogate for Hyperband: one GP over (configuration, resource).

BOHB fits its model to the scores of one resource level, the largest with
enough of them; on a resource whose small levels rank differently from the
full one (few samples, few epochs) that model proposes what wins early. Here
every score at every level trains one Gaussian process whose inputs are the
configuration's unit-cube encoding and one more column, the resource on a log
scale from ``min_resources`` (0) to ``max_resources`` (1), as in
multi-fidelity Bayesian optimization (FABOLAS, Klein et al. 2017; BOCA,
Kandasamy et al. 2017). The ARD Matern kernel gives that column its own length
scale, fitted like the others: a long one says the levels agree, a short one
that small levels say little about the full resource. Configurations are
proposed where the model, evaluated *at full resource*, is most promising.
"""

from collections import Counter

import numpy as np

from .optimizer import BayesOptimizer
from .surrogate import fit_gp
from .surrogate._optimize import row_key
from .surrogate._propose import N_ANCHORS, BatchModel, propose_batch
from .surrogate._threads import single_threaded_blas
from .surrogate._warping import model_scores

__all__ = ["bohb_data_final", "propose_bohb", "propose_multifidelity"]

# The upper confidence bound of BayesSearchCV's default (mean + 1.96 sd),
# each proposal believed at its predicted mean (kriging believer); the
# bracket's random third explores besides. A short bound (0.5, as BOHB's
# sampler uses) packed a bracket around the model's optimum at full resource,
# which early in an iteration is an extrapolation from small levels: on the
# benchmark's digits SVC that lost to random configurations on 7 of 10 seeds
# and won on none.
_KAPPA = 1.96
_N_CANDIDATES = 512
# BOHB's own model: a short bound, see propose_bohb.
_BOHB_KAPPA = 0.5


def propose_multifidelity(space, observed, n, resources, rng, min_observations):
    """Propose up to ``n`` configurations by the surrogate at full resource.

    Parameters
    ----------
    space : SearchSpace
    observed : list of (dict, int, float)
        ``(params, resource, mean CV score)`` of every row so far; NaN marks
        a failed fit, told to the model as the worst score seen.
    n : int
        Number of configurations wanted.
    resources : (int, int)
        ``(min_resources, max_resources)``.
    rng : RandomState instance
    min_observations : int
        Fewer finite scores than this propose nothing (the bracket is drawn
        at random).

    Returns
    -------
    list of dict
        Distinct configurations, none of them observed before; fewer than
        ``n`` when the model has too little data or a finite space runs out.
    """
    scores = np.array([score for _, _, score in observed], dtype=float)
    finite = np.isfinite(scores)
    if n <= 0 or finite.sum() < min_observations:
        return []
    low, high = np.log(resources[0]), np.log(resources[1])
    fidelity = np.array([
        (np.log(r) - low) / (high - low) if high > low else 1.0 for _, r, _ in observed
    ])
    Z = space.transform([params for params, _, _ in observed])
    X = np.column_stack([Z, fidelity])
    y = model_scores(scores)
    with single_threaded_blas():
        gp = fit_gp(X, y)
        # Search around the configurations the model rates best at full
        # resource, whatever level they were scored at.
        configs = np.unique(Z, axis=0)
        predicted = gp.predict(np.column_stack([configs, np.ones(len(configs))]))[0]
        model = BatchModel(
            gp,
            space,
            {row_key(z) for z in Z},
            rng,
            acq_func="ucb",
            kappa=_KAPPA,
            context=[1.0],  # the resource column, at full resource
            fantasy="kriging_believer",
            anchors=configs[np.argsort(-predicted)[:N_ANCHORS]],
            n_candidates=_N_CANDIDATES,
        )
        points, _ = propose_batch(n, model.maximize, model.add_fantasy)
    return [space.inverse_transform(z[None, :])[0] for z in points]


def bohb_data_final(observed, brackets, n_params):
    """Whether the next bracket's BOHB model would be fitted on the same
    scores as in the sequential loop, where every bracket started before it
    has run all its rungs.

    True when the level the loop would choose (the largest with more finite
    scores than parameters plus one, as :func:`propose_bohb`) has no rung
    left to run among ``brackets`` (those started), and no larger level could
    reach that many with the rungs left; also when no level could (the
    bracket is drawn at random either way). ``observed``: ``(params,
    resource, score)`` of every row.
    """
    finite, left = Counter(), Counter()
    for _, resource, score in observed:
        finite[resource] += bool(np.isfinite(score))
    for b in brackets:  # started: every bracket before the next
        for n, resource in b.rungs[b.rung + 1:]:
            left[resource] += n
    for resource in sorted(set(finite) | set(left), reverse=True):
        if finite[resource] + left[resource] > n_params + 1:
            return not left[resource]
    return True


def propose_bohb(space, observed, n_model, n_params, rng):
    """BOHB: ``n_model`` proposals of the model of the largest resource
    level with more scores than parameters plus one (none without one)."""
    levels = {}
    for params, resource, score in observed:
        levels.setdefault(resource, []).append((params, score))
    levels = {
        r: seen for r, seen in levels.items()
        if np.isfinite([score for _, score in seen]).sum() > n_params + 1
    }
    params = []
    if levels:
        seen = levels[max(levels)]
        # A large batch near the model's optimum, as BOHB's density
        # sampling gives (the random third explores): an optimistic but
        # short confidence bound, each point believed at its predicted
        # mean. EI with the constant liar spreads such a batch over the
        # space like random draws (measured in the tests' Bowl problem).
        optimizer = BayesOptimizer(
            space,
            n_initial_points=1,
            acq_func="ucb",
            kappa=_BOHB_KAPPA,
            batch_strategy="kriging_believer",
            random_state=rng,
        )
        optimizer.tell([p for p, _ in seen], [score for _, score in seen])
        params = optimizer.ask(n_model)
    return params
