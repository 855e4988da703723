"""The surrogate model and acquisition machinery shared by model-based searches."""

from ._acquisition import ACQUISITIONS, evaluate_acquisition, log_h
from ._gp import Posterior, fit_gp, refit_gp

__all__ = ["ACQUISITIONS", "Posterior", "evaluate_acquisition", "fit_gp", "log_h", "refit_gp"]
