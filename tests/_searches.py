"""One small instance of every search, each running several batches."""

from sklearn.linear_model import LogisticRegression, SGDClassifier

from skhyper import (
    BayesSearchCV,
    DACSearchCV,
    HyperbandSearchCV,
    HypergradientSearchCV,
    PBTSearchCV,
    Real,
)


def every_search():
    """One instance of every search, each running several batches."""
    sgd = SGDClassifier(random_state=0)
    alpha = {"alpha": Real(1e-4, 1e-1, prior="log-uniform")}
    C = {"C": Real(1e-2, 1e2, prior="log-uniform")}
    common = {"cv": 3, "random_state": 0}
    return {
        "bayes": BayesSearchCV(LogisticRegression(), C, n_iter=6, n_initial_points=3, **common),
        "hyperband": HyperbandSearchCV(LogisticRegression(), C, factor=2, min_resources=10, **common),
        "hyperband-partial_fit": HyperbandSearchCV(
            sgd, alpha, resource="partial_fit", max_resources=9, **common
        ),
        "pbt": PBTSearchCV(sgd, alpha, population_size=3, n_steps=6, interval=2, **common),
        "dac": DACSearchCV(sgd, alpha, n_steps=3, n_iter=12, **common),  # 3 generations
        "hypergradient": HypergradientSearchCV(LogisticRegression(), C, max_iter=5, **common),
    }
