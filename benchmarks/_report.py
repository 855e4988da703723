"""Reporting helpers shared by the benchmark scripts: progress, tables, options."""

import argparse
import math
import sys
import time


def _log(message, start):
    print(
        f"[{time.perf_counter() - start:7.1f}s] {message}", file=sys.stderr, flush=True
    )


def _fmt(value, digits=3):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if value == 0:
        return "0"
    return f"{value:.{digits}g}"


def _table(header, rows):
    """Markdown table; first column left-aligned, the rest right-aligned."""
    cells = [list(map(str, header))] + [list(map(str, r)) for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]

    def line(row):
        padded = [
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths))
        ]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join(
            ("-" * (w + 1) + ":") if i else ("-" * (w + 2))
            for i, w in enumerate(widths)
        )
        + "|"
    )
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def _name_list(choices):
    def parse(text):
        names = [v.strip() for v in text.split(",") if v.strip()]
        unknown = sorted(set(names) - set(choices))
        if unknown:
            raise argparse.ArgumentTypeError(
                f"unknown {unknown}; choose from {', '.join(choices)}"
            )
        return names

    return parse


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
