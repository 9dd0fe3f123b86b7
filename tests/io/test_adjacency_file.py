"""Reading a county adjacency file for a plan: a good file gives the pairs; a bad one a message naming the file,
the row and the column, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from territory_desktop.core.adjacency import AdjacencyError
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.territory import Territory
from territory_desktop.io import adjacency_file
from territory_desktop.io.adjacency_file import read_adjacency_csv


def _strip_plan() -> Plan:
    """Four counties in a row, 19001-19004, two territories."""
    ids = ["19001", "19002", "19003", "19004"]
    acc = accounts_frame({"account_id": ids, "name": [f"County {i}" for i in ids],
                          "lat": [41.0] * 4, "lon": [-95.0, -94.6, -94.2, -93.8]})
    return Plan(acc, [Territory("West"), Territory("East")], [0, 0, 1, 1])


def _write(tmp_path: Path, text: str | bytes, name: str = "pairs.csv") -> Path:
    p = tmp_path / name
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


def test_a_good_file_gives_each_touching_pair_once(tmp_path: Path) -> None:
    # a spreadsheet's BOM, a repeated pair (both ways round), a self-pair, a blank line and an extra column
    p = _write(tmp_path, "\ufeffcounty_a,county_b,shared_km\n19001,19002,30\n19002,19001,30\n\n"
                         "19002,19003,12\n19003,19003,0\n 19003 , 19004 ,8\n")
    adj = read_adjacency_csv(p, _strip_plan())
    assert len(adj) == 3 and adj.units() == 4 and adj.source == "pairs.csv"
    assert sorted(zip(adj.a, adj.b, strict=True)) == [("19001", "19002"), ("19002", "19003"), ("19003", "19004")]


def test_a_short_row_is_named_by_its_row(tmp_path: Path) -> None:
    p = _write(tmp_path, "a,b\n19001,19002\n19003\n")
    with pytest.raises(AdjacencyError, match=r"^pairs\.csv: row 3: needs two account ids \(a,b\)"):
        read_adjacency_csv(p, _strip_plan())


def test_an_unknown_id_is_named_with_its_row_and_column(tmp_path: Path) -> None:
    p = _write(tmp_path, "from,to\n19001,19002\n19002,19999\n")
    with pytest.raises(AdjacencyError) as err:
        read_adjacency_csv(p, _strip_plan())
    assert str(err.value) == "pairs.csv: row 3, column 'to': '19999' is not an account id of the plan"


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_an_empty_file_says_what_it_needs(tmp_path: Path, text: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(AdjacencyError, match=r"^pairs\.csv: empty; needs a header row and one a,b pair"):
        read_adjacency_csv(p, _strip_plan())


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    p = _write(tmp_path, "a,b\n19001,19002\nM\xfcnster,19003\n".encode("cp1252"), "latin.csv")
    with pytest.raises(AdjacencyError, match=r"^latin\.csv: not a UTF-8 text file .*save it as CSV UTF-8"):
        read_adjacency_csv(p, _strip_plan())


def test_a_stray_control_byte_is_named_by_its_row_and_column(tmp_path: Path) -> None:
    p = _write(tmp_path, b"a,b\n19001,\x0019002\n", "nul.csv")
    with pytest.raises(AdjacencyError, match=r"^nul\.csv: row 2, column 'b': "):
        read_adjacency_csv(p, _strip_plan())


def test_a_missing_file_or_a_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(AdjacencyError, match=r"^gone\.csv: file not found"):
        read_adjacency_csv(tmp_path / "gone.csv", _strip_plan())
    (tmp_path / "maps").mkdir()
    with pytest.raises(AdjacencyError, match=r"^maps: is a folder"):
        read_adjacency_csv(tmp_path / "maps", _strip_plan())


def test_a_file_past_the_size_limit_is_refused_before_reading(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    p = _write(tmp_path, "a,b\n" + "19001,19002\n" * 200, "huge.csv")
    monkeypatch.setattr(adjacency_file, "MAX_BYTES", 1000)
    with pytest.raises(AdjacencyError, match=r"^huge\.csv: .* too large for a pairs file"):
        read_adjacency_csv(p, _strip_plan())


def test_a_file_of_self_pairs_only_says_nothing_touches(tmp_path: Path) -> None:
    p = _write(tmp_path, "a,b\n19001,19001\n")
    with pytest.raises(AdjacencyError, match=r"^pairs\.csv: holds no pair of two different accounts"):
        read_adjacency_csv(p, _strip_plan())
