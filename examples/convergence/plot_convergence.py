"""
=======================================================
Convergence: best score against evaluations and seconds
=======================================================

Four searches tune the same RBF support vector machine on the digits:
scikit-learn's :class:`~sklearn.model_selection.GridSearchCV` and
:class:`~sklearn.model_selection.RandomizedSearchCV`, and skhyper's
:class:`~skhyper.BayesSearchCV` and :class:`~skhyper.HyperbandSearchCV`.
:class:`~skhyper.plotting.ConvergenceDisplay` draws each one's best
cross-validated accuracy so far, first against the number of evaluations
(how much each evaluation teaches the search), then against the fit seconds
spent (what the search cost). The two pictures need not agree: Hyperband
evaluates most settings on a fraction of the samples, so its evaluations are
many and cheap.
"""

# %%
# The searches
# ------------
# The same space for every search: ``C`` and ``gamma`` on log scales, with a
# 5 x 5 grid for GridSearchCV and 25 draws or evaluations for the others.
# Hyperband's resource is the number of training samples. Three folds each.
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.svm import SVC

from skhyper import BayesSearchCV, HyperbandSearchCV, Real
from skhyper.plotting import ConvergenceDisplay

X, y = load_digits(return_X_y=True)
X = X / 16.0
C, gamma = (1e-2, 1e3), (1e-4, 1e1)

searches = [
    GridSearchCV(
        SVC(), {"C": np.geomspace(*C, 5), "gamma": np.geomspace(*gamma, 5)}, cv=3
    ),
    RandomizedSearchCV(
        SVC(), {"C": loguniform(*C), "gamma": loguniform(*gamma)}, n_iter=25,
        cv=3, random_state=0,
    ),
    BayesSearchCV(
        SVC(),
        {"C": Real(*C, prior="log-uniform"), "gamma": Real(*gamma, prior="log-uniform")},
        n_iter=25, cv=3, random_state=0,
    ),
    HyperbandSearchCV(
        SVC(),
        {"C": Real(*C, prior="log-uniform"), "gamma": Real(*gamma, prior="log-uniform")},
        resource="n_samples", min_resources=100, factor=3, cv=3, random_state=0,
    ),
]
for search in searches:
    search.fit(X, y)
    print(f"{type(search).__name__:>18}: {len(search.cv_results_['params'])} "
          f"evaluations, best accuracy {search.best_score_:.4f}")

# %%
# Best score so far
# -----------------
# The grid walks its rows in order, so its curve depends on where the good
# corner of the grid happens to lie; random draws and model-based proposals
# do not. Against evaluations, Hyperband's curve starts late: its first rows
# train on 133 or 399 of a fold's 1,198 samples, and a score on part of the
# data is not one it would report: a curve draws only the rows a search
# could choose as its best (for Hyperband, those on all the samples).
# Against fit seconds the picture turns: those early rows are cheap, so
# Hyperband's first full-sample row comes early, close to the level of the
# best searches, and its whole
# run costs a fraction of the seconds they spend. Which picture matters
# depends on what an evaluation costs you. On a task this
# small, one run of each search says little about which is better; see
# :ref:`sphx_glr_auto_examples_bayes_plot_bayes_vs_random.py` for runs over
# several seeds.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained", sharey=True)
display = ConvergenceDisplay.from_estimator(searches, ax=left)
display.plot(ax=right, x="fit_seconds")
left.set_ylim(0.9, 1.0)
left.set_title("per evaluation")
right.set_title("per fit second")
plt.show()
