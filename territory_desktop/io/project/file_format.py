"""The `.territory` file's format: its constants, table layout and checksums, shared by saving
(`project_save.py`) and opening (`project_file.py` and the readers it calls). The layout itself is described
in project_file.py."""

from __future__ import annotations

import hashlib
import json
import zlib
from typing import Any

import numpy as np

APPLICATION_ID = 0x54455252  # "TERR"
SCHEMA_VERSION = 4
PAGE_SIZE = 65536
"""SQLite's largest page: a 1M-account plan's ~300 MB of column blobs write in ~0.2 s instead of ~1 s (4 KB)."""
MAX_SCENARIOS = 500
"""More scenarios than this in one file is damage, not planning."""
SAME = "same"
"""Column kind of a scenario's column stored once: it equals scenario 0's column of that frame and name."""
COPY = "copy"
"""Column kind of a column equal to an earlier one of its own scenario (dtype: {"frame", "position"} of it)."""
TEXT_KINDS = ("text", "text_dict", "string")
"""Column kinds a "copy" may stand for: text is what an import holds twice, and what costs to store."""
FRAMES = ("accounts", "adjacency", "departed", "plan", "source")
"""The parts of a scenario, in the order they are written and read (a "copy" refers to one read before it):
the order SQLite gives them back (ORDER BY frame)."""
ADJACENCY_COLUMNS = ("a", "b")
"""The columns of the "adjacency" frame: the account ids of each pair that touches."""
ADJACENCY_SINCE = 4
"""The first schema that may hold an adjacency; older files open with none."""
NOTE_COLUMNS = ("note_reason", "note_by", "note_at")
"""The change notes (reason, who, when of each account's last move) as columns of the "plan" frame."""
AUDIT_FIELDS = ("at", "user", "action", "label", "reason", "kind", "accounts")
SQLITE_MAGIC = b"SQLite format 3\x00"
DIGEST_KEY = "content_sha256"
MAX_BAND = 10.0
"""The widest tolerance band a file may hold (±1000% of the mean); beyond it a file is refused as damaged."""

TERRITORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "TEXT"), ("rep", "TEXT"), ("role", "TEXT"), ("region", "TEXT"), ("home_lat", "REAL"),
    ("home_lon", "REAL"), ("capacity_hours", "REAL"), ("color", "TEXT"), ("locked", "INTEGER"),
    ("target_share", "REAL"), ("removed", "INTEGER"), ("rules", "JSON"), ("area", "TEXT"),
)
OPTIONAL_TERRITORY_FIELDS = {"rules": "[]", "area": ""}
"""Territory fields later added, with what a file without them means (no rules: defined by its accounts)."""
MAX_RULES = 1000
"""More rule criteria than this on one territory is damage, not a territory definition."""
SCHEMA_SQL = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE scenarios (position INTEGER PRIMARY KEY, name TEXT NOT NULL, notes TEXT NOT NULL,
                        created_at TEXT NOT NULL);
CREATE TABLE columns (frame TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
                      dtype TEXT NOT NULL, data BLOB NOT NULL, mask BLOB, crc INTEGER NOT NULL,
                      scenario INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (scenario, frame, position));
CREATE TABLE territories (position INTEGER NOT NULL,
                          {", ".join(f"{name} {'TEXT' if kind == 'JSON' else kind}" for name, kind in TERRITORY_COLUMNS)},
                          scenario INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (scenario, position));
CREATE TABLE audit (scenario INTEGER NOT NULL, position INTEGER NOT NULL, at TEXT NOT NULL, user TEXT NOT NULL,
                    action TEXT NOT NULL, label TEXT NOT NULL, reason TEXT NOT NULL, kind TEXT NOT NULL,
                    accounts INTEGER NOT NULL, PRIMARY KEY (scenario, position));
"""


class ProjectFileError(Exception):
    """A project file that cannot be saved or opened; the message names the file and says why."""


def scenario_key(base: str, scenario: int) -> str:
    """The meta key of a per-scenario entry: "settings" for scenario 0 (as in schema 1), "settings.2"..."""
    return base if scenario == 0 else f"{base}.{scenario}"


def plain_name(name: Any) -> Any:
    return name.item() if isinstance(name, np.generic) else name


def column_crc(data: bytes, mask: bytes | None) -> int:
    """A checksum per column: SQLite does not notice a flipped bit inside a BLOB, this does."""
    return zlib.crc32(mask or b"", zlib.crc32(data))


def content_digest(meta: list[tuple[str, str]], columns: list[tuple[Any, ...]], territories: list[tuple[Any, ...]],
            extra: list[list[tuple[Any, ...]]] | None = None) -> str:
    """A hash of everything but the column bytes (those have their own CRC): a flipped bit in a name,
    a setting, a territory field, a scenario's notes or the audit trail must not open as a silently
    different plan. `extra` (schema 2: the scenarios and audit rows) joins the hash when given."""
    canon: list[Any] = [sorted((k, v) for k, v in meta if k != DIGEST_KEY),
                        sorted([*c[:5], c[7], *c[8:]] for c in columns), [list(t) for t in territories]]
    if extra is not None:
        canon.append([[list(r) for r in part] for part in extra])
    return hashlib.sha256(json.dumps(canon, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()
