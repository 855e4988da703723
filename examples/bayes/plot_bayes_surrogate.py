"""
===============================================================
Inside Bayesian optimization: the surrogate and the acquisition
===============================================================

:class:`~skhyper.BayesSearchCV` keeps a Gaussian-process *surrogate* of the
cross-validated score: a guess of the score everywhere in the search space
(its mean) with an honest error bar (its standard deviation), fitted to the
settings evaluated so far. The next setting is where an *acquisition
function* is highest. Expected improvement, in its logarithm here, is high
where the mean is high (exploitation) and where the uncertainty is large
(exploration).

This example tunes the ``gamma`` of an RBF support vector classifier on the
digits and looks at the surrogate after 4, 8 and 16 evaluations, then over
``C`` and ``gamma`` together, with :class:`~skhyper.plotting.SurrogateDisplay`.
"""

# %%
# One parameter: how the model learns
# -----------------------------------
# The searches below differ only in their budget. With the same seed their
# first evaluations coincide, so each picture continues the one before it.
# The surrogate is drawn in accuracy. BayesSearchCV models standardized
# scores, and once it has a few, pulls in their long tail of poor values with
# a monotone power transform; the display maps the model's mean and band back
# through that map, so the line is the model's median accuracy and the band
# its 2.3 % to 97.7 % quantiles (``units="model"`` draws the model's own
# units).
import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from skhyper import BayesSearchCV, Real
from skhyper.plotting import SurrogateDisplay

X, y = load_digits(return_X_y=True)
gamma = {"gamma": Real(1e-5, 1e0, prior="log-uniform")}

fig, axes = plt.subplots(2, 3, figsize=(12, 5.5), sharex=True,
                         height_ratios=(2, 1), layout="constrained")
for column, n_iter in enumerate([4, 8, 16]):
    search = BayesSearchCV(SVC(C=10), gamma, n_iter=n_iter, n_initial_points=3,
                           cv=3, refit=False, random_state=0).fit(X, y)
    SurrogateDisplay.from_estimator(search, axes=axes[:, column])
    axes[0, column].set_title(
        f"{n_iter} evaluations, best accuracy {search.best_score_:.3f}"
    )
    print(f"{n_iter:>2} evaluations: best gamma {search.best_params_['gamma']:.2e}, "
          f"accuracy {search.best_score_:.4f}")

# %%
# After the initial design of three points the band is wide between them,
# and the acquisition (below each panel) is highest next to the best point,
# where the mean is high: exploitation. By 8 and 16 evaluations the points
# crowd around the peak near ``gamma = 1e-3``, where the band has shrunk to
# nothing. There the expected improvement is now small, because the model is
# sure it knows the score, and the highest acquisition has moved to the poor
# region above ``gamma = 1e-2``, where only two points were evaluated and the
# band is widest: exploration. Either way, the acquisition is zero (the floor
# of the log scale) wherever the model is confident that the score is poor.

# %%
# Two parameters: a map of the score
# ----------------------------------
# Over ``C`` and ``gamma`` together, the surrogate is a map (the other
# parameters, if any, held at the best setting's values). The good region of
# an RBF SVM on these data lies at a large ``C`` and a ``gamma`` between
# ``1e-4`` and ``1e-3``, and most of the 25 evaluations went there. The bright
# patches of the acquisition are the candidates for the next evaluation: next
# to the good region where no point was evaluated yet, and the unexplored
# corner of small ``C`` and ``gamma``.
space = {"C": Real(1e-2, 1e3, prior="log-uniform"), **gamma}
search = BayesSearchCV(SVC(), space, n_iter=25, cv=3, refit=False,
                       random_state=0).fit(X, y)
display = SurrogateDisplay.from_estimator(search, n_points=60)
display.figure_.suptitle(
    f"25 evaluations: best accuracy {search.best_score_:.3f} at "
    f"C={search.best_params_['C']:.3g}, gamma={search.best_params_['gamma']:.2e}"
)
plt.show()
