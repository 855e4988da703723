"""The one door to scikit-learn's private API.

scikit-learn does not promise to keep these names where they are; when one
moves, only this file changes, and ``tests/test_compat.py`` checks that every
name listed in :data:`PRIVATE_NAMES` exists on the installed version.
Supported: scikit-learn >= 1.6. Behaviour never depends on the wording of a
scikit-learn message.
"""

import inspect

import numpy as np
import sklearn

from sklearn.base import _fit_context
from sklearn.model_selection import _validation
from sklearn.model_selection._search import BaseSearchCV
from sklearn.model_selection._search_successive_halving import BaseSuccessiveHalving
from sklearn.model_selection._validation import _score
from sklearn.utils import _safe_indexing
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    InvalidParameterError,
    RealNotInt,
    StrOptions,
    make_constraint,
    validate_parameter_constraints,
)
from sklearn.utils.validation import _check_method_params, _num_samples

#: Every private scikit-learn name this package uses, as (owner, attribute).
#: Methods of BaseSearchCV are called on the search itself (the subclass
#: inherits them), through the functions below.
PRIVATE_NAMES = [
    ("sklearn.base", "_fit_context"),
    ("sklearn.model_selection._search", "BaseSearchCV"),
    ("sklearn.model_selection._search_successive_halving", "BaseSuccessiveHalving"),
    ("sklearn.model_selection._validation", "_fit_and_score"),
    ("sklearn.model_selection._validation", "_insert_error_scores"),
    ("sklearn.model_selection._validation", "_score"),
    ("sklearn.model_selection._validation", "_warn_or_raise_about_fit_failures"),
    ("sklearn.utils", "_safe_indexing"),
    ("sklearn.utils.metaestimators", "_safe_split"),
    ("sklearn.utils.validation", "_check_method_params"),
    ("sklearn.utils.validation", "_num_samples"),
    ("sklearn.utils._param_validation", "HasMethods"),
    ("sklearn.utils._param_validation", "Interval"),
    ("sklearn.utils._param_validation", "InvalidParameterError"),
    ("sklearn.utils._param_validation", "RealNotInt"),
    ("sklearn.utils._param_validation", "StrOptions"),
    ("sklearn.utils._param_validation", "make_constraint"),
    ("sklearn.utils._param_validation", "validate_parameter_constraints"),
    ("BaseSearchCV", "_get_scorers"),
    ("BaseSearchCV", "_get_routed_params_for_fit"),
    ("BaseSearchCV", "_format_results"),
    ("BaseSearchCV", "_select_best_index"),
    ("BaseSearchCV", "_check_refit_for_multimetric"),
]

# scikit-learn >= 1.9: fit tasks report to callbacks (set_callbacks).
_FIT_AND_SCORE_TAKES_CALLBACKS = "callback_ctx" in inspect.signature(
    _validation._fit_and_score
).parameters


def fit_and_score(estimator, X, y, *, caller=None, callback_ctx=None, **kwargs):
    """``_fit_and_score``, with the callback arguments where they exist."""
    if _FIT_AND_SCORE_TAKES_CALLBACKS:
        kwargs.update(caller=caller, callback_ctx=callback_ctx)
    return _validation._fit_and_score(estimator, X, y, **kwargs)


def insert_error_scores(outs, error_score):
    """Give failed fits the dict of error scores a callable scorer returns."""
    _validation._insert_error_scores(outs, error_score)


#: BaseSearchCV's own ``_parameter_constraints`` (estimator, scoring, n_jobs,
#: refit, cv, verbose, pre_dispatch, error_score, return_train_score), which
#: every search extends.
SEARCH_PARAMETER_CONSTRAINTS = dict(BaseSearchCV._parameter_constraints)

#: The installed scikit-learn's (major, minor) version.
SKLEARN_VERSION = tuple(int(part) for part in sklearn.__version__.split(".")[:2])


def validate_constraints(parameter_constraints, params, caller_name):
    """scikit-learn's ``validate_parameter_constraints`` of ``params``, except
    that a bool is never a number: scikit-learn's intervals take True as 1,
    which here is always a mistake. Raised as scikit-learn's
    InvalidParameterError, a ValueError and a TypeError both (BayesOptimizer
    raised ValueError for it, the callbacks TypeError)."""
    for key, value in params.items():
        constraints = parameter_constraints.get(key, [])
        numeric = any(isinstance(c, Interval) for c in constraints)
        if numeric and isinstance(value, (bool, np.bool_)):
            raise InvalidParameterError(
                f"The {key!r} parameter of {caller_name} must be a number, not a "
                f"bool; got {value!r}."
            )
    validate_parameter_constraints(
        parameter_constraints, params, caller_name=caller_name
    )


def inconsistent_splits_message(expected, got):
    """BaseSearchCV's own message when ``cv.split`` and ``cv.get_n_splits``
    disagree, in the installed version's words ("returned" before 1.9)."""
    verb = "return" if SKLEARN_VERSION >= (1, 9) else "returned"
    return (
        f"cv.split and cv.get_n_splits {verb} inconsistent results. "
        f"Expected {expected} splits, got {got}"
    )


def parameter_constraints(estimator):
    """The ``_parameter_constraints`` an estimator's class declares (a dict),
    or None."""
    constraints = getattr(type(estimator), "_parameter_constraints", None)
    return constraints if isinstance(constraints, dict) else None


def warn_or_raise_about_fit_failures(outs, error_score):
    """GridSearchCV's report of failed fits: a FitFailedWarning when some of
    ``outs`` failed, a ValueError when all did."""
    _validation._warn_or_raise_about_fit_failures(outs, error_score)


def get_scorers(search):
    """``(scorers, refit_metric)`` of a search, as BaseSearchCV.fit gets them."""
    return search._get_scorers()


def scorers_of(scorer):
    """The ``{name: scorer}`` a multi-metric scorer holds (scikit-learn's
    ``_MultimetricScorer._scorers``), or None for a single scorer."""
    return getattr(scorer, "_scorers", None)


def routed_params_for_fit(search, params):
    """The fit parameters routed to the estimator, scorer and splitter."""
    return search._get_routed_params_for_fit(params)


def format_results(search, candidate_params, n_splits, outs, more_results):
    """``cv_results_`` from ``_fit_and_score``-shaped results."""
    return search._format_results(candidate_params, n_splits, outs, more_results)


def select_best_index(search, refit_metric, results, refit=None):
    """The best row, by the search's own (possibly overridden) rule; ``refit``
    overrides ``search.refit`` (True: by ``refit_metric``'s rank)."""
    return search._select_best_index(
        search.refit if refit is None else refit, refit_metric, results
    )


def is_successive_halving(search):
    """Whether ``search`` is one of scikit-learn's successive-halving searches
    (HalvingGridSearchCV, HalvingRandomSearchCV, or a subclass), which choose
    their best among the last iteration's rows."""
    return isinstance(search, BaseSuccessiveHalving)


def base_select_best_index(refit, refit_metric, results):
    """The best row by GridSearchCV's own rule (BaseSearchCV's, not a
    subclass's override)."""
    return BaseSearchCV._select_best_index(refit, refit_metric, results)


def check_refit_for_multimetric(search, scores):
    """Check ``refit`` names one of a callable scorer's metrics."""
    search._check_refit_for_multimetric(scores)


#: scikit-learn >= 1.9 has a callback API (``set_callbacks``); before it the
#: engine gives searches an equivalent (``_callbacks.SearchEvents``).
HAS_CALLBACK_API = hasattr(BaseSearchCV, "set_callbacks")


#: Where an estimator keeps the callbacks ``set_callbacks`` gave it: scikit-learn
#: >= 1.9's attribute, which the searches' own ``set_callbacks`` also uses on
#: older versions, so that one name serves every version.
CALLBACKS_ATTRIBUTE = "_skl_callbacks"


def callbacks_of(estimator):
    """The callbacks set on ``estimator`` (a list, empty when none)."""
    return list(getattr(estimator, CALLBACKS_ATTRIBUTE, []))


def set_callbacks_of(estimator, callbacks):
    """Keep ``callbacks`` on ``estimator`` as scikit-learn >= 1.9 does (none:
    the attribute is removed)."""
    if callbacks:
        setattr(estimator, CALLBACKS_ATTRIBUTE, list(callbacks))
    else:
        estimator.__dict__.pop(CALLBACKS_ATTRIBUTE, None)


def init_callback_context(search, max_subtasks):
    """The root callback context of a fit (scikit-learn >= 1.9), else None.

    ``BaseSearchCV._init_callback_context`` exists only from 1.9 on, so it is
    looked up rather than listed in :data:`PRIVATE_NAMES`.
    """
    init = getattr(search, "_init_callback_context", None)
    if init is None:
        return None
    return init(max_subtasks=max_subtasks)


__all__ = [
    "BaseSearchCV",
    "CALLBACKS_ATTRIBUTE",
    "SEARCH_PARAMETER_CONSTRAINTS",
    "SKLEARN_VERSION",
    "base_select_best_index",
    "inconsistent_splits_message",
    "parameter_constraints",
    "callbacks_of",
    "set_callbacks_of",
    "HAS_CALLBACK_API",
    "HasMethods",
    "InvalidParameterError",
    "Interval",
    "PRIVATE_NAMES",
    "RealNotInt",
    "StrOptions",
    "_check_method_params",
    "_num_samples",
    "_fit_context",
    "_safe_indexing",
    "_safe_split",
    "_score",
    "check_refit_for_multimetric",
    "fit_and_score",
    "format_results",
    "get_scorers",
    "init_callback_context",
    "insert_error_scores",
    "is_successive_halving",
    "make_constraint",
    "routed_params_for_fit",
    "scorers_of",
    "select_best_index",
    "validate_constraints",
    "validate_parameter_constraints",
    "warn_or_raise_about_fit_failures",
]
