"""The surrogate model and acquisition machinery shared by model-based searches."""

from ._acquisition import ACQUISITIONS, evaluate_acquisition, log_h
from ._posterior import Posterior
from ._gp import (
    HyperparameterPrior,
    LengthScalePrior,
    SurrogateGP,
    fit_gp,
    log_marginal_likelihood,
)

__all__ = [
    "ACQUISITIONS",
    "HyperparameterPrior",
    "LengthScalePrior",
    "Posterior",
    "SurrogateGP",
    "evaluate_acquisition",
    "fit_gp",
    "log_h",
    "log_marginal_likelihood",
]
