"""
=========================================================
Comparing search methods: score, speed, cost, reliability
=========================================================

Which search is best depends on what is measured. Five measures tell search
methods apart:

- the **best score** a search finds (cross-validated, on the training part);
- the **time to reach it**: fit seconds, or evaluations, until the search
  first evaluated the setting it finally chose;
- the **compute used** in all: fits and fit seconds;
- **consistency**: the spread of the best score across seeds, since a search
  that is good on average but sometimes stuck is a gamble;
- the **held-out score** of the model each search picked, on data no search
  saw: a search that overfits the cross-validation folds pays for it here.

:func:`~skhyper.compare.compare_searches` measures all five, running every
search on the same split once per seed. The same comparison is one command
away: ``python -m skhyper compare --dataset breast_cancer``.
"""

# %%
# Four searches, one model, one budget
# ------------------------------------
# An RBF support vector machine after scaling, tuned over ``C`` and ``gamma``
# on log scales. The grid has 4 x 4 = 16 points; random search and Bayesian
# optimization get 16 evaluations; Hyperband spends its own schedule, many
# settings on few training samples and a few on all of them.
import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import loguniform
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skhyper import BayesSearchCV, HyperbandSearchCV
from skhyper.compare import compare_searches

X, y = load_breast_cancer(return_X_y=True)
model = make_pipeline(StandardScaler(), SVC())
C, gamma = (1e-2, 1e3), (1e-5, 1e0)
space = {"svc__C": loguniform(*C), "svc__gamma": loguniform(*gamma)}
grid = {"svc__C": np.geomspace(*C, 4), "svc__gamma": np.geomspace(*gamma, 4)}
searches = {
    "grid": GridSearchCV(model, grid, cv=3),
    "random": RandomizedSearchCV(model, space, n_iter=16, cv=3),
    "bayes": BayesSearchCV(model, space, n_iter=16, cv=3),
    "hyperband": HyperbandSearchCV(model, space, cv=3),
}

# %%
# Five seeds each
# ---------------
# Each seed sets the searches' ``random_state``; the split into a training and
# a held-out part stays the same, so the grid, which has no randomness, gives
# the same result every time and shows no spread.
comparison = compare_searches(searches, X, y, n_seeds=5, random_state=0)
print(comparison)

# %%
# The table, drawn
# ----------------
# Left: the median over seeds of the best score so far against the fit
# seconds spent, with the band between the quartiles. Right: every seed's best
# cross-validated score (circles) and held-out score (crosses).
axes = comparison.plot()
axes[0].set_ylim(0.9, 1.0)
axes[0].figure.suptitle("RBF SVM on the breast cancer data, 5 seeds")
plt.show()

# %%
# What the numbers say
# --------------------
# On this problem Bayesian optimization finds the best cross-validated scores
# with the same 16 evaluations as random search and the grid, on every seed.
# The held-out scores barely separate the searches: the test part has 143
# samples, so one sample is 0.7 % of accuracy, more than the differences in
# cross-validated score. A comparison needs a larger test set, or several
# splits, before it can tell a better search from a luckier one.
#
# Hyperband spends more fit seconds than the others here. A support vector
# machine on a few hundred samples is cheap already, so evaluating settings on
# subsets saves little, while its schedule evaluates 69 settings (207 fits).
# Hyperband pays when a full fit is expensive and a small budget predicts it:
# see :ref:`sphx_glr_auto_examples_hyperband_plot_hyperband_brackets.py`.
