"""The failures of an import, in their own module so the reader, the mapping and the importer can all raise them."""

from __future__ import annotations


class ImportFailed(Exception):
    """The file cannot be imported at all (missing, empty, not a table, unreadable mapping...).

    The message names the file and the reason in words a planner can act on.
    """


class ImportCancelled(ImportFailed):
    """The user cancelled the import; nothing was changed."""


# ----- the limits past which a file is refused (issue 19: a small file must not expand without bound) ----------
MAX_ROWS = 2_000_000
"""Data rows an import reads at most; a longer table is refused after reading this many, never all of it."""
MAX_COLUMNS = 2_000
"""Columns (cells in any one row) an import reads at most; refused as soon as a row has more."""
MAX_CELL_BYTES = 1024 * 1024
"""Text one cell may hold (1 MB, counted in UTF-8 bytes as stored); an .xlsx is refused while the cell streams in."""
MAX_UNCOMPRESSED_BYTES = 2 * 1024 ** 3
"""Uncompressed size of all parts of an .xlsx together (2 GB), checked from the zip directory before reading."""


class TooBig(ImportFailed):
    """The file is past one of the limits above; the message names the limit."""
