"""Offline geocoding: own coordinates first, then the ZIP centroid, then the city; never a made-up place."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.io.importing.geocode import (
    city_key,
    geocode,
    us_city_places,
    us_city_table,
    valid_latlon,
    zip_table,
)
from territory_desktop.io.importing.reps import book_centre, weighted_median

NAN = np.nan


def _geo(rows: list[tuple]):
    lat, lon, z, city, state, country = zip(*rows, strict=True)
    return geocode(np.array(lat, float), np.array(lon, float), pd.Series(z, dtype=str),
                   pd.Series(city, dtype=str), pd.Series(state, dtype=str), pd.Series(country, dtype=str))


def test_order_of_sources():
    r = _geo([
        (41.0, -72.0, "02134", "Boston", "MA", "US"),      # own coordinates win over the ZIP
        (NAN, NAN, "02134", "", "", "US"),                 # ZIP centroid
        (95.0, 10.0, "60601", "", "", ""),                 # impossible coordinates: the ZIP instead
        (NAN, NAN, "99999", "St. Louis", "MO", "US"),      # unknown ZIP: the city
        (NAN, NAN, "", "Montréal", "", "CA"),              # world city by country
        (NAN, NAN, "", "Xyzzyville", "", ""),              # nothing known: not placed
        (0.0, 0.0, "", "", "", ""),                        # (0, 0) is a blank GPS field, not the Atlantic
    ])
    assert r.source.tolist() == ["latlon", "zip", "zip", "city", "city", "none", "none"]
    assert (r.lat[0], r.lon[0]) == (41.0, -72.0)
    assert r.lat[1] == pytest.approx(42.35, abs=0.05) and r.lon[1] == pytest.approx(-71.13, abs=0.05)
    assert r.lat[2] == pytest.approx(41.88, abs=0.05)
    assert r.lat[3] == pytest.approx(38.6, abs=0.3) and r.lon[3] == pytest.approx(-90.2, abs=0.3)
    assert r.lat[4] == pytest.approx(45.5, abs=0.2) and r.lon[4] == pytest.approx(-73.6, abs=0.2)
    assert np.isnan(r.lat[5:]).all() and np.isnan(r.lon[5:]).all()
    assert r.bad_latlon.tolist() == [False, False, True, False, False, False, True]


def test_zip_fills_blank_city_and_state_but_keeps_given_ones():
    r = _geo([(NAN, NAN, "10001", "", "", ""), (NAN, NAN, "10001", "Manhattan", "NY", "US")])
    assert r.city.tolist() == ["New York", "Manhattan"] and r.state.tolist() == ["NY", "NY"]


def test_us_zip_is_not_used_for_other_countries():
    r = _geo([(NAN, NAN, "10115", "Berlin", "", "DE")])
    assert r.source.tolist() == ["city"] and r.lat[0] == pytest.approx(52.5, abs=0.2)


def test_blank_country_with_a_foreign_province_is_not_taken_for_the_us():
    r = _geo([(NAN, NAN, "", "Toronto", "ON", "")])
    assert r.source.tolist() == ["city"] and r.lon[0] == pytest.approx(-79.4, abs=0.3)


def test_same_city_name_in_two_states():
    r = _geo([(NAN, NAN, "", "Portland", "OR", "US"), (NAN, NAN, "", "Portland", "ME", "")])
    assert r.lon[0] == pytest.approx(-122.6, abs=0.5) and r.lon[1] == pytest.approx(-70.3, abs=0.5)


def test_city_keys_and_validity():
    assert city_key("St. Louis") == city_key("Saint Louis") == city_key("ST LOUIS")
    assert city_key("Montréal") == "montreal"
    assert valid_latlon(np.array([45.0, 91.0, NAN, 0.0]), np.array([-181.0, 0.0, 1.0, 0.0])).tolist() == [
        False, False, False, False]
    assert len(zip_table()) > 40_000 and zip_table().index.is_unique


def test_home_at_the_weighted_median_of_the_book():
    # three accounts around Boston carry the potential; a small one in Hawaii must not drag the rep west
    lat = np.array([42.3, 42.4, 42.5, 21.3])
    lon = np.array([-71.1, -71.0, -71.2, -157.8])
    pot = np.array([100.0, 100.0, 100.0, 10.0])
    home = book_centre(lat, lon, pot)
    assert home == pytest.approx((42.4, -71.1))
    assert weighted_median(np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.0, 10.0])) == 3.0
    assert weighted_median(np.array([1.0, 2.0, NAN]), np.zeros(3)) in (1.0, 2.0)
    assert np.isnan(weighted_median(np.array([NAN]), np.array([1.0])))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_bare_city_name_is_placed_only_when_the_file_country_has_one_place_of_that_name(data):
    """Property over the gazetteer itself: a city without state or country is placed exactly when the US
    (this file's country) has one town of that name, and then in that town; else it is left unplaced and
    counted, never guessed across states or continents."""
    places = us_city_places()
    key = data.draw(st.sampled_from(sorted(places.index[:4000].tolist())))
    name = key.title()
    r = _geo([(NAN, NAN, "", name, "", "")])
    n = int(places[key])
    if n == 1:
        (la, lo) = us_city_table().xs(key, level=0)[["lat", "lon"]].iloc[0]
        assert r.source.tolist() == ["city"] and (r.lat[0], r.lon[0]) == pytest.approx((la, lo))
    else:
        assert r.source.tolist() == ["none"] and r.ambiguous.tolist() == [n]


def test_a_foreign_city_name_is_never_placed_abroad_from_a_us_file():
    r = _geo([(NAN, NAN, "", "Paris", "", ""), (NAN, NAN, "", "Austin", "TX", "")])
    assert r.source.tolist() == ["none", "city"]  # not France: the file is American
    assert r.ambiguous[0] > 1  # Paris, TX / KY / TN ...


def test_the_file_country_decides_where_bare_names_are_looked_up_and_far_rows_are_flagged():
    rows = [(NAN, NAN, "", "Lyon", "", "FR"), (NAN, NAN, "", "Lille", "", "FR"), (NAN, NAN, "", "Nantes", "", ""),
            (NAN, NAN, "", "Boston", "MA", "US")]
    r = _geo(rows)
    assert r.home_country == "FR" and r.source.tolist() == ["city"] * 4
    assert r.lat[2] == pytest.approx(47.2, abs=0.2)  # Nantes, France
    assert r.far.tolist() == [False, False, False, True]  # Boston is on another continent than this file
