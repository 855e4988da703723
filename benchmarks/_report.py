"""The reporting names of the benchmarks not yet on the harness; the code is
in ``_harness`` (one table, one number format for every benchmark)."""

import time

from _harness import fmt as _fmt  # noqa: F401
from _harness import log as _log  # noqa: F401
from _harness import name_list as _name_list  # noqa: F401
from _harness import table as _table  # noqa: F401


def _print_closing(notes, failures, start):
    """The closing sections of a benchmark's report: consistency notes, failed
    runs (last line of each traceback) and the total wall time."""
    if notes:
        print("## Consistency notes\n")
        for key, text in notes.items():
            print(f"- {key}, {text}")
        print()
    if failures:
        print("## Failures\n")
        for key, (count, tb) in failures.items():
            print(f"- {key}: {count} failed run(s): {tb.strip().splitlines()[-1]}")
        print()
    print(f"Total wall time: {time.perf_counter() - start:.0f} s")
