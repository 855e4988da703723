"""The one door from the benchmarks to skhyper's (and scikit-learn's) private names.

A benchmark measures skhyper through its public API. A few measure a part of
it that has no public face (the cost of one journal write, of one policy
step, the GP's hand-written fit); they take the private names from here, and
only from here, so that when a private module moves this file changes and the
benchmarks do not. Each name says which benchmark needs it and why.
"""

# bench_checkpoint: the cost of a checkpoint per batch is the journal's write;
# timing it alone, without a search around it, needs the journal, the
# fingerprint that opens it and the batch record it writes.
from skhyper._checkpoint import Journal
from skhyper._fingerprint import fingerprint
from skhyper._batch import Batch, Training

# bench_dac: the per-step cost of the in-worker policy loop against the plain
# partial_fit loop, and the policies it steps.
from skhyper._dac import FeedbackPolicy, PolicyStepper, SchedulePolicy
from skhyper._training import Stepper

# bench_hypergradient_tol: the exact hypergradient of one fold-model, to compare
# with finite differences of the CV loss.
from skhyper._hypergradient import hyperspec

# bench_surrogate: scikit-learn's GaussianProcessRegressor given the same
# priors and L-BFGS-B settings as skhyper's own MAP fit, and the log-posterior
# both reach.
from skhyper.surrogate._gp import (
    _FTOL,
    _GTOL,
    _MAXITER,
    HyperparameterPrior,
    _squared_differences,
)

# check_gridsearch_agreement: scikit-learn's constraint classes, read to list
# valid and invalid values of every parameter; skhyper's _compat is the one
# place that imports them from scikit-learn.
from skhyper._compat import Interval, StrOptions


def bohb_probe(waves_only=False):
    """bench_bohb_waves: HyperbandSearchCV that records, in ``levels_``, the
    resource level each BOHB model is fitted at and, in ``batches_``, how many
    (configuration, fold) fits each joblib call holds; with ``waves_only`` its
    brackets start in their wave without waiting for the sequential loop's
    scores (the behaviour before that rule). Neither has a public face: they
    override ``_bohb_data_final`` and ``_propose_bohb``, read ``_observed``
    and wrap ``_make_evaluator``."""
    import numpy as np

    from skhyper import HyperbandSearchCV

    class Probe(HyperbandSearchCV):
        def _bohb_data_final(self):
            return True if waves_only else super()._bohb_data_final()

        def _propose_bohb(self, n_model, n_params):
            levels = {}
            for _, resource, score in self._observed:
                levels[resource] = levels.get(resource, 0) + bool(np.isfinite(score))
            enough = [r for r, n in levels.items() if n > n_params + 1]
            if enough:
                self.levels_.append(max(enough))
            return super()._propose_bohb(n_model, n_params)

        def _make_evaluator(self, *args, **kwargs):
            evaluator = super()._make_evaluator(*args, **kwargs)
            inner = evaluator.evaluate

            def counted(batch, *a, **k):
                self.batches_.append(evaluator.n_tasks(batch))
                return inner(batch, *a, **k)

            evaluator.evaluate = counted
            return evaluator

    Probe.__name__ = "HyperbandSearchCV"
    return Probe


def continues(search):
    """bench_pbt: whether a fitted HyperbandSearchCV continued its models
    from rung to rung (then its units are counted from its rows), which the
    search decides privately (``_continues``)."""
    return search._continues()


def send_folds_unshared():
    """bench_dask's "2-unshared" memory mode: fold data sent as joblib sends
    arrays (the behaviour before shared folds), by raising the size above which
    folds are shared to infinity."""
    import skhyper._folds

    skhyper._folds._SHARED_NBYTES = float("inf")


__all__ = [
    "Batch",
    "Training",
    "FeedbackPolicy",
    "Interval",
    "Journal",
    "HyperparameterPrior",
    "PolicyStepper",
    "SchedulePolicy",
    "StrOptions",
    "Stepper",
    "bohb_probe",
    "continues",
    "fingerprint",
    "hyperspec",
    "send_folds_unshared",
    "_FTOL",
    "_GTOL",
    "_MAXITER",
    "_squared_differences",
]

# bench_bayes_large: BayesOptimizer with its surrogate's sizes changed (the
# local model's, the hyperparameter fit's, the number of observations below
# which the hyperparameters are refitted at every ask), to measure what each
# costs.
import contextlib

from skhyper.surrogate import _propose
from skhyper.surrogate._propose import _ALWAYS_REFIT_BELOW, MAX_EXACT, MAX_FIT


@contextlib.contextmanager
def surrogate_settings(**values):
    """Inside the block, ``_propose``'s ``MAX_EXACT`` (math.inf: every
    observation in the model), ``MAX_FIT`` (math.inf: every one in the
    hyperparameter fit) and ``_ALWAYS_REFIT_BELOW`` take ``values``
    (``max_exact=``, ``max_fit=``, ``always_refit_below=``; None keeps one)."""
    names = {"max_exact": "MAX_EXACT", "max_fit": "MAX_FIT",
             "always_refit_below": "_ALWAYS_REFIT_BELOW"}
    before = {name: getattr(_propose, name) for name in names.values()}
    try:
        for key, value in values.items():
            if value is not None:
                setattr(_propose, names[key], value)
        yield
    finally:
        for name, value in before.items():
            setattr(_propose, name, value)
