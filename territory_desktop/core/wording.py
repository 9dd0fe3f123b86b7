"""How a count reads in a sentence: "1 account", "3 accounts", "1 account has", "3 accounts have" — never
"account(s)". Shared by the window, the CLI, the solver's messages and the importer's notes."""

from __future__ import annotations


def agree(n: int, one: str, many: str | None = None) -> str:
    """The form of a word that agrees with `n`: agree(1, "account") is "account", agree(3, "account")
    "accounts", agree(1, "has", "have") "has", agree(0, "territory", "territories") "territories"."""
    return one if n == 1 else many or one + "s"


def counted(n: int, word: str, plural: str | None = None) -> str:
    """'1 territory', '2 territories', '1,000 accounts': the number with its noun in the right number."""
    return f"{n:,} {agree(n, word, plural)}"
