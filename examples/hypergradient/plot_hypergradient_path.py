"""
==========================================================
Gradient descent on a hyperparameter: Ridge's ``alpha``
==========================================================

The cross-validated loss of a ridge regression is a smooth function of its
regularization ``alpha``. Its derivative with respect to ``alpha``, the
*hypergradient*, follows exactly from the fitted coefficients: they minimize
the training loss, so the implicit function theorem says how they move when
``alpha`` moves, and so how the validation loss does. With the gradient in
hand, :class:`~skhyper.HypergradientSearchCV` descends the loss with
L-BFGS-B (in log space) instead of trying values blindly, and needs few
evaluations where the loss is smooth.

:class:`~skhyper.plotting.HypergradientDisplay` draws the descent over the
loss it follows, computed here on a grid for comparison.
"""

# %%
# The descent over one hyperparameter
# -----------------------------------
# Each evaluation (one fit per fold) is a row of ``cv_results_``, with the
# fold-mean squared error as ``hyper_loss``. The search starts from an
# initial design of three points spread over the range and descends from the
# best of them.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_regression
from sklearn.linear_model import ElasticNet, Ridge
from sklearn.model_selection import GridSearchCV

from skhyper import HypergradientSearchCV, Real
from skhyper.plotting import HypergradientDisplay

# noisy targets and more features than informative ones: regularization pays
X, y = make_regression(n_samples=120, n_features=60, n_informative=10,
                       noise=20.0, random_state=0)
search = HypergradientSearchCV(
    Ridge(), {"alpha": Real(1e-3, 1e4, prior="log-uniform")}, max_iter=12, cv=5,
    random_state=0,
).fit(X, y)
results = search.cv_results_
print("row  iter  alpha       loss      |gradient|")
for i, (p, it, loss, grad) in enumerate(zip(results["params"], results["iter"],
                                            results["hyper_loss"],
                                            results["hypergrad_norm"])):
    print(f"{i:>3}  {it:>4}  {p['alpha']:<10.4g}  {loss:<9.2f} {grad:.2e}")

fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
HypergradientDisplay.from_estimator(search, X, y, n_points=40, ax=left)
left.set_title(f"Ridge: {search.n_iter_} evaluations, "
               f"best alpha {search.best_params_['alpha']:.3g}")

# %%
# A grid search needs many more fits to find the same minimum to the same
# precision:
grid = GridSearchCV(Ridge(), {"alpha": np.geomspace(1e-3, 1e4, 40)}, cv=5,
                    scoring="neg_mean_squared_error").fit(X, y)
print(f"\nhypergradient: alpha {search.best_params_['alpha']:.4g}, loss "
      f"{results['hyper_loss'][search.best_index_]:.2f}, {search.n_iter_} evaluations")
print(f"grid of 40:    alpha {grid.best_params_['alpha']:.4g}, loss "
      f"{-grid.best_score_:.2f}, 40 evaluations")

# %%
# Two hyperparameters: the elastic net
# ------------------------------------
# The elastic net has two continuous hyperparameters, ``alpha`` and the mix
# ``l1_ratio`` of its L1 and L2 penalties. Their hypergradient is exact too,
# on the features the L1 penalty keeps. The descent follows the loss downhill
# in the plane; the map behind it is the loss on a 12 by 12 grid.
net = HypergradientSearchCV(
    ElasticNet(max_iter=10_000),
    {"alpha": Real(1e-3, 1e2, prior="log-uniform"), "l1_ratio": Real(0.05, 0.95)},
    max_iter=20, cv=5, random_state=0,
).fit(X, y)
HypergradientDisplay.from_estimator(net, X, y, n_points=12, ax=right)
right.set_title(f"ElasticNet: {net.n_iter_} evaluations, best alpha "
                f"{net.best_params_['alpha']:.3g}, l1_ratio "
                f"{net.best_params_['l1_ratio']:.2f}")
plt.show()

# %%
# From the best point of its initial design the elastic net's descent moves
# towards larger ``l1_ratio`` until it reaches the top of its range, 0.95,
# nearly a lasso: only 10 of the 60 features carry signal, and an L1 penalty
# sets the others to zero. Ridge's descent, on the left, stops at the bottom
# of the valley in a dozen evaluations; the far excursions are line-search
# trials that L-BFGS-B rejected. A grid needs its 40 points to find the same
# ``alpha``, and it must be told the range and the resolution beforehand.
