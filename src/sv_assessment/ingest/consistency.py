"""Rows that read well one by one but contradict each other or the config: offence ids the same
but for letter case, a district name that belongs to another district's code, and a population
table with a district, year or age band missing (or a population of 0) that a rate would divide
by. Each stops the build with the file, column, rows and values, before any notebook runs."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from sv_assessment.config import District
from sv_assessment.ingest.errors import MAX_EXAMPLES, InputError
from sv_assessment.schema import AGE_BANDS


def _rows(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    return [int(r) for r in frame.loc[mask, "source_row"]]


def check_ids_differ_by_more_than_case(frame: pd.DataFrame, path: Path, column: str) -> None:
    """Crime references are not case-sensitive: ``ab12`` and ``AB12`` are one offence."""
    if column not in frame.columns:
        return
    ids = frame[column]
    folded = ids.str.casefold()
    if folded.nunique(dropna=True) == ids.nunique(dropna=True):
        return
    clash = folded.duplicated(keep=False) & ~ids.duplicated(keep=False) & ids.notna()
    raise InputError(
        path,
        "ids that differ only in upper and lower case: one offence recorded twice, or two "
        "offences that cannot be told apart; give each offence one id",
        column,
        _rows(frame, clash),
        ids[clash].head(MAX_EXAMPLES).tolist(),
    )


def _name_key(name: str) -> str:
    """A district name as compared: case, accents, '&' for 'and', spaces and punctuation aside."""
    plain = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower().replace("&", "and"))


def check_district_names(frame: pd.DataFrame, path: Path, districts: Iterable[District]) -> None:
    """A row's district name, where given, must be its code's name (or an alias of it)."""
    if not {"district_code", "district_name"} <= set(frame.columns):
        return
    names = {d.code: {_name_key(n) for n in (d.name, *d.aliases)} for d in districts}
    pairs = frame[["district_code", "district_name"]].dropna().drop_duplicates()
    wrong = [
        (code, name)
        for code, name in pairs.itertuples(index=False)
        if code in names and _name_key(name) not in names[code]
    ]
    if not wrong:
        return
    configured = {d.code: d.name for d in districts}
    mask = pd.Series(False, index=frame.index)
    for code, name in wrong:
        mask |= (frame["district_code"] == code) & (frame["district_name"] == name)
    shown = "; ".join(f"{code} is {configured[code]}, not {name!r}" for code, name in wrong[:5])
    raise InputError(
        path,
        f"district names contradict their ONS codes ({shown}). Correct the extract, or if it "
        "uses another name for the same district, add it to that district's 'aliases' in the "
        "config",
        "district_name",
        _rows(frame, mask.fillna(False)),
        [name for _, name in wrong],
    )


def check_population_complete(
    frame: pd.DataFrame, path: Path, district_codes: list[str], years: list[int]
) -> None:
    """Every district, year and age band a rate uses has a population above 0."""
    needed = pd.MultiIndex.from_product(
        [district_codes, years, AGE_BANDS], names=["district_code", "year", "age_band"]
    )
    given = frame.dropna(subset=["population"]).set_index(["district_code", "year", "age_band"])
    missing = needed.difference(given.index)
    if len(missing):
        shown = ", ".join(f"{c} {y} {b}" for c, y, b in missing[:8])
        more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
        raise InputError(
            path,
            f"the population is missing for {len(missing)} district, year and age band "
            f"combination(s) that rates are computed for: {shown}{more}. Give every district "
            f"in the config, every year from {years[0]} to {years[-1]} and every age band "
            f"({', '.join(AGE_BANDS)})",
            "population",
        )
    zero = (frame["population"] == 0).fillna(False) & frame["district_code"].isin(district_codes)
    zero &= frame["year"].isin(years)
    if zero.any():
        raise InputError(
            path,
            "a population of 0: a rate per 1,000 residents cannot be computed. Give the "
            "mid-year estimate for each of these rows",
            "population",
            _rows(frame, zero),
            [
                f"{c} {y} {b}"
                for c, y, b in frame.loc[zero, ["district_code", "year", "age_band"]]
                .head(MAX_EXAMPLES)
                .itertuples(index=False)
            ],
        )
