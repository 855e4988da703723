"""scikit-learn's own search tests, run against every skhyper search.

The installed scikit-learn's ``sklearn/model_selection/tests/test_search.py``
is loaded once per skhyper search, with ``RandomizedSearchCV`` (and, for a
search that evaluates a finite grid exhaustively, ``GridSearchCV``) replaced
by a *shim*: a subclass of the skhyper search with scikit-learn's own
signature (``param_distributions`` or ``param_grid`` is the search space,
``n_iter`` the budget). Every test of that file that exercises a replaced
class is collected here; the copies of scikit-learn's tests that only use its
other classes are deselected (``conftest.py``), they test nothing of ours.

A test fails here as it fails in scikit-learn. The only exceptions are the
deliberate differences listed in :data:`DELIBERATE`, each with the reason, run
as strict xfails (they must keep failing, so that a list that is no longer
true is noticed), and the tests whose estimator a search cannot train
(:func:`_cannot_search`: PBT and DAC need an estimator that trains step by
step with parameters that are safe to change mid-training), which are skipped
with that reason at the moment they would fit.
"""

import importlib.util
import inspect
import sys
from contextlib import contextmanager

import numpy as np
import pytest
import sklearn.model_selection
from sklearn.model_selection import GridSearchCV, ParameterGrid, RandomizedSearchCV

from skhyper import (
    BayesSearchCV,
    DACSearchCV,
    HyperbandSearchCV,
    HypergradientSearchCV,
    PBTSearchCV,
)
from skhyper._training import _last_step
from skhyper._training import mutable_parameters, warm_start_parameter

pytestmark = pytest.mark.slow  # scikit-learn's own test_search.py, once per search

_SOURCE = importlib.util.find_spec("sklearn.model_selection.tests.test_search").origin


@pytest.fixture
def global_random_seed():
    """scikit-learn's fixture of the same name, at its default seed."""
    return 42


# -- the shims ------------------------------------------------------------------------
class _Shim:
    """What every shim adds to its skhyper search: the search space under
    scikit-learn's name, and the search's own settings at their defaults (the
    shim's ``__init__`` has scikit-learn's signature, so ``get_params`` and
    ``clone`` see exactly RandomizedSearchCV's or GridSearchCV's parameters)."""

    _space_name = None

    @property
    def search_spaces(self):
        return getattr(self, self._space_name)


def _init(shim, search, settings, arguments):
    """A shim's ``__init__``: the search's own parameters at their defaults
    (or the shim's ``settings``), then scikit-learn's ``arguments`` as given."""
    for name, p in inspect.signature(search.__init__).parameters.items():
        if p.default is not inspect.Parameter.empty:
            setattr(shim, name, p.default)
    for name, value in {**settings, **arguments}.items():
        if name not in ("self", "__class__"):
            setattr(shim, name, value)


def _randomized_shim(search, budget="n_iter", **settings):
    """``search`` with RandomizedSearchCV's signature; ``budget`` names the
    search's parameter that takes ``n_iter`` (None: the search has none)."""

    class Shim(_Shim, search):
        _space_name = "param_distributions"
        _parameter_constraints = {
            **{k: v for k, v in search._parameter_constraints.items() if k != "search_spaces"},
            "param_distributions": RandomizedSearchCV._parameter_constraints[
                "param_distributions"
            ],
            "n_iter": RandomizedSearchCV._parameter_constraints["n_iter"],
        }

        def __init__(
            self,
            estimator,
            param_distributions,
            *,
            n_iter=10,
            scoring=None,
            n_jobs=None,
            refit=True,
            cv=None,
            verbose=0,
            pre_dispatch="2*n_jobs",
            random_state=None,
            error_score=np.nan,
            return_train_score=False,
        ):
            _init(self, search, settings, locals())

        def fit(self, X, y=None, **params):
            if budget is not None:
                # the search's own budget parameter, not seen by get_params
                self.__dict__[budget] = self.n_iter
            _skip_if_cannot_search(search, self)
            seed = self.random_state
            if seed is None:  # a deterministic suite: seed 0 where a test gives none
                self.random_state = 0
            try:
                return super().fit(X, y, **params)
            finally:
                self.random_state = seed

    Shim.__name__ = "RandomizedSearchCV"
    return Shim


def _grid_shim(search, **settings):
    """``search`` with GridSearchCV's signature, evaluating every point of
    the grid once (``n_iter`` is the grid's size)."""

    class Shim(_Shim, search):
        _space_name = "param_grid"
        _parameter_constraints = {
            **{k: v for k, v in search._parameter_constraints.items() if k != "search_spaces"},
            "param_grid": GridSearchCV._parameter_constraints["param_grid"],
        }

        def __init__(
            self,
            estimator,
            param_grid,
            *,
            scoring=None,
            n_jobs=None,
            refit=True,
            cv=None,
            verbose=0,
            pre_dispatch="2*n_jobs",
            error_score=np.nan,
            return_train_score=False,
        ):
            _init(self, search, settings, locals())

        def fit(self, X, y=None, **params):
            # every point once, in the order the search gives them
            self.__dict__["n_iter"] = max(len(ParameterGrid(self.param_grid)), 1)
            self.__dict__["random_state"] = 0
            return super().fit(X, y, **params)

    Shim.__name__ = "GridSearchCV"
    return Shim


def _cannot_search(search, shim):
    """Why ``search`` cannot search the shim's estimator at all, or None.

    PBT and DAC train a model step by step and change its hyperparameters
    while it trains: the estimator (a Pipeline's last step) must have
    ``partial_fit`` or a warm-start iteration parameter, and every searched
    parameter must be one that is safe to change mid-training.
    """
    if search not in (PBTSearchCV, DACSearchCV):
        return None
    _, last = _last_step(shim.estimator)
    if hasattr(last, "partial_fit"):
        mode = "partial_fit"
    elif warm_start_parameter(last) is not None:
        mode = "warm_start"
    else:
        return f"{type(last).__name__} trains neither by partial_fit nor by warm start"
    safe = mutable_parameters(last, mode)
    spaces = shim.search_spaces
    names = {n for sub in (spaces if isinstance(spaces, list) else [spaces]) for n in sub}
    unsafe = sorted(n for n in names if n.rpartition("__")[2] not in safe)
    if unsafe:
        return f"{unsafe} cannot change while {type(last).__name__} trains"
    return None


def _skip_if_cannot_search(search, shim):
    reason = _cannot_search(search, shim)
    if reason is not None:
        pytest.skip(f"{search.__name__} cannot search this estimator: {reason}")


# -- the searches, their shims and their deliberate differences -------------------------
SHIMS = {
    "bayes": {
        "RandomizedSearchCV": _randomized_shim(BayesSearchCV),
        "GridSearchCV": _grid_shim(BayesSearchCV),
    },
    "hyperband": {"RandomizedSearchCV": _randomized_shim(HyperbandSearchCV, budget=None)},
    # n_iter members train 4 steps (2 rounds); 4 steps of n_iter policies
    "pbt": {
        "RandomizedSearchCV": _randomized_shim(
            PBTSearchCV, budget="population_size", n_steps=4, interval=2
        )
    },
    "dac": {"RandomizedSearchCV": _randomized_shim(DACSearchCV, n_steps=4)},
    "hypergradient": {
        "RandomizedSearchCV": _randomized_shim(
            HypergradientSearchCV, budget="max_iter", fallback="bayes"
        )
    },
}

_COLUMNS = (
    "cv_results_ has the search's own columns besides GridSearchCV's (iter, "
    "acquisition; Hyperband's bracket and n_resources), as HalvingGridSearchCV "
    "adds iter and n_resources"
)
_BATCH_TASK = (
    "a search reports one more callback task per batch of settings, as "
    "HalvingRandomSearchCV reports one per round"
)
_CHOICES = (
    "the settings evaluated are the search's own choices, not the sequence "
    "RandomizedSearchCV's ParameterSampler draws from random_state=0"
)
_RUNGS = (
    "Hyperband has a row per configuration and rung, and rows of lower rungs "
    "are fitted on subsamples of the training fold (resource='n_samples')"
)
_FEW_SAMPLES = (
    "on 2 training samples Hyperband's schedule starts one configuration of "
    "the two (as HalvingRandomSearchCV's n_candidates follows its budget)"
)
_SUBSAMPLED_WEIGHTS = (
    "resource='n_samples' subsamples rows, so a row of weight 2 and its two "
    "repeated copies are not drawn alike at the lower rungs"
)
_SAYS_IT_FALLS_BACK = (
    "HypergradientSearchCV(fallback='bayes') says, in one UserWarning before "
    "the first fit, that it does not descend this space (a DecisionTree's "
    "max_depth), rather than silently run another search"
)
_PARTIAL_FIT_PARAMS = (
    "the search trains by partial_fit, and the estimator's extra parameters "
    "belong to its fit alone"
)

#: (search, test name, substring of the parametrization id or None) -> why
#: the search differs from scikit-learn there on purpose, and the exception
#: the difference raises (AssertionError unless said). Each runs as a strict
#: xfail of that exception only: a difference that disappears must be removed
#: from here, and a failure of any other kind still fails.
DELIBERATE = {
    **{
        (search, "random_search_cv_results", None): _COLUMNS
        for search in ("bayes", "hyperband", "hypergradient")
    },
    ("bayes", "grid_search_cv_results", None): _COLUMNS,
    ("bayes", "custom_run_search", None): _COLUMNS,
    **{
        (search, test, None): _BATCH_TASK
        for search in ("bayes", "hyperband", "hypergradient")
        for test in ("search_callbacks_no_propagation", "search_callbacks_propagation")
    },
    ("bayes", "search_callbacks_with_partial_fit_failures", None): _BATCH_TASK,
    ("bayes", "search_with_2d_array", None): _CHOICES,
    ("hypergradient", "search_with_2d_array", None): _CHOICES,
    ("hypergradient", "searchcv_raise_warning_with_non_finite_score", "RandomizedSearchCV"):
        _SAYS_IT_FALLS_BACK,
    ("hyperband", "search_with_2d_array", None): _RUNGS,
    ("hyperband", "refit_callable_out_bound", "-2"): (_RUNGS, pytest.fail.Exception),
    ("hyperband", "search_cv_results_rank_tie_breaking", None): _RUNGS,
    ("hyperband", "grid_search_with_multioutput_data", None): _RUNGS,
    ("hyperband", "search_cv_timing", None): (_FEW_SAMPLES, IndexError),
    ("hyperband", "search_cv_sample_weight_equivalence", "estimator1"): _SUBSAMPLED_WEIGHTS,
    ("pbt", "scalar_fit_param_compat", "RandomizedSearchCV"): (_PARTIAL_FIT_PARAMS, ValueError),
    ("dac", "scalar_fit_param_compat", "RandomizedSearchCV"): (_PARTIAL_FIT_PARAMS, ValueError),
}


def deliberate_difference(name):
    """``(reason, exception)`` of the collected test ``name``
    (``test_<search>__<test>[<id>]``) that fails on purpose, or None."""
    search, _, rest = name[len("test_"):].partition("__")
    test, _, ids = rest.partition("[")
    for (s, t, part), difference in DELIBERATE.items():
        if s == search and t == test and (part is None or part in ids):
            return difference if isinstance(difference, tuple) else (difference, AssertionError)
    return None


@contextmanager
def _replaced(shims):
    """``sklearn.model_selection``'s classes replaced by ``shims`` while the
    test module is executed (its ``from sklearn.model_selection import``)."""
    saved = {name: getattr(sklearn.model_selection, name) for name in shims}
    try:
        for name, shim in shims.items():
            setattr(sklearn.model_selection, name, shim)
        yield
    finally:
        for name, cls in saved.items():
            setattr(sklearn.model_selection, name, cls)


def _load(key, shims):
    name = f"sklearn.model_selection.tests._skhyper_{key}_test_search"
    spec = importlib.util.spec_from_file_location(name, _SOURCE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    with _replaced(shims):
        spec.loader.exec_module(module)
    return module


SHIM_CLASSES = []
for _key, _shims in SHIMS.items():
    for _shim in _shims.values():
        # a module-level name, for pickle (the tests pickle fitted searches)
        _shim.__qualname__ = f"{_key}_{_shim.__name__}"
        globals()[_shim.__qualname__] = _shim
        SHIM_CLASSES.append(_shim)

for _key, _shims in SHIMS.items():
    _module = _load(_key, _shims)
    for _name, _test in vars(_module).items():
        if _name.startswith("test_") and callable(_test):
            globals()[f"test_{_key}__{_name[len('test_'):]}"] = _test
del _key, _shims, _shim, _module, _name, _test
