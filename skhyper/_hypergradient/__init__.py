"""HypergradientSearchCV and the hypergradients it descends.

``_search``: HypergradientSearchCV (the plan of descents from
``search_spaces``, the Bayes fallback); ``_descent``: one descent (an
evaluation per fold in the worker, L-BFGS-B over the fold-mean loss);
``_registry``: which estimator has which hypergradient (:data:`HYPERGRADIENTS`,
looked up along the MRO by :func:`hyperspec`), with the formulas in
``_regression`` (squared error) and ``_logistic`` (log-loss) and their
shared helpers in ``_common``.

:data:`HYPERGRADIENTS`, :class:`HyperSpec`, :func:`hyperspec` and
:func:`supported` are re-exported here: the hook by which a user registers an
estimator of their own, and a benchmark or test reads the registry.
"""

from ._registry import HYPERGRADIENTS, HyperSpec, hyperspec, supported
from ._search import HypergradientSearchCV

__all__ = ["HYPERGRADIENTS", "HyperSpec", "HypergradientSearchCV", "hyperspec", "supported"]
