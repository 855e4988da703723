"""The one harness every benchmark runs on.

A benchmark is a :class:`Benchmark`: its tasks, its tools, what one run of a
tool on a task for a seed measures, and the tables it prints from the runs.
This module does the rest, the same way for every benchmark:

- the command line (:func:`main`)::

      python benchmarks/bench_x.py --seeds 10 --tasks a,b --tools c,d --out runs.jsonl
      python benchmarks/bench_x.py --table runs.jsonl [more.jsonl ...]
      python benchmarks/bench_x.py --table new.jsonl old.jsonl --label old.jsonl=old
      python benchmarks/bench_x.py --smoke

  (with ``--table``, ``--tasks`` and ``--seeds`` (from ``--first-seed``)
  choose which of the saved runs are reported, and ``--label`` reports one
  file's runs of ``skhyper`` under another name, to set two versions side by
  side)

- runs of task x tool x seed written to a JSON-lines file, one line a run
  (``task``, ``tool``, ``seed``, the benchmark's ``settings`` and the measured
  values), flushed as each run ends;
- resuming: a run whose (task, tool, seed, settings) already has a line in
  ``--out`` is not run again, so an interrupted run continues where it
  stopped;
- sharding: ``--shard 0/2`` and ``--shard 1/2`` in two processes run disjoint
  halves of the (task, seed) pairs, every tool of a pair in one process (so
  that runs read off another tool's stay together); they may append to one
  ``--out`` (each line is one ``write`` on a file opened for appending) or to
  two, merged by ``--table``;
- tools whose optional packages are not installed are left out, and the
  report says which;
- medians and quartiles (:func:`quartiles`) and markdown tables (:func:`table`).

Targets are not code: a benchmark prints what it measured, and its README
section says what the numbers were meant to reach.
"""

import argparse
import importlib
import importlib.util
import json
import math
import os
import subprocess
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

# Run from a source checkout without installing: let `import skhyper` find the
# package next to this folder.
if importlib.util.find_spec("skhyper") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


# ---------------------------------------------------------------------------
# What a benchmark declares.


@dataclass
class Tool:
    """A tool: ``requires`` names the modules it needs beyond skhyper's own."""

    run: Any = None
    requires: tuple = ()

    def missing(self):
        """The required modules that are not installed."""
        return [m for m in self.requires if not _installed(m)]


def _installed(module):
    try:
        return importlib.util.find_spec(module) is not None
    except ValueError:  # imported already, by a lazy importer that set no spec
        return module in sys.modules


@dataclass
class Setting:
    """A size of the benchmark other than the seeds (budgets, repeats...).

    Its value is recorded with every run, so that a run made at other sizes
    is not taken for this one when resuming.
    """

    default: Any
    smoke: Any
    help: str = ""
    type: Callable = str


@dataclass
class Benchmark:
    """A benchmark: tasks, tools, one run, and the report.

    Parameters
    ----------
    title : str
        The report's heading.
    tasks : dict
        Task name -> whatever ``run`` needs to know of it.
    tools : dict
        Tool name -> :class:`Tool` (or anything, taken as ``Tool(run=it)``).
    run : callable
        ``run(task, tool, seed, settings)`` with names and a dict of the
        settings' values; returns a dict of measured values (JSON-able; NaN
        and infinities are stored as null), or None where the tool does not
        apply to the task (nothing is recorded). A run that measures other
        tools on the way (a prefix of its evaluations is another tool's
        search) returns them under ``"also"``: ``{tool: values}``; each is
        recorded as that tool's run, which is then not run again (list the
        source tool before the tools it gives).
    report : callable
        ``report(runs, settings)`` prints the tables (markdown) from the runs,
        a list of dicts (``task``, ``tool``, ``seed`` and the measured values)
        in the order of ``tasks`` and ``tools`` and then of seeds.
    settings : dict
        Setting name -> :class:`Setting`; each is an option ``--name``.
    seeds : int
        Seeds by default (``0..seeds-1``).
    default_tasks, default_tools : list, optional
        What runs when ``--tasks`` / ``--tools`` is not given (all by
        default).
    smoke_tasks, smoke_tools : list, optional
        What ``--smoke`` runs (all tasks / all tools by default); one seed and
        every setting at its ``smoke`` value.
    setup : callable, optional
        ``setup(tools)`` once in each process before any run (thread limits,
        a library's logging).
    versions : tuple
        Modules whose versions the report's header names.
    """

    title: str
    tasks: dict
    tools: dict
    run: Callable
    report: Callable
    settings: dict = field(default_factory=dict)
    seeds: int = 10
    default_tasks: Optional[list] = None
    default_tools: Optional[list] = None
    smoke_tasks: Optional[list] = None
    smoke_tools: Optional[list] = None
    setup: Optional[Callable] = None
    versions: tuple = ("skhyper", "sklearn", "numpy", "scipy")

    def tool(self, name):
        tool = self.tools[name]
        return tool if isinstance(tool, Tool) else Tool(run=tool)


# ---------------------------------------------------------------------------
# Statistics and tables.


def _percentile(ordered, q):
    """numpy's linear percentile of sorted values, where an infinite value
    next to the position makes the percentile infinite (not NaN)."""
    pos = q * (len(ordered) - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    if lo == hi or math.isinf(ordered[hi]):
        return float(ordered[hi])
    return float(ordered[lo] + (pos - lo) * (ordered[hi] - ordered[lo]))


def quartiles(values):
    """``(q1, median, q3)`` over the values, NaN and None left out (NaN for
    none); an infinite value (a run that never got there) counts as one."""
    values = np.asarray([np.nan if v is None else v for v in values], dtype=float)
    values = np.sort(values[~np.isnan(values)])
    if not len(values):
        return (math.nan, math.nan, math.nan)
    if np.isfinite(values).all():
        return tuple(float(v) for v in np.percentile(values, [25, 50, 75]))
    return tuple(_percentile(values.tolist(), q) for q in (0.25, 0.5, 0.75))


def median(values):
    """The median of the finite values, NaN for none."""
    return quartiles(values)[1]


def paired_p(a, b):
    """Wilcoxon's signed-rank p-value (two-sided) of paired values ``a`` and
    ``b`` (one pair per seed): is the median of their differences zero?
    Equal pairs are left out; NaN when fewer than two pairs differ."""
    from scipy.stats import wilcoxon

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    differ = a != b
    if differ.sum() < 2:
        return math.nan
    return float(wilcoxon(a[differ], b[differ]).pvalue)


def unpaired_p(a, b):
    """Mann-Whitney's U p-value (two-sided) of samples ``a`` and ``b``: does
    one tend to be larger? Runs on the same seed share their first steps and
    then diverge, and from there a seed pairs nothing: a paired test over
    seeds then weighs a lucky draw of one side's seeds as a difference (issue
    27's fifth look met it). NaN when a sample is empty or all values tie."""
    from scipy.stats import mannwhitneyu

    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if not len(a) or not len(b) or np.all(np.concatenate([a, b]) == a[0]):
        return math.nan
    return float(mannwhitneyu(a, b).pvalue)


def fmt(value, digits=3):
    """A number in ``digits`` significant digits; ``—`` for none or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


def fmt_iqr(values, digits=3):
    """``median [q1, q3]`` of the values."""
    q1, mid, q3 = quartiles(values)
    return f"{fmt(mid, digits)} [{fmt(q1, digits)}, {fmt(q3, digits)}]"


def table(header, rows):
    """Markdown table; first column left-aligned, the rest right-aligned."""
    cells = [list(map(str, header))] + [list(map(str, r)) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row):
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        ("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths)
    ) + "|"
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def print_notes(notes):
    """The section of consistency notes: ``{where: what}`` as a list."""
    if notes:
        print("## Consistency notes\n")
        for key, text in notes.items():
            print(f"- {key}, {text}")
        print()


def one_thread(tools=()):
    """A ``setup``: one BLAS/OpenMP thread for the whole process
    (threadpoolctl), so that timings compare algorithms, not thread pools."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def log(message, start=None):
    """A progress line on stderr (stdout holds the report)."""
    stamp = f"[{time.perf_counter() - start:7.1f}s] " if start is not None else ""
    print(f"{stamp}{message}", file=sys.stderr, flush=True)


def name_list(choices):
    """An argparse type: comma-separated names, each one of ``choices``."""

    def parse(text):
        names = [v.strip() for v in text.split(",") if v.strip()]
        unknown = sorted(set(names) - set(choices))
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {unknown}; choose from {', '.join(choices)}"
            )
        return names

    return parse


def int_list(text):
    """An argparse type: comma-separated integers."""
    return [int(v) for v in text.split(",") if v.strip()]


def by(runs, *keys):
    """Runs grouped by the values of ``keys``: dict -> list of runs, keyed by
    the value of the one key, or the tuple of values of several."""
    groups = {}
    for run in runs:
        key = tuple(run[k] for k in keys)
        groups.setdefault(key if len(keys) > 1 else key[0], []).append(run)
    return groups


def tools_in(names, known):
    """The tools among ``names`` in the order of ``known``, then any other
    (a ``--label``'s name for a version of skhyper) in the order given: a
    report that lists only its own tools would drop a labelled version."""
    names = list(dict.fromkeys(names))
    return [t for t in known if t in names] + [t for t in names if t not in known]


def values(runs, name):
    """The measured value ``name`` of each run (None where a run lacks it)."""
    return [run.get(name) for run in runs]


def _origin(module):
    """Which code ran: the package's folder and, in a git checkout, its commit
    and whether the folder differs from it."""
    where = Path(module.__file__).resolve().parent
    try:
        git = ["git", "-C", str(where)]
        sha = subprocess.run(
            git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            git + ["status", "--porcelain", "--", "."], capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        sha = dirty = ""
    return f"{where}" + (
        f", git {sha}{' + uncommitted changes' if dirty else ''}" if sha else ""
    )


def versions(modules):
    """``name version`` of each module, or ``unavailable``; skhyper's with
    the folder and commit it ran from."""
    parts = []
    for name in modules:
        try:
            module = importlib.import_module(name)
            part = f"{name} {getattr(module, '__version__', '?')}"
            if name == "skhyper":
                part += f" ({_origin(module)})"
            parts.append(part)
        except Exception as exc:  # a broken tool must not stop the header
            parts.append(f"{name} unavailable ({type(exc).__name__})")
    return ", ".join(parts + [f"Python {sys.version.split()[0]}"])


# ---------------------------------------------------------------------------
# Runs on disk.


def _clean(value):
    """JSON has no NaN or infinity: store them as null."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        return _clean(value.tolist())
    return value


def run_key(run):
    """What makes two lines the same run: task, tool, seed and settings."""
    settings = json.dumps(run.get("settings", {}), sort_keys=True)
    return run["task"], run["tool"], run["seed"], settings


def load(paths, same_settings=True, labels=None):
    """The runs in JSON-lines files; a later line wins for the same run (the
    same task, tool, seed and, if ``same_settings``, settings). ``labels``
    maps a path to the name its runs of the tool ``skhyper`` are given."""
    runs = {}
    labels = labels or {}
    for path in paths:
        if not os.path.exists(path):
            continue
        renamed = 0
        with open(path) as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    run = json.loads(line)
                except json.JSONDecodeError:  # a line cut off by a kill
                    log(f"{path}:{number}: not a whole line, ignored")
                    continue
                if run.get("tool") == "skhyper" and path in labels:
                    run["tool"] = labels[path]
                    renamed += 1
                key = run_key(run)
                runs[key if same_settings else key[:3]] = run
        if path in labels and not renamed:
            log(f"--label {path}={labels[path]}: the file has no runs of skhyper, "
                "so nothing is reported under that name")
    return list(runs.values())


def append(path, run):
    """Append one run as one line, in one write (shards may share the file)."""
    line = (json.dumps(_clean(run)) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def shard(items, spec, key=lambda item: item):
    """The items of shard ``"i/n"``: those whose ``key`` is every n-th
    distinct key from the i-th."""
    if not spec:
        return list(items)
    i, n = (int(v) for v in spec.split("/"))
    if not 0 <= i < n:
        raise ValueError(f"--shard {spec}: need 0 <= i < n")
    keys = list(dict.fromkeys(key(item) for item in items))
    mine = set(keys[i::n])
    return [item for item in items if key(item) in mine]


def _pair(item):
    """What a shard keeps together: a run's task and seed."""
    return item[0], item[2]


def _todo(tasks, tools, seeds, spec):
    """The (task, tool, seed) runs, in order, of shard ``spec``."""
    todo = [(t, tool, s) for t in tasks for s in seeds for tool in tools]
    return shard(todo, spec, key=_pair)


def ordered(runs, bench):
    """Runs in the order of the benchmark's tasks, tools, then seeds."""
    tasks, tools = list(bench.tasks), list(bench.tools)

    def key(run):
        return (
            tasks.index(run["task"]) if run["task"] in tasks else len(tasks),
            tools.index(run["tool"]) if run["tool"] in tools else len(tools),
            run["seed"],
        )

    return sorted(runs, key=key)


# ---------------------------------------------------------------------------
# Running.


def execute(bench, tasks, tools, seeds, settings, out=None, shard_spec=None, done=()):
    """Run every (task, tool, seed) not in ``done``; return the new runs.

    A run that raises is reported on stderr (the first traceback of each tool
    in full) and kept as a run with an ``error``: its tables show a gap, and a
    resumed run tries it again.
    """
    start = time.perf_counter()
    done = {k[:3] for k in done}
    runs, failed = [], set()
    for task, tool, seed in _todo(tasks, tools, seeds, shard_spec):
        if (task, tool, seed) in done:
            continue
        t0 = time.perf_counter()
        try:
            measured = bench.run(task, tool, seed, settings)
        except Exception:
            text = traceback.format_exc()
            if tool not in failed:
                log(f"!! {tool} failed on {task}, seed {seed}:\n{text}")
                failed.add(tool)
            measured = {"error": text.strip().splitlines()[-1]}
        if measured is None:
            continue
        seconds = time.perf_counter() - t0
        also = measured.pop("also", {})
        for name, values in [(tool, measured)] + list(also.items()):
            if name != tool and (name not in tools or (task, name, seed) in done):
                continue
            record = {"task": task, "tool": name, "seed": seed, "settings": settings}
            record.update(values)
            record["seconds"] = seconds
            if name != tool:
                record["read_off"] = tool
            record = _clean(record)
            if out:
                append(out, record)
            runs.append(record)
            done.add((task, name, seed))
            log(f"{task} {name} seed {seed}: {seconds:.1f} s", start)
    return runs


def _parser(bench):
    parser = argparse.ArgumentParser(description=bench.title)
    parser.add_argument(
        "--seeds", type=int, default=None,
        help=f"number of seeds (default {bench.seeds})",
    )
    parser.add_argument(
        "--first-seed", type=int, default=0, help="seeds run from this one (default 0)"
    )
    parser.add_argument(
        "--tasks", type=name_list(tuple(bench.tasks)), default=None,
        help=f"comma-separated subset of {','.join(bench.tasks)}",
    )
    parser.add_argument(
        "--tools", type=name_list(tuple(bench.tools)), default=None,
        help=f"comma-separated subset of {','.join(bench.tools)}",
    )
    parser.add_argument(
        "--out", metavar="PATH",
        help="append each run to this JSON-lines file; runs already in it are "
        "not run again",
    )
    parser.add_argument(
        "--table", metavar="PATH", nargs="+",
        help="print the tables from saved runs (files of several processes merge) "
        "instead of running",
    )
    parser.add_argument(
        "--label", metavar="PATH=NAME", action="append", default=[],
        help="with --table: report the runs in PATH of the tool 'skhyper' as tool "
        "NAME (two versions of skhyper side by side; the unlabelled one stays "
        "'skhyper', the one the others are compared with)",
    )
    parser.add_argument(
        "--shard", metavar="I/N",
        help="run only the I-th of N disjoint parts of the runs (I from 0)",
    )
    parser.add_argument(
        "--smoke", action="store_true",
        help="a seconds-long run: one seed, the smoke tasks, smallest sizes",
    )
    parser.add_argument(
        "--show-warnings", action="store_true", help="show Python warnings"
    )
    for name, setting in bench.settings.items():
        parser.add_argument(
            "--" + name.replace("_", "-"), dest=name, type=setting.type, default=None,
            help=f"{setting.help} (default {setting.default}; smoke {setting.smoke})",
        )
    return parser


def _saved_settings(runs, defaults, given):
    """The settings the report of saved runs reads: an option given on the
    command line, else the runs' own where they all agree, else the default."""
    out = dict(defaults)
    for name in defaults:
        seen = {json.dumps(r.get("settings", {}).get(name)) for r in runs}
        if name in given:
            out[name] = given[name]
        elif len(seen) == 1 and seen != {"null"}:
            out[name] = json.loads(seen.pop())
        elif len(seen) > 1:
            log(f"runs of other {name}: the report reads {name}={out[name]}")
    return out


def _labels(specs, paths):
    """``--label PATH=NAME`` options as a dict, each PATH one of ``paths``."""
    labels = {}
    for spec in specs:
        path, sep, name = spec.rpartition("=")
        if not sep or not path or not name:
            raise SystemExit(f"--label {spec}: give PATH=NAME")
        if path not in paths:
            raise SystemExit(f"--label {spec}: {path} is not one of --table's files")
        if name == "skhyper":
            raise SystemExit(f"--label {spec}: NAME must differ from skhyper")
        labels[path] = name
    return labels


def main(bench, argv=None):
    """The command line every benchmark shares."""
    args = _parser(bench).parse_args(argv)
    if not args.show_warnings:
        warnings.simplefilter("ignore")
        # joblib's worker processes, if any, inherit this.
        os.environ["PYTHONWARNINGS"] = "ignore"
    given = {n: getattr(args, n) for n in bench.settings}
    given = {n: v for n, v in given.items() if v is not None}
    settings = {
        name: given.get(name, s.smoke if args.smoke else s.default)
        for name, s in bench.settings.items()
    }
    settings = _clean(settings)
    print(f"# {bench.title}\n")
    print(f"- versions: {versions(bench.versions)}")

    if args.label and not args.table:
        raise SystemExit("--label names the runs of --table's files: give --table")
    if args.table:
        labels = _labels(args.label, args.table)
        # a later line wins for a task, tool and seed, whatever its settings
        runs = ordered(load(args.table, same_settings=False, labels=labels), bench)
        if args.tasks:
            runs = [r for r in runs if r["task"] in args.tasks]
        if args.seeds is not None:
            first = args.first_seed
            runs = [r for r in runs if first <= r["seed"] < first + args.seeds]
        print(f"- runs from {', '.join(args.table)}: {len(runs)}")
        for path, name in labels.items():
            print(f"- skhyper's runs in {path} are reported as {name}")
        settings = _saved_settings(runs, settings, given)
        if settings:
            print("- settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()))
        print()
        bench.report(runs, settings)
        return runs

    tasks = (
        args.tasks
        or (bench.smoke_tasks if args.smoke else bench.default_tasks)
        or list(bench.tasks)
    )
    tools = (
        args.tools
        or (bench.smoke_tools if args.smoke else bench.default_tools)
        or list(bench.tools)
    )
    left_out = {t: bench.tool(t).missing() for t in tools}
    left_out = {t: m for t, m in left_out.items() if m}
    tools = [t for t in tools if t not in left_out]
    n_seeds = args.seeds
    if n_seeds is None:
        n_seeds = 1 if args.smoke else bench.seeds
    seeds = list(range(args.first_seed, args.first_seed + n_seeds))
    print(f"- tasks: {', '.join(tasks)}")
    print(f"- tools: {', '.join(tools)}")
    if left_out:
        print(
            "- left out, not installed: "
            + "; ".join(f"{t} (needs {', '.join(m)})" for t, m in left_out.items())
        )
    print(f"- seeds: {seeds[0]}..{seeds[-1]}" if seeds else "- seeds: none")
    if settings:
        print("- settings: " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    print()
    if bench.setup is not None:
        bench.setup(tools)

    # Resume: what --out already holds at these settings is not run again.
    key = json.dumps(settings, sort_keys=True)
    wanted = set(_todo(tasks, tools, seeds, args.shard))
    saved = [
        r for r in (load([args.out]) if args.out else [])
        if run_key(r)[3] == key and "error" not in r and run_key(r)[:3] in wanted
    ]
    if saved:
        log(f"{args.out}: {len(saved)} runs already done, not run again")
    done = {run_key(r) for r in saved}
    new = execute(bench, tasks, tools, seeds, settings, args.out, args.shard, done)
    runs = saved + new
    runs = ordered(runs, bench)
    bench.report(runs, settings)
    errors = [r for r in runs if "error" in r]
    if errors:
        print("## Failures\n")
        for tool, group in by(errors, "tool").items():
            print(f"- {tool}: {len(group)} failed run(s); first: {group[0]['error']}")
        print()
    return runs
