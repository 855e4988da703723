"""What the plotting tests share: scikit-learn's own searches, and
Bayesian optimizers told scores to draw."""

from scipy.stats import loguniform
from sklearn.datasets import make_classification
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
)
from sklearn.svm import SVC

from skhyper import BayesOptimizer, BayesSearchCV, Real


def sklearn_searches():
    C = [0.01, 0.1, 1.0, 10.0]
    return {
        "grid": GridSearchCV(LogisticRegression(), {"C": C}, cv=3),
        "random": RandomizedSearchCV(
            LogisticRegression(), {"C": loguniform(1e-2, 1e2)}, n_iter=5, cv=3,
            random_state=0,
        ),
        "halving-grid": HalvingGridSearchCV(
            LogisticRegression(), {"C": [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]}, cv=3,
            min_resources=20,
        ),
        "halving-random": HalvingRandomSearchCV(
            LogisticRegression(), {"C": loguniform(1e-2, 1e2)}, n_candidates=12, cv=3,
            min_resources=20, random_state=0,
        ),
    }


def told_quadratic(n=25):
    """A BayesOptimizer told a smooth score peaked at x=0.3, flat in y."""
    opt = BayesOptimizer(
        {"x": Real(0.0, 1.0), "y": Real(0.0, 1.0)}, n_initial_points=8, random_state=0
    )
    for _ in range(n):
        p = opt.ask()
        opt.tell(p, -((p["x"] - 0.3) ** 2) + 0.001 * p["y"])
    return opt


def svc_search(n_iter=12):
    X, y = make_classification(n_samples=150, n_features=6, flip_y=0.05, random_state=3)
    space = {"C": loguniform(1e-2, 1e4), "gamma": loguniform(1e-5, 1e1)}
    return BayesSearchCV(SVC(), space, n_iter=n_iter, cv=3, random_state=0).fit(X, y)
