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

import numpy as np

from .surrogate import fit_gp
from .surrogate._optimize import row_key
from .surrogate._propose import N_ANCHORS, BatchModel, propose_batch
from .surrogate._threads import single_threaded_blas
from .surrogate._warping import model_scores

__all__ = ["propose_multifidelity"]

# The upper confidence bound of BayesSearchCV's default (mean + 1.96 sd),
# each proposal believed at its predicted mean (kriging believer); the
# bracket's random third explores besides. A short bound (0.5, as BOHB's
# sampler uses) packed a bracket around the model's optimum at full resource,
# which early in an iteration is an extrapolation from small levels: on the
# benchmark's digits SVC that lost to random configurations on 7 of 10 seeds
# and won on none.
_KAPPA = 1.96
_N_CANDIDATES = 512


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
