"""SYNTHETIC partner data for the demo, each in (a simplified version of) its publisher's layout:
hospital admissions for assault by a sharp object (NHS Hospital Episode Statistics), ambulance
call-outs for assault, school suspensions and permanent exclusions (the DfE's local-authority
CSV) and youth justice first-time entrants.

Every number is drawn at random from the config's district populations (seeded, so the files
are the same each time); they describe no real admission, call-out, pupil or child. Data the
publisher gives by upper-tier local authority (schools, youth justice) are given for each
upper-tier authority the config names (``upper_tier``) and for each district without one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SYNTHETIC = "SYNTHETIC"
# Headers as the publishers write them (ingest.columns matches them to the fields).
HEADERS = {
    "hospital_admissions": ["Financial year", "LA code", "LA name", "Age group", "Admissions"],
    "ambulance_callouts": [
        "Financial year",
        "District code",
        "District name",
        "Age group",
        "Incidents",
    ],  # fmt: skip
    "school_exclusions": [
        "time_period",
        "time_identifier",
        "geographic_level",
        "new_la_code",
        "la_name",
        "school_type",
        "headcount",
        "perm_excl",
        "susp",
    ],  # fmt: skip
    "youth_justice": ["Financial year", "LA code", "LA name", "First time entrants"],
}
# A year's expected count per 100,000 residents, by age group (roughly national orders of
# magnitude for each measure; invented for the demo).
HES_BANDS = {"0-14": 1.0, "15-19": 14.0, "20-24": 12.0, "25+": 3.5}
AMBULANCE_BANDS = {"0-17": 60.0, "18-24": 240.0, "25+": 110.0}
FTE_PER_100K = 18.0  # first-time entrants a year per 100,000 residents (all ages)
PUPIL_SHARE = 0.15  # pupils on roll as a share of residents
SUSPENSION_RATE, EXCLUSION_RATE = 0.09, 0.0011  # a year, per pupil
SCHOOL_TYPES = (("State-funded primary", 0.55), ("State-funded secondary", 0.42),
                ("Special", 0.03))  # fmt: skip


# The demo's county council by its ONS code (the name a publisher's file gives it).
UPPER_TIER_NAMES = {"E10000016": "Kent"}


def _areas(config, upper_tier: bool) -> list[tuple[str, str, int]]:
    """(code, name, residents) of each area a publisher reports: districts, or upper-tier
    authorities with the residents of their districts."""
    if not upper_tier:
        return [(d.code, d.name, d.population) for d in config.districts]
    found: dict[str, list] = {}
    for d in config.districts:
        code = d.upper_tier or d.code
        name = UPPER_TIER_NAMES.get(d.upper_tier, d.upper_tier) if d.upper_tier else d.name
        found.setdefault(code, [code, name, 0])[2] += d.population
    return [tuple(v) for v in found.values()]


def _financial(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _trend(rng: np.random.Generator, years: list[int]) -> dict[int, float]:
    """A gentle drift across the years (a few per cent a year, up or down)."""
    slope = rng.normal(0.0, 0.04)
    return {y: float(np.exp(slope * (y - years[0]))) for y in years}


def generate(kind: str, config, seed: int) -> pd.DataFrame:
    """The demo table of one partner kind, with the publisher's headers."""
    rng = np.random.default_rng([seed, 31, list(HEADERS).index(kind)])
    # Split years (2019-20 to 2023-24 for a 2024 assessment): the latest published one ends
    # within the assessment year, as a real release would.
    years = [y - 1 for y in config.years]
    drift = _trend(rng, years)
    rows = []
    if kind in ("hospital_admissions", "ambulance_callouts"):
        bands = HES_BANDS if kind == "hospital_admissions" else AMBULANCE_BANDS
        for code, name, residents in _areas(config, upper_tier=False):
            for year in years:
                for band, rate in bands.items():
                    count = rng.poisson(rate * residents / 100_000 * drift[year])
                    rows.append([_financial(year), code, name, band, int(count)])
    elif kind == "youth_justice":
        for code, name, residents in _areas(config, upper_tier=True):
            for year in years:
                count = rng.poisson(FTE_PER_100K * residents / 100_000 * drift[year])
                rows.append([_financial(year), code, name, int(count)])
    else:
        for code, name, residents in _areas(config, upper_tier=True):
            for year in years:
                pupils = round(residents * PUPIL_SHARE)
                parts = []
                for school, share in SCHOOL_TYPES:
                    roll = round(pupils * share)
                    perm = rng.poisson(EXCLUSION_RATE * roll * drift[year] * (share > 0.4) * 2)
                    susp = rng.poisson(SUSPENSION_RATE * roll * drift[year])
                    parts.append((school, roll, int(perm), int(susp)))
                total = ("Total", *np.sum([p[1:] for p in parts], axis=0).astype(int).tolist())
                for school, roll, perm, susp in [total, *parts]:
                    rows.append([f"{year}{(year + 1) % 100:02d}", "Academic year",
                                 "Local authority", code, name, school, roll, perm, susp])  # fmt: skip
    return pd.DataFrame(rows, columns=HEADERS[kind])


def write_for_config(config, kind: str, target: Path) -> Path:
    """The demo file of ``kind`` at ``target`` (never over an existing file)."""
    frame = generate(kind, config, config.demo.seed)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "x", encoding="utf-8", newline="") as handle:
        handle.write(frame.to_csv(index=False, lineterminator="\n"))
    return target
