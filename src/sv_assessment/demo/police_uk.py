"""Synthetic data.police.uk street-level files, in exactly the published format, for the demo.

The files are laid out as a download unzips: ``<out_dir>/YYYY-MM/YYYY-MM-<force>-street.csv``,
with the published header and the traits of the real files: anti-social behaviour rows with no
Crime ID or outcome, crimes with no location (no coordinates, no LSOA), LSOA names whose
district prefix may be several words, a few crimes in LSOAs of neighbouring forces' districts,
and crimes re-published in the next month's file with an updated outcome. Everything in them is
made up by a seeded generator; they describe no real crime, place or person.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from sv_assessment.schema import POLICE_UK_STREET_HEADER

District = tuple[str, str, int]  # (ONS code, name, population)

CRIME_MIX: dict[str, float] = {
    "Violence and sexual offences": 0.33,
    "Anti-social behaviour": 0.17,
    "Criminal damage and arson": 0.08,
    "Public order": 0.08,
    "Other theft": 0.07,
    "Shoplifting": 0.06,
    "Vehicle crime": 0.06,
    "Burglary": 0.04,
    "Drugs": 0.02,
    "Other crime": 0.02,
    "Robbery": 0.01,
    "Possession of weapons": 0.01,
    "Theft from the person": 0.01,
    "Bicycle theft": 0.01,
}
OUTCOMES: dict[str, float] = {
    "Investigation complete; no suspect identified": 0.38,
    "Unable to prosecute suspect": 0.30,
    "Under investigation": 0.08,
    "Awaiting court outcome": 0.05,
    "Court result unavailable": 0.04,
    "Local resolution": 0.04,
    "Offender given a caution": 0.02,
    "Status update unavailable": 0.03,
    "Further investigation is not in the public interest": 0.02,
    "Action to be taken by another organisation": 0.02,
    "Formal action is not in the public interest": 0.01,
    "Offender given penalty notice": 0.01,
}
STREETS = (
    "High Street",
    "Station Road",
    "Church Lane",
    "Park Road",
    "Mill Lane",
    "London Road",
    "Victoria Road",
    "Queens Road",
    "Shopping Area",
    "Supermarket",
    "Nightclub",
    "Parking Area",
    "Petrol Station",
    "Sports/Recreation Area",
    "Bus/Coach Station",
)
NO_LOCATION_SHARE = 0.015
NEIGHBOUR_SHARE = 0.006
REPUBLISHED_SHARE = 0.01


def _shares(weights: dict[str, float]) -> np.ndarray:
    values = np.array(list(weights.values()))
    return values / values.sum()


def months_between(first: str, last: str) -> list[str]:
    return [str(p) for p in pd.period_range(first, last, freq="M")]


def _lsoas(districts: list[District], rng: np.random.Generator) -> pd.DataFrame:
    """LSOAs per district (about 1,600 residents each), named '<district> NNNX', with
    made-up codes, and a skewed weight (a few busy neighbourhoods)."""
    rows = []
    needed = sum(max(3, round(p / 1600)) for *_, p in districts)
    codes = rng.choice(np.arange(1, 40_000), size=needed + 50, replace=False)
    position = 0
    for code, name, population in districts:
        for index in range(max(3, round(population / 1600))):
            rows.append(
                {
                    "district_code": code,
                    "district": name,
                    "lsoa_code": f"E01{codes[position]:06d}",
                    "lsoa_name": f"{name} {index // 5 + 1:03d}{'ABCDE'[index % 5]}",
                }
            )
            position += 1
    frame = pd.DataFrame(rows)
    frame["weight"] = rng.lognormal(0.0, 0.9, len(frame))  # a few busy neighbourhoods
    return frame


def demo_lsoas(districts: list[District], seed: int) -> pd.DataFrame:
    """The LSOAs the street files of this seed use (for the demo deprivation file)."""
    return _lsoas(districts, np.random.default_rng(seed))


def map_points(
    lsoas: pd.DataFrame,
    districts: list[District],
    lsoa_codes: pd.Series,
    seed: int,
    longitude: np.ndarray,
    latitude: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """A made-up map point for each row: around a centre drawn for its LSOA inside its
    district's block of the demo boundaries (``demo.boundaries``), so hexagon maps show busy
    neighbourhoods where the district map puts the district. Rows of other LSOAs keep the
    ``longitude`` and ``latitude`` given."""
    from sv_assessment.demo import boundaries

    rng = np.random.default_rng([seed, 29])
    blocks = {}
    for feature in boundaries.feature_collection([(c, n) for c, n, _ in districts])["features"]:
        ring = np.array(feature["geometry"]["coordinates"][0])
        blocks[feature["properties"]["LAD24CD"]] = (*ring.min(axis=0), *ring.max(axis=0))
    west, south, east, north = (
        np.array([blocks[c][i] for c in lsoas["district_code"]]) for i in range(4)
    )
    margin = 0.08
    centre_x = rng.uniform(west + margin * (east - west), east - margin * (east - west))
    centre_y = rng.uniform(south + margin * (north - south), north - margin * (north - south))
    where = pd.Index(lsoas["lsoa_code"]).get_indexer(lsoa_codes)
    known = where >= 0
    spread = rng.normal(0.0, 0.012, (2, len(where)))
    x, y = longitude.astype(float).copy(), latitude.astype(float).copy()
    i = where[known]
    x[known] = np.clip(centre_x[i] + spread[0, known], west[i], east[i])
    y[known] = np.clip(centre_y[i] + spread[1, known] * 0.63, south[i], north[i])
    return x, y


def generate_street_rows(
    districts: list[District],
    force_name: str,
    months: list[str],
    seed: int,
    crimes_per_1000_per_month: float = 7.5,
    neighbours: tuple[str, ...] = ("Neighbouring Borough",),
) -> pd.DataFrame:
    """One row per published record, with a ``file_month`` column saying which file it is in."""
    rng = np.random.default_rng(seed)
    lsoas = _lsoas(districts, rng)
    outside = pd.DataFrame(
        {"lsoa_name": [f"{n} {i:03d}{'AB'[i % 2]}" for n in neighbours for i in range(1, 5)]}
    )
    outside["lsoa_code"] = [f"E01{900_000 + i:06d}" for i in range(len(outside))]
    total_population = sum(p for *_, p in districts)
    frames = []
    for month in months:
        n = int(rng.poisson(total_population / 1000 * crimes_per_1000_per_month))
        weights = lsoas["weight"] / lsoas["weight"].sum()
        picked = lsoas.iloc[rng.choice(len(lsoas), size=n, p=weights)]
        frame = pd.DataFrame(
            {
                "lsoa_code": picked["lsoa_code"].to_numpy(),
                "lsoa_name": picked["lsoa_name"].to_numpy(),
            }
        )
        frame["crime_type"] = rng.choice(list(CRIME_MIX), size=n, p=_shares(CRIME_MIX))
        spill = rng.random(n) < NEIGHBOUR_SHARE
        chosen = outside.iloc[rng.integers(0, len(outside), spill.sum())]
        frame.loc[spill, "lsoa_code"] = chosen["lsoa_code"].to_numpy()
        frame.loc[spill, "lsoa_name"] = chosen["lsoa_name"].to_numpy()
        frame["month"] = month
        frame["file_month"] = month
        frames.append(frame)
    rows = pd.concat(frames, ignore_index=True)
    n = len(rows)
    asb = rows["crime_type"].eq("Anti-social behaviour").to_numpy()
    hexes = rng.bytes(32 * n).hex()
    rows["crime_id"] = [hexes[i * 64 : (i + 1) * 64] for i in range(n)]
    rows.loc[asb, "crime_id"] = ""
    outcomes = rng.choice(list(OUTCOMES), size=n, p=_shares(OUTCOMES))
    rows["last_outcome_category"] = np.where(asb, "", outcomes)
    # Map points near each LSOA's made-up centre inside its district's block (the demo's
    # synthetic boundaries), from a stream of their own; the draws below are the ones the
    # generator always made, kept so that every other value stays as it was (and used for the
    # neighbours' LSOAs, which the reader drops).
    longitude = rng.normal(0.5, 0.3, n)
    latitude = rng.normal(51.3, 0.15, n)
    longitude, latitude = map_points(lsoas, districts, rows["lsoa_code"], seed, longitude, latitude)
    rows["longitude"] = np.round(longitude, 6).astype(str)
    rows["latitude"] = np.round(latitude, 6).astype(str)
    rows["location"] = "On or near " + pd.Series(rng.choice(STREETS, n))
    no_location = rng.random(n) < NO_LOCATION_SHARE
    rows.loc[no_location, ["longitude", "latitude", "lsoa_code", "lsoa_name"]] = ""
    rows.loc[no_location, "location"] = "No Location"
    # Some crimes appear again in the next month's file, with their outcome brought up to date.
    last = months[-1]
    candidates = np.flatnonzero(~asb & (rows["file_month"] != last).to_numpy())
    again = rows.iloc[
        rng.choice(candidates, size=int(len(candidates) * REPUBLISHED_SHARE), replace=False)
    ].copy()
    following = {m: months[i + 1] for i, m in enumerate(months[:-1])}
    again["file_month"] = again["file_month"].map(following)
    again["last_outcome_category"] = "Court result unavailable"
    rows = pd.concat([rows, again], ignore_index=True)
    rows["reported_by"] = force_name
    rows["falls_within"] = force_name
    rows["context"] = ""
    return rows


def write_street_files(
    out_dir: Path,
    districts: list[District],
    force: str,
    force_name: str,
    months: list[str],
    seed: int,
    crimes_per_1000_per_month: float = 7.5,
    neighbours: tuple[str, ...] = ("Neighbouring Borough",),
    as_zip: bool = False,
) -> list[Path]:
    """Write the monthly files as a download unzips (or, with ``as_zip``, as one zip at
    ``out_dir``); returns the paths written."""
    rows = generate_street_rows(
        districts, force_name, months, seed, crimes_per_1000_per_month, neighbours
    )
    columns = [
        "crime_id",
        "month",
        "reported_by",
        "falls_within",
        "longitude",
        "latitude",
        "location",
        "lsoa_code",
        "lsoa_name",
        "crime_type",
        "last_outcome_category",
        "context",
    ]
    files: dict[str, str] = {}
    for month, frame in rows.groupby("file_month", sort=True):
        text = frame[columns].to_csv(
            index=False,
            header=list(POLICE_UK_STREET_HEADER),
            lineterminator="\n",
            quoting=csv.QUOTE_MINIMAL,
        )
        files[f"{month}/{month}-{force}-street.csv"] = text
    if as_zip:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out_dir, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                archive.writestr(name, text)
        return [out_dir]
    written = []
    for name, text in files.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    (out_dir / "README.txt").write_text(
        "SYNTHETIC data in the data.police.uk street-level format, made by "
        "sv_assessment.demo_police_uk for demonstration. It describes no real crime, place or "
        "person.\n",
        encoding="utf-8",
    )
    return written


def write_for_config(config, target: Path) -> list[Path]:
    """The demo files an open-data config asks for (``demo`` settings), at its input path."""
    settings = config.police_uk
    months = config.demo.months or [
        f"{config.first_year}-01",
        f"{config.assessment_year}-12",
    ]
    return write_street_files(
        target,
        [(d.code, d.name, d.population) for d in config.districts],
        settings.force,
        settings.force_name,
        months_between(str(months[0]), str(months[-1])),
        config.demo.seed,
        config.demo.crimes_per_1000_per_month,
        tuple(config.demo.neighbouring_districts or ("Neighbouring Borough",)),
        as_zip=target.suffix == ".zip",
    )
