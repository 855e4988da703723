"""Search spaces: dimensions, and the spaces built from them."""

from ._dimensions import Categorical, Dimension, Distribution, Integer, Real
from ._space import SearchSpace

__all__ = [
    "Categorical",
    "Dimension",
    "Distribution",
    "Integer",
    "Real",
    "SearchSpace",
]
