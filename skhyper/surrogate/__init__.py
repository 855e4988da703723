"""The surrogate model and acquisition machinery shared by model-based searches."""

from ._acquisition import ACQUISITIONS, evaluate_acquisition, log_h
from ._gp import LengthScalePrior, SurrogateGP, fit_gp, log_marginal_likelihood

__all__ = [
    "ACQUISITIONS",
    "LengthScalePrior",
    "SurrogateGP",
    "evaluate_acquisition",
    "fit_gp",
    "log_h",
    "log_marginal_likelihood",
]
