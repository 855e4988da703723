"""Command line: ``python -m skhyper demo``.

The demo tunes an SVC on scikit-learn's bundled digits dataset with
BayesSearchCV and with RandomizedSearchCV at the same number of evaluations
and the same folds, and prints best score, evaluations and time.
"""

import argparse
import sys
import time

from . import __version__


def _integer_from(low, high=None):
    """An argparse ``type``: an integer in ``[low, high]``, else a usage error."""
    expected = f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {expected}; got {text!r}")
        return value

    return parse


def _n_jobs(text):
    """An argparse ``type``: joblib's ``n_jobs``, any integer but 0."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value == 0:
        raise argparse.ArgumentTypeError(
            f"must be a non-zero integer (-1 for all cores); got {text!r}"
        )
    return value


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
    formatter = argparse.ArgumentDefaultsHelpFormatter
    parser = argparse.ArgumentParser(prog="python -m skhyper", formatter_class=formatter)
    parser.add_argument("--version", action="version", version=f"skhyper {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="BayesSearchCV against RandomizedSearchCV on a bundled dataset",
        description="Tune an RBF SVC on scikit-learn's digits dataset with "
        "BayesSearchCV and with RandomizedSearchCV, on the same folds and "
        "number of evaluations, and print best score, evaluations and time.",
        formatter_class=formatter,
    )
    demo.add_argument("--n-iter", type=_integer_from(1), default=25,
                      help="evaluations per search")
    demo.add_argument("--cv", type=_integer_from(2), default=3, help="number of folds")
    demo.add_argument("--n-jobs", type=_n_jobs, default=None,
                      help="joblib workers (-1: all cores; None: one)")
    demo.add_argument("--seed", type=_integer_from(0, 2**32 - 1), default=0,
                      help="random seed")
    args = parser.parse_args(argv)
    return _demo(args)


if __name__ == "__main__":
    sys.exit(main())
