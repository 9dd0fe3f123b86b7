"""Text cells a spreadsheet will open: the one rule for every CSV and XLSX the app writes.

Account names come from CRM exports and may start with "=", "+", "-" or "@": a spreadsheet would run such a
cell as a formula (CSV injection). Spreadsheets skip leading whitespace, control and invisible characters
before they look, so " =1+2" and "\\x01=HYPERLINK(...)" are formulas too. Exports (`io/export`), the workbook
(`io/reports`), the import's problems report (`io/importing/problems`) and the CLI's CSVs all neutralise with
`neutralise`, so no file the app writes disagrees with another.
"""

from __future__ import annotations

import re

_SKIPPED = r"\s\x00-\x1f\x7f\u200b-\u200f\u2060-\u2064\ufeff"
"""What a spreadsheet may skip before the first character it reads: whitespace, C0 controls and DEL,
zero-width spaces and joiners, direction marks, word joiners and the BOM."""
FORMULA_START = re.compile(rf"^[{_SKIPPED}]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]")
"""A cell a spreadsheet may execute: = + - @ (also full-width) or tab/CR, possibly after whitespace, control
or invisible characters."""


def neutralise(text: str) -> str:
    """The cell text a spreadsheet shows but never runs: a leading apostrophe before a formula trigger."""
    return "'" + text if FORMULA_START.match(text) else text
