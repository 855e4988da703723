"""Command line: ``python -m skhyper demo``.

The demo tunes an SVC on scikit-learn's bundled digits dataset with
BayesSearchCV and with RandomizedSearchCV at the same number of evaluations
and the same folds, and prints best score, evaluations and time.
"""

import argparse
import sys
import time


def _demo(args):
    from scipy.stats import loguniform
    from sklearn.datasets import load_digits
    from sklearn.model_selection import RandomizedSearchCV, StratifiedKFold
    from sklearn.svm import SVC

    from . import BayesSearchCV

    X, y = load_digits(return_X_y=True)
    space = {"C": loguniform(1e-2, 1e3), "gamma": loguniform(1e-5, 1e-1)}
    cv = StratifiedKFold(args.cv)
    searches = {
        "BayesSearchCV": BayesSearchCV(
            SVC(), space, n_iter=args.n_iter, cv=cv, n_jobs=args.n_jobs,
            random_state=args.seed,
        ),
        "RandomizedSearchCV": RandomizedSearchCV(
            SVC(), space, n_iter=args.n_iter, cv=cv, n_jobs=args.n_jobs,
            random_state=args.seed,
        ),
    }
    print(
        f"SVC(rbf) on digits ({X.shape[0]} samples), {args.cv}-fold CV, "
        f"{args.n_iter} evaluations each, seed {args.seed}\n"
    )
    rows = []
    for name, search in searches.items():
        start = time.perf_counter()
        search.fit(X, y)
        elapsed = time.perf_counter() - start
        scores = search.cv_results_["mean_test_score"]
        # evaluations needed to come within 0.1 % of the search's own best
        first = int((scores >= search.best_score_ - 1e-3).argmax()) + 1
        rows.append((name, search.best_score_, len(scores), first, elapsed))
    header = ("search", "best CV accuracy", "evaluations", "to reach best", "time (s)")
    print(f"| {header[0]:<18} | {header[1]:>16} | {header[2]:>11} | {header[3]:>13} | {header[4]:>8} |")
    print(f"|{'-' * 20}|{'-' * 18}|{'-' * 13}|{'-' * 15}|{'-' * 10}|")
    for name, best, n, first, elapsed in rows:
        print(f"| {name:<18} | {best:>16.4f} | {n:>11d} | {first:>13d} | {elapsed:>8.1f} |")
    best = searches["BayesSearchCV"].best_params_
    print(f"\nBayesSearchCV best: C={best['C']:.4g}, gamma={best['gamma']:.4g}")
    return 0


def main(argv=None):
    """Entry point of ``python -m skhyper`` and the ``skhyper`` script."""
    parser = argparse.ArgumentParser(prog="python -m skhyper")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="BayesSearchCV against RandomizedSearchCV on a bundled dataset"
    )
    demo.add_argument("--n-iter", type=int, default=25, help="evaluations per search")
    demo.add_argument("--cv", type=int, default=3, help="number of folds")
    demo.add_argument("--n-jobs", type=int, default=None, help="joblib workers")
    demo.add_argument("--seed", type=int, default=0, help="random seed")
    args = parser.parse_args(argv)
    return _demo(args)


if __name__ == "__main__":
    sys.exit(main())
