"""
=============================================================
Parameters and hyperparameters: what fit learns, what you set
=============================================================

A model has two kinds of numbers in it.

- **Parameters** are learned from the data by ``fit``: the coefficients of a
  linear model, the split features and thresholds of a decision tree. In
  scikit-learn they are attributes whose names end in an underscore
  (``coef_``, ``tree_``), and they exist only after ``fit``.
- **Hyperparameters** are settings chosen *before* ``fit`` and passed to the
  constructor: the regularization strength ``alpha`` of a ridge regression,
  the ``max_depth`` of a tree. ``fit`` never changes them; ``get_params()``
  lists them.

Hyperparameters decide what ``fit`` is allowed to learn, so a poor choice
makes a poor model however good the fit is. This example shows the two kinds
side by side on the diabetes dataset, then shows why the choice matters: a
tree that is too shallow misses the signal (*underfitting*), one that is too
deep learns the noise of its training data (*overfitting*).
"""

# %%
# A ridge regression: ``alpha`` is set, ``coef_`` is learned
# -----------------------------------------------------------
# The diabetes dataset has 442 patients, 10 measurements each, and a measure
# of disease progression one year later to predict. A freshly constructed
# :class:`~sklearn.linear_model.Ridge` holds only its hyperparameters; it has
# no coefficients until it has seen data.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge
from sklearn.model_selection import RepeatedKFold, validation_curve
from sklearn.tree import DecisionTreeRegressor, plot_tree

X, y = load_diabetes(return_X_y=True)
feature_names = load_diabetes().feature_names

ridge = Ridge(alpha=1.0)
print("hyperparameters:", ridge.get_params())
print("has coef_ before fit?", hasattr(ridge, "coef_"))

ridge.fit(X, y)
print("has coef_ after fit? ", hasattr(ridge, "coef_"))
print("learned coef_:", np.round(ridge.coef_, 1))
print("alpha after fit:", ridge.get_params()["alpha"])

# %%
# ``fit`` learned ten coefficients (one per measurement) and an intercept,
# and left ``alpha`` as it was. The hyperparameter acts on the fit from
# outside: ridge regression minimizes the squared error *plus* ``alpha``
# times the sum of the squared coefficients, so a larger ``alpha`` pulls
# the coefficients towards zero. The same data, three settings, three
# different sets of learned parameters:
for alpha in [0.01, 1.0, 100.0]:
    coef = Ridge(alpha=alpha).fit(X, y).coef_
    print(f"alpha={alpha:>6}: sum of |coef_| = {np.abs(coef).sum():7.1f}")

# %%
# A decision tree: ``max_depth`` is set, the splits are learned
# -------------------------------------------------------------
# A regression tree asks a yes/no question about one feature at each node and
# predicts, at each leaf, the mean target of the training samples that reach
# it. Which feature each node asks about, its threshold and the leaf values
# are the parameters: ``fit`` finds them, greedily, and stores them in
# ``tree_``. How many questions may be asked in a row, ``max_depth``, is a
# hyperparameter.
tree = DecisionTreeRegressor(max_depth=2, random_state=0)
print("max_depth:", tree.get_params()["max_depth"])
tree.fit(X, y)
print(f"learned: {tree.tree_.node_count} nodes, depth {tree.get_depth()}")

# %%
# The picture shows everything the tree learned: the three questions and the
# four leaf values. With ``max_depth=2`` there is no room for more.
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
plot_tree(tree, feature_names=feature_names, impurity=False, rounded=True, ax=ax)
ax.set_title("Parameters of a DecisionTreeRegressor(max_depth=2), learned by fit")
plt.show()

# %%
# Why the setting matters: underfitting and overfitting
# -----------------------------------------------------
# :func:`~sklearn.model_selection.validation_curve` fits the tree at every
# ``max_depth`` from 1 to 12 and scores it twice: on the data it was trained
# on (the *training score*) and on held-out data (the *cross-validated
# score*). The score is R², 1 for perfect predictions and 0 for always
# predicting the mean. The folds are five, shuffled, and the whole
# cross-validation is repeated four times with different shuffles, because
# one split of 442 patients is noisy.
depths = np.arange(1, 13)
cv = RepeatedKFold(n_splits=5, n_repeats=4, random_state=0)
train_scores, test_scores = validation_curve(
    DecisionTreeRegressor(random_state=0),
    X,
    y,
    param_name="max_depth",
    param_range=depths,
    cv=cv,
)
train_mean = train_scores.mean(axis=1)
test_mean, test_std = test_scores.mean(axis=1), test_scores.std(axis=1)
best = depths[np.argmax(test_mean)]
print("max_depth  train R2  CV R2 (std)")
for depth, tr, te, sd in zip(depths, train_mean, test_mean, test_std):
    print(f"{depth:>9}  {tr:8.3f}  {te:5.3f} ({sd:.3f})")
print(f"best max_depth by CV: {best}")

# %%
# The training score only goes up with depth: a deeper tree can always fit
# its own training data better, until at depth 12 it nearly memorizes it.
# The training score therefore cannot choose ``max_depth``; the
# cross-validated score can. It rises from depth 1 to its best at depth 2,
# then falls, and from depth 8 on it is below zero: such a tree predicts
# unseen patients worse than the mean of the training targets would. The
# widening gap between the two curves is the overfitting: what the deep tree
# learned about its training patients does not carry over to others. At
# depth 1 both scores are low, the training score included: a single
# question cannot describe the data, which is underfitting. The orange band
# is one standard deviation of the CV score across the 20 folds: it is wide,
# so depths 2 and 3 are about as good, and the choice of a best depth is
# itself uncertain on a dataset this small.
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
ax.plot(depths, train_mean, "o-", color="tab:blue", label="training score")
ax.plot(depths, test_mean, "o-", color="tab:orange", label="cross-validated score")
ax.fill_between(
    depths, test_mean - test_std, test_mean + test_std, color="tab:orange", alpha=0.2
)
ax.axhline(0, color="gray", lw=0.8)

regions = [
    (0.5, best - 0.5, "underfit", "tab:purple"),
    (best - 0.5, best + 0.5, "good", "tab:green"),
    (best + 0.5, depths[-1] + 0.5, "overfit", "tab:red"),
]
for left, right, label, color in regions:
    ax.axvspan(left, right, color=color, alpha=0.08)
    narrow = right - left < 2
    ax.text(
        (left + right) / 2, 0.03, label, color=color, ha="center", va="bottom",
        rotation=90 if narrow else 0, transform=ax.get_xaxis_transform(),
        fontsize=11, fontweight="bold",
    )
ax.annotate(
    f"best CV score, max_depth={best}",
    xy=(best, test_mean.max()),
    xytext=(best + 1.5, -0.3),
    arrowprops={"arrowstyle": "->"},
)
ax.set_xlim(0.5, depths[-1] + 0.5)
ax.set_xticks(depths)
ax.set_xlabel("max_depth (a hyperparameter)")
ax.set_ylabel("R²")
ax.set_title("DecisionTreeRegressor on diabetes")
ax.legend(loc="upper left")
plt.show()

# %%
# What to take away
# -----------------
# Parameters are what the data decides; hyperparameters are what you decide,
# before the data is seen, about how the model may learn. Choosing them is
# *hyperparameter tuning*: trying settings and keeping the one with the best
# score on data the model was not trained on, exactly what the
# cross-validated curve above does by hand for one hyperparameter. The
# searches of scikit-learn and skhyper automate this for many
# hyperparameters at once; see
# :ref:`sphx_glr_auto_examples_basics_plot_seed_snippets.py` for the two
# classic ones, and how to use them correctly.
