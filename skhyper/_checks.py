"""Checks of a search's input that run before its first fit.

GridSearchCV finds a misspelt parameter name, a range the estimator refuses
or NaN in X only through its fits: all of them fail, one by one, and the
user reads the reason in a summary at the end. A search that decides what to
fit next from its results wastes more: a Bayesian search or a Hyperband
bracket is planned around scores that never come. These checks raise first,
with the parameter named, but only for what would make *every* fit fail:
everything else (a list with some refused values, a single class in y) is
evaluated as GridSearchCV evaluates it.
"""

import itertools
import math
from collections import namedtuple

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone, is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags
from sklearn.utils.multiclass import type_of_target

from . import _compat
from ._compat import _num_samples
from .space import Categorical, Integer, Real
from .space._dimensions import Distribution


def check_space_against(estimator, space, error_score=np.nan):
    """Refuse, before any fit, a search space that would make every fit fail.

    Raises when a name cannot be set on ``estimator`` (a clone's
    ``set_params`` refuses it: third-party estimators need not list every
    settable name in ``get_params``); when a range (``Real``, ``Integer``) or
    a distribution reaches outside what the parameter's owner accepts; when
    every value of a list is refused in every subspace (a union whose other
    subspaces fit is evaluated, as GridSearchCV evaluates it); and when any
    value is refused under ``error_score="raise"``. A list with *some*
    refused values is evaluated as GridSearchCV evaluates it (those settings
    score ``error_score``): they are returned, for the engine to name them in
    one warning before the first fit.

    A value is judged by the owner's scikit-learn ``_parameter_constraints``
    only (an owner that declares none accepts everything here). The values
    judged are a list's items, an Integer's ends and middle, points just
    inside a Real's ends (a continuous draw never lands on an end exactly,
    so ``Real(0, 1)`` stays fine for ``C``, which must be above 0) and a
    distribution's quantiles. A name whose owner the space itself sets
    (``{"clf": [SVC()], "clf__gamma": ...}``) is left to the fit.

    Returns
    -------
    refused : list of Refused
        Every list that has refused values, in one subspace.
    """
    if not hasattr(estimator, "get_params"):
        return []
    refused = []
    for k, sub in enumerate(space.subspaces):
        target = None
        for name, dim in sub.items():
            prefixes = _prefixes(name)
            if any(p in sub for p in prefixes):
                continue  # set on an estimator that the space chooses
            if target is None:
                target = clone(estimator, safe=False)
            _check_settable(estimator, target, name, _a_value(dim))
            owner = target.get_params(deep=True).get(prefixes[-1]) if prefixes else target
            some = _refused_values(k, name, dim, owner, error_score)
            if some is not None:
                refused.append(some)
    dead = {r.subspace for r in refused if r.every}
    if dead and len(dead) == len(space.subspaces):
        first = next(r for r in refused if r.every)
        where = " in every subspace" if len(dead) > 1 else ""
        raise ValueError(
            f"search_spaces: {first.owner} refuses every value of {first.name!r} "
            f"({first.values!r}){where}, so every fit would fail: {first.why}"
        )
    return refused


class Refused(namedtuple("Refused", "subspace name values why every owner")):
    """The values of one list (in ``subspace``) that the parameter's owner
    refuses, why, and whether they are ``every`` value of the list."""


def _a_value(dim):
    """One value ``dim`` can give, to try its name with."""
    if isinstance(dim, Categorical):
        return dim.categories[0]
    return dim.inverse_transform(np.array([0.5]))[0]


def _check_settable(estimator, target, name, value):
    """``target.set_params(name=value)`` works, as every fit will call it."""
    try:  # a clone: the space's own objects stay as the user gave them
        target.set_params(**{name: clone(value, safe=False)})
    except Exception as error:  # noqa: BLE001 -- whatever it raises, every fit would
        prefixes = _prefixes(name)
        owner = estimator.get_params(deep=True).get(prefixes[-1]) if prefixes else None
        if hasattr(owner, "get_params"):
            known = f"{prefixes[-1]!r} has {sorted(owner.get_params(deep=False))}"
        else:
            known = f"its parameters are {sorted(estimator.get_params(deep=False))}"
        raise ValueError(
            f"search_spaces: {name!r} is not a parameter of "
            f"{type(estimator).__name__} ({known}); set_params refused it with "
            f"{type(error).__name__}: {error}"
        ) from None


def _prefixes(name):
    """``"a__b__c"`` -> ``["a", "a__b"]``."""
    parts = name.split("__")[:-1]
    return ["__".join(parts[: i + 1]) for i in range(len(parts))]


def _refused_values(subspace, name, dim, owner, error_score):
    """Raise if ``dim`` reaches outside what the owner accepts (a range or a
    distribution), or holds a refused value under ``error_score="raise"``;
    the :class:`Refused` values of a list; None if all are accepted."""
    constraints = _compat.parameter_constraints(owner)
    short = name.rpartition("__")[2]
    if constraints is None or short not in constraints:
        return None
    cls = type(owner).__name__
    refused = []
    for value, where in _values_to_check(dim):
        try:
            _compat.validate_parameter_constraints(
                {short: constraints[short]}, {short: value}, cls
            )
        except (ValueError, TypeError) as error:
            refused.append((value, where, error))
    if not refused:
        return None
    value, where, error = refused[0]
    if not isinstance(dim, Categorical):
        raise ValueError(
            f"search_spaces: {name!r} can be {value!r} ({where} of {dim!r}), "
            f"which {cls} refuses: {error}"
        )
    if error_score == "raise":
        raise ValueError(
            f"search_spaces: {name!r} can be {value!r}, which {cls} refuses, and "
            f"error_score='raise' would stop the search at its first fit: {error}"
        )
    values = [v for v, _, _ in refused]
    return Refused(subspace, name, values, str(error), len(refused) == len(dim.categories), cls)


def refused_values_warning(refused, error_score):
    """The one warning that names a space's refused list values."""
    listed = "; ".join(
        f"{r.name!r} = {r.values!r}" + (f" (subspace {r.subspace})" if r.every else "")
        for r in refused
    )
    return (
        f"The estimator refuses some values of the search space, whose settings "
        f"will fail and score error_score={error_score!r}, as in GridSearchCV: "
        f"{listed} ({refused[0].why})"
    )


def refused_settings(refused):
    """``{name: values}`` of every refused value, over the subspaces."""
    merged = {}
    for r in refused:
        merged.setdefault(r.name, []).extend(r.values)
    return merged


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


def check_fit_input(search, X, y, params, space):
    """X and y have one length, and the data is one the estimator can fit.

    Raises before ``indexable``, whose message ("inconsistent numbers of
    samples: [40, 39]") does not say which input is which. A single class
    in y, or in a training fold, is left to the fits, as in GridSearchCV
    (a tree or a dummy classifier fits it; the others fail and score
    ``error_score``).
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
    _check_finite(search.estimator, X, space)
    if y is not None and is_classifier(search.estimator):
        kind = _target_kind(y)
        if kind in ("continuous", "continuous-multioutput"):
            raise ValueError(
                f"y is {kind}, and {type(search.estimator).__name__} is a "
                f"classifier, which needs class labels; use a regressor, or bin y."
            )


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


def _is_step(value):
    """Whether a space's choice can stand for an estimator (a Pipeline step)."""
    return hasattr(value, "fit") or value is None or (
        isinstance(value, str) and value == "passthrough"
    )


#: Combinations of the steps a space chooses beyond which the NaN check gives
#: up (and leaves NaN to the fits) rather than clone the estimator that often.
_MAX_STEP_COMBINATIONS = 64


def _first_steps(estimator, space):
    """Every estimator that may receive X first, over the steps ``space``
    chooses (``{"impute": [SimpleImputer()]}`` replaces a ``"passthrough"``
    placeholder); None where that cannot be told."""
    for sub in space.subspaces:
        chosen = {
            name: dim.categories for name, dim in sub.items()
            if isinstance(dim, Categorical) and any(_is_step(v) for v in dim.categories)
        }
        if not chosen:
            yield _first_step(estimator)
            continue
        if math.prod(len(c) for c in chosen.values()) > _MAX_STEP_COMBINATIONS:
            yield None
            continue
        for combo in itertools.product(*chosen.values()):
            try:
                candidate = clone(estimator, safe=False).set_params(**dict(zip(chosen, combo)))
            except Exception:  # noqa: BLE001 -- a bad name is check_space_against's
                yield None
                continue
            yield _first_step(candidate)


def _refuses_nan(first):
    """Whether ``first`` says (by its tags) that it takes no NaN or infinity."""
    if first is None or not hasattr(first, "get_params") or _is_composite(first):
        return False
    try:
        return not get_tags(first).input_tags.allow_nan
    except Exception:  # noqa: BLE001 -- no tags: nothing is known about it
        return False


def _non_finite(X):
    """``"NaN"`` or ``"infinity (inf)"`` when X holds one, else None."""
    if sp.issparse(X):  # the stored values; dok and lil keep theirs elsewhere
        values = X.data if X.format in ("csr", "csc", "coo", "bsr") else X.tocoo().data
    else:
        values = X
    try:
        values = np.asarray(values)
    except Exception:  # noqa: BLE001 -- such X is the estimator's to judge
        return None
    if values.dtype.kind not in "fc":
        return None
    if np.isnan(values).any():
        return "NaN"
    if np.isinf(values).any():
        return "infinity (inf)"
    return None


def _check_finite(estimator, X, space):
    """NaN or infinity in X when every estimator that may receive X first
    (over the steps the space chooses) says by its tags that it takes neither."""
    what = _non_finite(X)
    if what is None:
        return
    firsts = []
    for first in _first_steps(estimator, space):
        if not _refuses_nan(first):
            return
        firsts.append(type(first).__name__)
    names = " or ".join(dict.fromkeys(firsts))
    raise ValueError(
        f"X contains {what}, which {names} does not accept (its allow_nan tag "
        f"is False), and the search space gives no step that does. Impute "
        f"missing values first, for instance with a Pipeline that starts with "
        f"SimpleImputer; if the estimator does accept them, say so in its "
        f"__sklearn_tags__ (input_tags.allow_nan = True)."
    )
