"""The one place that imports scikit-learn's private API.

scikit-learn does not promise to keep these names where they are; when one
moves, only this file changes. Supported: scikit-learn >= 1.6.
"""

from sklearn.base import _fit_context
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._validation import _score
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)



def is_all_fits_failed_error(exc):
    """Whether ``exc`` is the error ``evaluate_candidates`` raises when every
    fit of one call failed (``_warn_or_raise_about_fit_failures``)."""
    if not isinstance(exc, ValueError):
        return False
    first_line = str(exc).strip().split("\n", 1)[0]
    return first_line.startswith("All the") and first_line.endswith("fits failed.")


__all__ = [
    "BaseSearchCV",
    "HasMethods",
    "Interval",
    "RealNotInt",
    "StrOptions",
    "_check_method_params",
    "_fit_context",
    "_safe_indexing",
    "_score",
    "is_all_fits_failed_error",
]
