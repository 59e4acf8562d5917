"""The closing table of ``make bench``: every goal, its figure and the baseline it is judged by.

Each benchmark calls ``record`` where it prints its verdict; ``bench/run.py`` prints
the table once everything has run. The baseline is always measured in the same run.
"""

import sys

ROWS: list[tuple[str, str, str, str, str]] = []


def record(name: str, figure: str, baseline: str, goal: str, passed: bool) -> None:
    ROWS.append((name, figure, baseline, goal, "PASS" if passed else "BELOW GOAL"))


def print_table() -> None:
    header = ("benchmark", "figure", "baseline (same run)", "goal", "verdict")
    rows = [header, *ROWS]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["", "summary"]
    for n, row in enumerate(rows):
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
