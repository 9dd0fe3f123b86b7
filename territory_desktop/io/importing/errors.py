"""The failures of an import, in their own module so the reader, the mapping and the importer can all raise them."""

from __future__ import annotations


class ImportFailed(Exception):
    """The file cannot be imported at all (missing, empty, not a table, unreadable mapping...).

    The message names the file and the reason in words a planner can act on.
    """


class ImportCancelled(ImportFailed):
    """The user cancelled the import; nothing was changed."""
