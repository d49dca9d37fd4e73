"""The one CSV writer: every CSV the desk produces (downloads and `helpdesk ... export`) is written here.

Formula injection (#11 item 10, OWASP "CSV Injection"): a spreadsheet runs a cell that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return as a formula. Every text cell starting with one of those is written
with a single quote in front (`'=HYPERLINK(...)`), which spreadsheets show as text and nobody's figures need.

What stays as it is, deliberately:
- numbers passed as numbers (int, Decimal, float): a negative figure such as -1.50 is a value, not a formula,
  and the money export is checked to the cent, so it must read exactly `-1.50`;
- text that is exactly a plain decimal number (`-12`, `+3.5`): a spreadsheet reads it as that number and
  runs nothing, so quoting it would only corrupt a figure that happens to arrive as text.
Anything else (`-1+2`, `-2-cmd|...`, `@SUM(A1)`) is quoted.

None is an empty cell, booleans `true`/`false`, Decimals in plain notation (no exponent, as given).
"""

import csv
import io
import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def neutralise(text: str) -> str:
    """A text cell made safe for spreadsheets: a leading formula character gets a single quote in front."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def cell(value) -> str:
    """One value as the text of its cell (see the module docstring for what is left as it is)."""
    if value.__class__ is str:  # the commonest cell first: an export of 5,000 rows writes 130,000 (#15)
        return neutralise(value)
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    return neutralise(str(value))


def csv_text(header, rows) -> str:
    """The CSV (newline-terminated lines) of a header and rows of values, every cell through `cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise(str(name)) for name in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()
