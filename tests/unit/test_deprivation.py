"""Offences by deprivation decile: rates, the concentration curve and index, the gradient."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sv_assessment.analysis import deprivation as dep


def _lsoas(n_per_decile: int = 10, population: bool = True) -> pd.DataFrame:
    rows = [
        {
            "lsoa_code": f"E01{d:02d}{i:03d}",
            "district_code": "E0000001" if i % 2 else "E0000002",
            "imd_decile": d,
            "population": 1500 if population else pd.NA,
        }
        for d in range(1, 11)
        for i in range(n_per_decile)
    ]
    frame = pd.DataFrame(rows)
    frame["population"] = frame["population"].astype("Int64")
    return frame


def _offences(lsoas: pd.DataFrame, per_decile: dict[int, int], seed: int = 3) -> pd.Series:
    rng = np.random.default_rng(seed)
    codes = []
    for decile, n in per_decile.items():
        pool = lsoas.loc[lsoas["imd_decile"] == decile, "lsoa_code"].to_numpy()
        codes += list(rng.choice(pool, n))
    return pd.Series(codes, dtype="string")


def test_rates_by_decile_count_every_offence_and_give_intervals():
    lsoas = _lsoas()
    offences = _offences(lsoas, {d: 110 - 10 * d for d in range(1, 11)})
    table = dep.by_decile(dep.lsoa_counts(lsoas, offences))
    assert table["offences"].sum() == len(offences)
    assert table.loc[0, "offences"] == 100 and table.loc[9, "offences"] == 10
    # 100 offences among 15,000 residents: 6.67 per 1,000, inside its interval.
    assert table.loc[0, "rate_per_1000"] == pytest.approx(6.67, abs=0.01)
    assert (table["rate_lower"] < table["rate_per_1000"]).all()
    assert (table["rate_upper"] > table["rate_per_1000"]).all()


def test_without_populations_offences_per_lsoa_and_no_rates():
    lsoas = _lsoas(population=False)
    table = dep.by_decile(dep.lsoa_counts(lsoas, _offences(lsoas, {1: 50, 10: 5})))
    assert "rate_per_1000" not in table.columns and "population" not in table.columns
    assert table.loc[0, "offences_per_lsoa"] == 5.0


def test_concentration_index_zero_when_spread_as_residents_and_positive_when_deprived():
    lsoas = _lsoas()
    even = dep.by_decile(dep.lsoa_counts(lsoas, _offences(lsoas, dict.fromkeys(range(1, 11), 30))))
    assert dep.concentration_index(dep.concentration_curve(even, "population")) == pytest.approx(0)
    skewed = dep.by_decile(dep.lsoa_counts(lsoas, _offences(lsoas, {1: 200, 2: 100, 10: 10})))
    curve = dep.concentration_curve(skewed, "population")
    assert curve.iloc[-1, 1] == 100 and curve.iloc[-1, 2] == 100
    assert dep.concentration_index(curve) > 0.5


def test_gradient_interval_excludes_one_for_a_steep_gradient_and_covers_it_for_none():
    lsoas = _lsoas()
    steep = dep.gradient(
        dep.lsoa_counts(lsoas, _offences(lsoas, {d: 220 - 20 * d for d in range(1, 11)}))
    )
    assert steep.upper < 1 and steep.direction == "falls"
    flat = dep.gradient(dep.lsoa_counts(lsoas, _offences(lsoas, dict.fromkeys(range(1, 11), 40))))
    assert flat.lower < 1 < flat.upper
    assert flat.dispersion >= 1


def test_gradient_none_when_one_decile_or_no_offences():
    lsoas = _lsoas()
    assert dep.gradient(dep.lsoa_counts(lsoas, pd.Series([], dtype="string"))) is None
    one = lsoas[lsoas["imd_decile"] == 4]
    assert dep.gradient(dep.lsoa_counts(one, _offences(lsoas, {4: 20}))) is None


def test_area_lsoas_keep_the_area_and_unmatched_codes_are_counted():
    lsoas = _lsoas()
    area = dep.area_lsoas(lsoas, ["E0000001"])
    assert set(area["district_code"]) == {"E0000001"}
    offences = pd.Series(["E0101001", "E99999999", None], dtype="string")
    assert dep.unmatched_offences(area, offences) == 1
    assert not math.isnan(
        dep.concentration_index(
            dep.concentration_curve(dep.by_decile(dep.lsoa_counts(area, offences)), "population")
        )
    )
