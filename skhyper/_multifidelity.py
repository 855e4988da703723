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

from .optimizer import (
    _N_ANCHORS,
    _acquisition,
    _model_scores,
    _threadpool_controller,
)
from .surrogate import fit_gp
from .surrogate._optimize import maximize_acquisition, row_key

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
    y = _model_scores(scores)
    with _threadpool_controller().limit(limits=1, user_api="blas"):
        return _Proposer(space, X, y, rng).propose(n)


class _Proposer:
    """The fitted model of one bracket, conditioned on its own proposals."""

    def __init__(self, space, X, y, rng):
        self.space, self.rng = space, rng
        self.gp = fit_gp(X, y)
        self.X, self.y = X, y
        self.seen = {row_key(z) for z in X[:, :-1]}

    def _at_full(self, Z):
        return np.column_stack([Z, np.ones(len(Z))])

    def acquisition(self, Z, return_grad=False):
        Zf = self._at_full(np.atleast_2d(Z))
        out = _acquisition(self.gp, Zf, "ucb", None, 0.0, _KAPPA, return_grad)
        if not return_grad:
            return out
        value, grad = out
        return value, grad[:, :-1]  # the resource column is held at full

    def propose(self, n):
        out = []
        # Search around the configurations the model rates best at full
        # resource, whatever level they were scored at.
        configs = np.unique(self.X[:, :-1], axis=0)
        predicted = self.gp.predict(self._at_full(configs))[0]
        anchors = configs[np.argsort(-predicted)[:_N_ANCHORS]]
        while len(out) < n:
            z, _ = maximize_acquisition(
                self.acquisition, self.space, self.seen, self.rng,
                n_candidates=_N_CANDIDATES, anchors=anchors,
            )
            if z is None:
                break  # a finite space has no unseen point left
            self.seen.add(row_key(z))
            out.append(self.space.inverse_transform(z[None, :])[0])
            if len(out) < n:
                zf = self._at_full(z[None, :])
                self.X = np.vstack([self.X, zf])
                self.y = np.append(self.y, self.gp.predict(zf)[0])
                self.gp = self.gp.condition(self.X, self.y)
        return out
