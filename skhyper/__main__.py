"""Command line: ``python -m skhyper demo`` and ``python -m skhyper compare``.

The demo tunes an SVC on scikit-learn's bundled digits dataset with
BayesSearchCV and with RandomizedSearchCV at the same number of evaluations
and the same folds, and prints best score, evaluations and time. ``compare``
runs :func:`skhyper.compare.compare_searches` on a bundled dataset and prints
its table (and saves its plot).
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


_DATASETS = {  # name -> (loader, is a classification task)
    "digits": ("load_digits", True),
    "breast_cancer": ("load_breast_cancer", True),
    "wine": ("load_wine", True),
    "iris": ("load_iris", True),
    "diabetes": ("load_diabetes", False),
}
_SEARCHES = ("grid", "random", "bayes", "hyperband", "hypergradient")


def _search_names(text):
    """An argparse ``type``: a comma-separated list of known search names."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in _SEARCHES]
    if not names or unknown or len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(
            f"must be distinct names among {', '.join(_SEARCHES)}, separated by "
            f"commas; got {text!r}"
        )
    return names


def _compare_searches(args, classification):
    """The searches ``compare`` runs: the same model, space and budget."""
    import numpy as np
    from scipy.stats import loguniform
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC, SVR

    from . import BayesSearchCV, HyperbandSearchCV, HypergradientSearchCV

    if args.model == "svm":
        model = SVC() if classification else SVR()
        step = "svc" if classification else "svr"
        ranges = {f"{step}__C": (1e-2, 1e3), f"{step}__gamma": (1e-5, 1e0)}
    elif classification:
        model, ranges = LogisticRegression(max_iter=1000), {
            "logisticregression__C": (1e-4, 1e4)}
    else:
        model, ranges = Ridge(), {"ridge__alpha": (1e-4, 1e4)}
    pipe = make_pipeline(StandardScaler(), model)
    space = {name: loguniform(low, high) for name, (low, high) in ranges.items()}
    per_dim = max(2, int(round(args.n_iter ** (1 / len(ranges)))))
    grid = {name: list(np.geomspace(low, high, per_dim))
            for name, (low, high) in ranges.items()}
    common = {"cv": args.cv, "n_jobs": args.n_jobs}
    make = {
        "grid": lambda: GridSearchCV(pipe, grid, **common),
        "random": lambda: RandomizedSearchCV(pipe, space, n_iter=args.n_iter, **common),
        "bayes": lambda: BayesSearchCV(pipe, space, n_iter=args.n_iter, **common),
        "hyperband": lambda: HyperbandSearchCV(pipe, space, **common),
        "hypergradient": lambda: HypergradientSearchCV(
            pipe, space, max_iter=args.n_iter, **common),
    }
    return {name: make[name]() for name in args.searches}


def _compare(args):
    from sklearn import datasets

    from .compare import compare_searches

    loader, classification = _DATASETS[args.dataset]
    X, y = getattr(datasets, loader)(return_X_y=True)
    searches = _compare_searches(args, classification)
    print(
        f"{args.dataset} ({X.shape[0]} samples, {args.test_size:g} held out), "
        f"{args.model} model, {args.cv}-fold CV, budget {args.n_iter} evaluations, "
        f"{args.n_seeds} seeds from {args.seed}\n", flush=True,
    )
    comparison = compare_searches(
        searches, X, y, n_seeds=args.n_seeds, test_size=args.test_size,
        random_state=args.seed, verbose=0 if args.quiet else 1,
    )
    print(comparison.to_text())
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        axes = comparison.plot()
        axes[0].figure.suptitle(f"{args.dataset}, {args.model} model")
        axes[0].figure.savefig(args.plot, dpi=120)
        plt.close(axes[0].figure)
        print(f"\nplot saved to {args.plot}")
    return 0


def _plot_path_problem(path):
    """Why matplotlib could not save a figure to ``path``, or None: checked
    before the runs, so that a typo does not cost them."""
    import os

    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure
    except ImportError:
        return "needs matplotlib: pip install 'skhyper[plot]'"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"the folder {folder!r} does not exist"
    kinds = Figure().canvas.get_supported_filetypes()
    suffix = os.path.splitext(path)[1].lstrip(".").lower()
    if suffix not in kinds:
        return f"{path!r} must end in one of {', '.join('.' + k for k in sorted(kinds))}"
    return None


def _fraction(text):
    """An argparse ``type``: a float strictly between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        value = None
    if value is None or not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1; got {text!r}")
    return value


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
    demo.add_argument("--n-jobs", type=_n_jobs, default=1,
                      help="joblib workers (-1: all cores)")
    demo.add_argument("--seed", type=_integer_from(0, 2**32 - 1), default=0,
                      help="random seed")
    compare = commands.add_parser(
        "compare",
        help="compare searches across seeds on a bundled dataset",
        description="Run several searches on one of scikit-learn's bundled datasets, "
        "each once per seed on the same training split, and print the median "
        "best CV score (with quartiles and standard deviation across seeds), the "
        "fit seconds and evaluations to reach it, the fits and fit seconds used, "
        "and the held-out test score: skhyper.compare.compare_searches. Every "
        "search tunes the same model (StandardScaler then the model) over the same "
        "log-uniform ranges; grid and random search, Bayes and hypergradient get "
        "--n-iter evaluations (the grid the nearest square), Hyperband its own "
        "schedule over training samples.",
        formatter_class=formatter,
    )
    compare.add_argument("--dataset", choices=sorted(_DATASETS), default="digits",
                         help="scikit-learn's bundled dataset (diabetes is a "
                         "regression task)")
    compare.add_argument("--model", choices=("svm", "linear"), default="svm",
                         help="svm: an RBF SVC/SVR over C and gamma; linear: "
                         "LogisticRegression over C or Ridge over alpha")
    compare.add_argument("--searches", type=_search_names,
                         default="grid,random,bayes,hyperband",
                         help=f"comma-separated, among {','.join(_SEARCHES)} "
                         "(hypergradient needs --model linear)")
    compare.add_argument("--n-iter", type=_integer_from(1), default=16,
                         help="evaluations per search")
    compare.add_argument("--cv", type=_integer_from(2), default=3,
                         help="number of folds")
    compare.add_argument("--n-seeds", type=_integer_from(1), default=3,
                         help="runs of each search")
    compare.add_argument("--test-size", type=_fraction, default=0.25,
                         help="held-out fraction of the data")
    compare.add_argument("--seed", type=_integer_from(0, 2**32 - 1), default=0,
                         help="seeds the split and the first run (then +1 a run)")
    compare.add_argument("--n-jobs", type=_n_jobs, default=1,
                         help="joblib workers of each search (-1: all cores)")
    compare.add_argument("--plot", metavar="PATH", default=None,
                         help="save the comparison's plot to this image file")
    compare.add_argument("--quiet", action="store_true",
                         help="no progress line per run on standard error")
    args = parser.parse_args(argv)
    if args.command == "compare":
        if "hypergradient" in args.searches and args.model != "linear":
            compare.error("argument --searches: hypergradient needs --model linear "
                          "(an SVM's loss has no hypergradient in skhyper)")
        if args.seed + args.n_seeds - 1 > 2**32 - 1:
            compare.error(f"argument --seed: --seed + --n-seeds - 1 must be at most "
                          f"{2**32 - 1} (run k is seeded --seed + k)")
        if args.plot:
            problem = _plot_path_problem(args.plot)
            if problem:
                compare.error(f"argument --plot: {problem}")
        return _compare(args)
    return _demo(args)


if __name__ == "__main__":
    sys.exit(main())
