"""The one place that imports scikit-learn's private API.

scikit-learn does not promise to keep these names where they are; when one
moves, only this file changes. Supported: scikit-learn >= 1.6.
"""

from sklearn.base import _fit_context
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._split import _yields_constant_splits
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)

__all__ = [
    "BaseSearchCV",
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "_fit_context",
    "_yields_constant_splits",
]
