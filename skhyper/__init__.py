"""skhyper: hyperparameter search estimators for scikit-learn."""

from ._bayes import BayesSearchCV
from ._dac import DACSearchCV
from ._hyperband import HyperbandSearchCV, hyperband_schedule
from ._hypergradient import HypergradientSearchCV
from ._pbt import PBTSearchCV
from .optimizer import BayesOptimizer
from .space import Categorical, Integer, Real, SearchSpace

__version__ = "0.1.0.dev0"

__all__ = [
    "BayesOptimizer",
    "BayesSearchCV",
    "Categorical",
    "DACSearchCV",
    "HyperbandSearchCV",
    "HypergradientSearchCV",
    "Integer",
    "PBTSearchCV",
    "Real",
    "SearchSpace",
    "__version__",
    "hyperband_schedule",
]
