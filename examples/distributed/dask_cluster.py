"""
===========================================
The same search on one machine or a cluster
===========================================

Every skhyper search runs its fits through joblib, so joblib's dask backend
sends them to a `dask.distributed <https://distributed.dask.org>`_ cluster
without a change to the search. The results are the same as with
``n_jobs=1``: the search decides what to evaluate from its seed, never from
which worker answered first. The data goes to every worker once per ``fit``,
and a worker lost mid-search costs a rerun of the batch it was in, not the
search.

(This example needs ``pip install "skhyper[dask]"`` and starts a cluster, so
the documentation shows it without running it.)
"""

# %%
# On one machine: a local cluster
# --------------------------------
# ``LocalCluster`` starts worker processes on this machine, as a cluster of
# many machines would have: it is the way to try the code below.
import joblib
from distributed import Client, LocalCluster
from scipy.stats import loguniform
from sklearn.datasets import load_digits
from sklearn.svm import SVC

from skhyper import BayesSearchCV

X, y = load_digits(return_X_y=True)
search = BayesSearchCV(
    SVC(), {"C": loguniform(1e-1, 1e3), "gamma": loguniform(1e-4, 1e-2)},
    n_iter=20, n_points=4, cv=3, random_state=0,
)

if __name__ == "__main__":  # worker processes import this file
    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster):
        with joblib.parallel_backend("dask"):
            search.fit(X, y)
    print(search.best_params_, round(search.best_score_, 4))

# %%
# On many machines
# ----------------
# Start a scheduler on one machine and workers on the others, from a shell::
#
#     dask scheduler                          # prints its address, port 8786
#     dask worker scheduler-address:8786      # on every worker machine
#
# Every worker needs the same Python packages as the client (skhyper,
# scikit-learn, and whatever the estimator needs). Then only the address
# changes::
#
#     with Client("scheduler-address:8786"):
#         with joblib.parallel_backend("dask"):
#             search.fit(X, y)
#
# A batch of the search is ``n_points`` settings times the folds: raise
# ``n_points`` (Bayes), ``population_size`` (PBT) or ``generation_size``
# (DAC) to keep more workers busy.
