"""Plots of fitted searches, in scikit-learn's Display style.

Each display is made by ``from_estimator(search, ...)`` from any fitted
search (skhyper's, ``GridSearchCV``, ``RandomizedSearchCV`` or another
``BaseSearchCV``), keeps what it plots as attributes, and draws with
``plot(ax=...)``. matplotlib (the ``plot`` extra) is imported only when a
display draws. One display a module, as scikit-learn's ``metrics/_plot``.
"""

from ._brackets import BracketsDisplay
from ._convergence import ConvergenceDisplay
from ._dependence import ScoreDependenceDisplay
from ._hypergradient import HypergradientDisplay
from ._policy import PolicyDisplay
from ._population import LineageDisplay, ScheduleDisplay
from ._surrogate import SurrogateDisplay

__all__ = [
    "BracketsDisplay",
    "ConvergenceDisplay",
    "HypergradientDisplay",
    "LineageDisplay",
    "PolicyDisplay",
    "ScheduleDisplay",
    "ScoreDependenceDisplay",
    "SurrogateDisplay",
]
