"""Import a CRM export (and optionally a reps file) into a new Plan, with a report of every problem.

The import never crashes on bad cells and never drops a row silently: rows_in == accounts kept + rows
rejected + lines skipped. Each rejected row (an account row that cannot be taken: no id, a repeated id) has an
"error" problem; each skipped line (not an account: a blank line or a report's footer, nothing lost) has a
"note". Only file-level failures raise ImportFailed.
It runs off the GUI thread: `progress(fraction, stage)` reports, `cancelled()` is polled between stages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from territory_desktop.core.plan import Plan
from territory_desktop.core.potential import PotentialModel
from territory_desktop.core.sanity import plan_warnings
from territory_desktop.core.score import ScoreModel
from territory_desktop.core.segments import SegmentRules
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.io.importing.accounts import build_accounts
from territory_desktop.io.importing.errors import ImportCancelled, ImportFailed
from territory_desktop.io.importing.problems import ERROR, NOTE, WARNING, ImportProblem, write_problems_csv
from territory_desktop.io.importing.reps import build_territories
from territory_desktop.io.importing.sheet_choice import read_accounts_table
from territory_desktop.io.importing.values import shared_factorization

__all__ = ["ImportCancelled", "ImportFailed", "ImportProblem", "ImportResult", "import_plan",
           "write_problems_csv", "ERROR", "NOTE", "WARNING"]


@dataclass
class ImportResult:
    """The new plan and what happened on the way.

    Of the accounts file's `rows_in` data rows (every row under the header, up to the last row that is not
    blank: blank lines between the accounts and a report footer count), `plan.n_accounts` were kept,
    `rows_rejected` were account rows left out with an error, and `rows_skipped` were no account at all (blank
    lines and report footers, each with a note): rows_in == n_accounts + rows_rejected + rows_skipped.
    """

    plan: Plan
    problems: list[ImportProblem]
    rows_in: int
    rows_rejected: int
    mapping: dict[str, str]
    reps_mapping: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """How segments and potential were decided: the import summary's first sentences."""
    sanity: list[str] = field(default_factory=list)
    """What looks implausible about the plan (core/sanity.py), each naming the setting that fixes it."""
    rows_skipped: int = 0
    """Lines of the accounts file that are no account (blank, a report footer): left out, nothing lost."""

    @property
    def errors(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def warnings(self) -> list[ImportProblem]:
        return [p for p in self.problems if p.severity == WARNING]

    @property
    def skipped(self) -> list[ImportProblem]:
        """The notes: lines that are no account (of the accounts or the reps file), left out, nothing lost."""
        return [p for p in self.problems if p.severity == NOTE]


def import_plan(accounts_path: str | Path, reps_path: str | Path | None = None,
                mapping: dict[str, str] | None = None, reps_mapping: dict[str, str] | None = None,
                sheet: str | None = None, progress: Callable[[float, str], None] | None = None,
                cancelled: Callable[[], bool] | None = None, segment_rules: SegmentRules | None = None,
                potential_model: PotentialModel | None = None,
                score_model: ScoreModel | None = None) -> ImportResult:
    """Read, map, parse, place and assign the accounts; build territories; return the plan and problems.

    `mapping` ({field: source column}) overrides the guesses (columns.guess_mapping): a field mapped to ""
    or None is not imported, a field left out keeps its guess (unless its column was given to another
    field). `reps_mapping` works the same for the reps file. `segment_rules` and `potential_model` decide
    segments and potential where the export has no such column; they are kept in the plan's settings.
    """
    settings = BalanceSettings(segment_rules=segment_rules or SegmentRules(),
                               potential_model=potential_model or PotentialModel(),
                               score_model=score_model or ScoreModel())
    file = Path(accounts_path).name

    def step(fraction: float, stage: str) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled(f"{file}: import cancelled")
        if progress is not None:
            progress(fraction, stage)

    step(0.0, f"Reading {file}")
    df, used, sheet_note = read_accounts_table(accounts_path, sheet, mapping, file)
    columns = list(df.columns)
    header_row = int(df.attrs.get("header_row", 1))
    problems: list[ImportProblem] = list(df.attrs.pop("read_problems", []))  # encodings, Excel cells, headers
    if sheet_note is not None:
        problems.insert(0, ImportProblem(file, None, None, "", sheet_note, WARNING))
    if "account_id" not in used:
        problems.append(ImportProblem(file, None, used["name"], "", "no account id column: the account name "
                                      "is used as the id, so accounts with the same name are rejected", WARNING))
    unused = [c for c in columns if c not in set(used.values()) and str(c).strip()]
    sized = "employees" in used or "revenue" in used
    for fld, what in (("potential", "revenue potential, the measure territories are balanced on"),
                      ("owner", "the current owner: without it every account starts unassigned")):
        if fld == "potential" and sized:
            continue  # estimated from size by the potential model, and said so in the notes
        if fld not in used and unused:
            shown = ", ".join(map(repr, unused[:8])) + (" ..." if len(unused) > 8 else "")
            problems.append(ImportProblem(
                file, None, None, "", f"no column was recognised as {fld!r} ({what}); unused columns: {shown} "
                f"— map one by hand if it holds it (a mapping file or the import dialog)", WARNING))
    step(0.2, "Checking rows")
    with shared_factorization():  # each source column factorized once for all its parsers
        built = build_accounts(df, used, file, lambda f, text: step(0.2 + 0.6 * f, text), header_row,
                               settings.segment_rules, settings.potential_model, settings.score_model)
    problems += built.problems
    step(0.8, "Building territories")
    terr = build_territories(built.accounts, used.get("owner"), file, reps_path, reps_mapping,
                             sheet_rows=built.kept + header_row + 1)
    problems += terr.problems
    step(0.9, "Computing balance")
    plan = Plan(built.accounts, terr.territories, terr.assignment, settings=settings, source=built.source)
    skipped = sum(1 for p in built.problems if p.severity == NOTE)
    rejected = len(df) - len(built.kept) - skipped
    # the accounts file first, file-level notes before rows, rows top to bottom then columns left to right
    col_pos = {c: i for i, c in enumerate(columns)}
    problems.sort(key=lambda p: (p.file != file, p.row is not None, p.row or 0,
                                 col_pos.get(p.column or "", -1) if p.file == file else 0))
    step(1.0, "Done")
    return ImportResult(plan, problems, len(df), rejected, used, terr.mapping, how_notes(plan, used),
                        plan_warnings(plan), rows_skipped=skipped)


def how_notes(plan: Plan, used: dict[str, str]) -> list[str]:
    """Which column became potential and segment, and how: the first lines of the import summary."""
    a = plan.accounts
    s = plan.settings
    notes = []
    pb = a["potential_basis"].astype(str).value_counts()
    if "potential" in used:
        notes.append(f"Potential is the column {used['potential']!r}, used as is.")
    elif pb.get("employees", 0) or pb.get("revenue", 0):
        cols = " and ".join(repr(used[f]) for f in ("employees", "revenue") if f in used)
        notes.append(f"Potential is estimated from {cols}: {s.potential_model.describe()} "
                     f"({pb.get('employees', 0):,} by employees, {pb.get('revenue', 0):,} by revenue"
                     + (f", {pb.get('none', 0):,} without a size got $0" if pb.get("none", 0) else "")
                     + "). Company revenue is never taken as potential as is.")
    else:
        notes.append("No column holds potential, employees or revenue: every account's potential is $0, "
                     "so balance is by account count and workload.")
    sb = a["segment_basis"].astype(str).value_counts()
    by_rules = int(sb.get("employees", 0) + sb.get("revenue", 0) + sb.get("none", 0))
    if "segment" in used and by_rules == 0:
        notes.append(f"Segments are the column {used['segment']!r}.")
    elif by_rules:
        where = f"the column {used['segment']!r} where it has a value, else " if "segment" in used else ""
        text = f"Segments come from {where}the rules {s.segment_rules.describe()}"
        if sb.get("none", 0):
            n = int(sb["none"])
            text += f"; {n:,} account without a size is SMB" if n == 1 else \
                f"; {n:,} accounts without a size are SMB"
        notes.append(text + ".")
    if "score" in used:
        notes.append(f"Scores are the column {used['score']!r}; tiers A/B/C by rank: "
                     f"top {s.score_model.a_share:.0%} A, next {s.score_model.b_share:.0%} B.")
    else:
        notes.append(f"Scores come from the score model: {s.score_model.describe()}.")
    return notes
