"""Checks of a search's input that run before its first fit.

GridSearchCV finds a misspelt parameter name, a value the estimator refuses,
NaN in X or a single class in y only through its fits: all of them fail, one
by one, and the user reads the reason in a warning or a summary at the end.
A search that decides what to fit next from its results wastes more: a
Bayesian search or a Hyperband bracket is planned around scores that never
come. These checks raise first, with the parameter named.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.multiclass import type_of_target

from . import _compat
from ._compat import _num_samples
from .space import Categorical, Integer, Real
from .space._dimensions import Distribution


def check_space_against(estimator, space):
    """Every name of ``space`` is a parameter of ``estimator``, and every value
    it can give is one the parameter's owner accepts.

    The values checked are a Categorical's choices, an Integer's ends and
    middle, and points just inside a Real's ends (a continuous draw never
    lands on an end exactly, so ``Real(0, 1)`` stays fine for ``C``, which must
    be above 0) or a distribution's quantiles. Only owners that declare
    scikit-learn ``_parameter_constraints`` are checked; a name whose owner
    the space itself replaces (``{"clf": [SVC()], "clf__gamma": ...}``) is
    left to the fit.
    """
    if not hasattr(estimator, "get_params"):
        return
    params = estimator.get_params(deep=True)
    for sub in space.subspaces:
        for name, dim in sub.items():
            prefixes = _prefixes(name)
            if any(p in sub for p in prefixes):
                continue  # set on an estimator that the space chooses
            if name not in params:
                owner = params.get(prefixes[-1]) if prefixes else None
                if hasattr(owner, "get_params"):
                    known = f"{prefixes[-1]!r} has {sorted(owner.get_params(deep=False))}"
                else:
                    known = f"its parameters are {sorted(estimator.get_params(deep=False))}"
                raise ValueError(
                    f"search_spaces: {name!r} is not a parameter of "
                    f"{type(estimator).__name__}; {known}."
                )
            owner = params[prefixes[-1]] if prefixes else estimator
            _check_values(name, dim, owner)


def _prefixes(name):
    """``"a__b__c"`` -> ``["a", "a__b"]``."""
    parts = name.split("__")[:-1]
    return ["__".join(parts[: i + 1]) for i in range(len(parts))]


def _check_values(name, dim, owner):
    constraints = getattr(type(owner), "_parameter_constraints", None)
    short = name.rpartition("__")[2]
    if not isinstance(constraints, dict) or short not in constraints:
        return
    for value, where in _values_to_check(dim):
        try:
            _compat.validate_parameter_constraints(
                {short: constraints[short]}, {short: value}, type(owner).__name__
            )
        except (ValueError, TypeError) as error:
            raise ValueError(
                f"search_spaces: {name!r} can be {value!r} ({where} of {dim!r}), "
                f"which {type(owner).__name__} refuses: {error}"
            ) from None


def _values_to_check(dim):
    """(value, where it comes from) pairs that stand for what ``dim`` can give."""
    if isinstance(dim, Categorical):
        return [(v, "a choice") for v in dim.categories]
    if isinstance(dim, Integer):
        ends = [dim.low, (dim.low + dim.high) // 2, dim.high]
        return [(int(v), "a value") for v in ends]
    if isinstance(dim, Real):
        inside = [np.nextafter(dim.low, dim.high), np.nextafter(dim.high, dim.low)]
        return [(float(v), "a value") for v in inside]
    if isinstance(dim, Distribution):
        values = dim.inverse_transform(np.linspace(0.0, 1.0, 9))
        return [(v, "a quantile") for v in values]
    return []


def check_fit_input(search, X, y, params):
    """X and y have one length, and the data is one the estimator can fit.

    Raises before ``indexable``, whose message ("inconsistent numbers of
    samples: [40, 39]") does not say which input is which.
    """
    try:
        n_samples = _num_samples(X)
    except TypeError as error:
        raise TypeError(f"X: {error}") from None
    if y is not None:
        try:
            n_y = _num_samples(y)
        except TypeError as error:
            raise TypeError(f"y: {error}") from None
        if n_y != n_samples:
            raise ValueError(
                f"X and y have different numbers of samples: X has {n_samples}, "
                f"y has {n_y}."
            )
    weight = params.get("sample_weight")
    if weight is not None and not np.isscalar(weight):
        n_weight = _num_samples(weight)
        if n_weight != n_samples:
            raise ValueError(
                f"sample_weight has {n_weight} values for the {n_samples} samples of X."
            )
    _check_finite(search.estimator, X)
    if y is not None and is_classifier(search.estimator):
        kind = _target_kind(y)
        if kind in ("continuous", "continuous-multioutput"):
            raise ValueError(
                f"y is {kind}, and {type(search.estimator).__name__} is a "
                f"classifier, which needs class labels; use a regressor, or bin y."
            )
        classes = _classes(y)
        if classes is not None and len(classes) == 1:
            raise ValueError(
                f"y has a single class ({classes[0]!r} for all {n_samples} samples): "
                f"a classifier needs at least two classes, and every setting "
                f"would score the same."
            )


def check_folds(search, y, splits):
    """No training fold of a classifier holds a single class."""
    if y is None or not is_classifier(search.estimator):
        return
    labels = _labels(y)
    if labels is None:
        return
    for k, (train, _) in enumerate(splits):
        classes = np.unique(labels[np.asarray(train)])
        if len(classes) == 1:
            raise ValueError(
                f"cv={search.cv!r}: the training part of fold {k} holds a single "
                f"class ({classes[0]!r}), from which a classifier cannot learn; "
                f"shuffle or stratify the folds (StratifiedKFold(shuffle=True))."
            )


def _labels(y):
    """``y`` as a 1-D array of labels, or None when it is not one."""
    try:
        labels = np.asarray(y)
    except Exception:  # noqa: BLE001 -- an unusual y is the estimator's to judge
        return None
    if labels.ndim != 1 or labels.dtype.kind == "f" and np.isnan(labels).any():
        return None
    return labels


def _classes(y):
    labels = _labels(y)
    if labels is None:
        return None
    try:
        return np.unique(labels)
    except TypeError:  # labels of mixed types; the estimator's to judge
        return None


def _target_kind(y):
    """scikit-learn's ``type_of_target``, or None where it cannot tell."""
    try:
        return type_of_target(y)
    except Exception:  # noqa: BLE001 -- an unusual y is the estimator's to judge
        return None


def _first_step(estimator):
    """The estimator that receives X first: a Pipeline's first step."""
    while isinstance(estimator, Pipeline):
        steps = [s for _, s in estimator.steps if s is not None and s != "passthrough"]
        if not steps:
            return None
        estimator = steps[0]
    return estimator


def _is_composite(estimator):
    """Whether ``estimator`` holds other estimators (a ColumnTransformer, a
    bagging ensemble): its own tags then do not say what its parts accept."""
    for value in estimator.get_params(deep=False).values():
        if hasattr(value, "fit") or (
            isinstance(value, (list, tuple))
            and any(hasattr(v, "fit") or isinstance(v, tuple) for v in value)
        ):
            return True
    return False


def _check_finite(estimator, X):
    """NaN or infinity in X for an estimator whose tags say it takes neither."""
    first = _first_step(estimator)
    if first is None or not hasattr(first, "get_params") or _is_composite(first):
        return
    try:
        allow_nan = get_tags(first).input_tags.allow_nan
    except Exception:  # noqa: BLE001 -- no tags: nothing is known about it
        return
    if allow_nan:
        return
    if sp.issparse(X):  # the stored values; dok and lil keep theirs elsewhere
        values = X.data if X.format in ("csr", "csc", "coo", "bsr") else X.tocoo().data
    else:
        values = X
    try:
        values = np.asarray(values)
    except Exception:  # noqa: BLE001 -- such X is the estimator's to judge
        return
    if values.dtype.kind not in "fc":
        return
    if np.isnan(values).any():
        what = "NaN"
    elif np.isinf(values).any():
        what = "infinity (inf)"
    else:
        return
    raise ValueError(
        f"X contains {what}, which {type(first).__name__} does not accept (its "
        f"allow_nan tag is False). Impute missing values first, for instance with "
        f"a Pipeline that starts with SimpleImputer; if the estimator does accept "
        f"them, say so in its __sklearn_tags__ (input_tags.allow_nan = True)."
    )
