"""A seeded synthetic LSOA deprivation file, in the layout of the English Indices of
Deprivation 2025 File 7 (LSOA code and name, district, IMD decile, population denominator).

Only for the demo LSOAs (made-up codes, so they cannot be joined to real areas by mistake).
Busier LSOAs are drawn as more deprived, so the demo shows the gradient a real area usually
does; every decile, name and population here is invented.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# The headers as the government publishes them (ingest.columns matches them to our fields).
PUBLISHED_HEADERS = {
    "lsoa_code": "LSOA code (2021)",
    "lsoa_name": "LSOA name (2021)",
    "district_code": "Local Authority District code (2024)",
    "imd_decile": "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    "population": "Total population: mid 2022",
}


def lsoa_names(lsoas: pd.DataFrame, district_names: dict[str, str]) -> pd.Series:
    """Names in the ONS pattern '<district> NNNX', numbered within each district."""
    index = lsoas.groupby("district_code").cumcount().to_numpy()
    return pd.Series(
        [
            f"{district_names[code]} {i // 5 + 1:03d}{'ABCDE'[i % 5]}"
            for code, i in zip(lsoas["district_code"], index, strict=True)
        ],
        index=lsoas.index,
    )


def generate_deprivation(
    lsoas: pd.DataFrame, district_names: dict[str, str], seed: int
) -> pd.DataFrame:
    """One row per LSOA: ``lsoas`` has district_code, lsoa_code, weight (and may have
    lsoa_name). Deciles follow the LSOA's busyness within its district, with noise."""
    rng = np.random.default_rng([seed, 13])
    weight = lsoas["weight"] / lsoas.groupby("district_code")["weight"].transform("mean")
    score = np.log(weight.to_numpy()) + rng.normal(0.0, 0.8, len(lsoas))
    # Rank across the area: the most deprived tenth of the area's LSOAs gets decile 1.
    share = pd.Series(-score).rank(method="first", pct=True).to_numpy()
    decile = np.clip(np.ceil(share * 10), 1, 10).astype(int)
    names = lsoas["lsoa_name"] if "lsoa_name" in lsoas else lsoa_names(lsoas, district_names)
    return pd.DataFrame(
        {
            "lsoa_code": lsoas["lsoa_code"].astype(str).to_numpy(),
            "lsoa_name": names.astype(str).to_numpy(),
            "district_code": lsoas["district_code"].astype(str).to_numpy(),
            "imd_decile": decile,
            "population": rng.integers(1_100, 2_600, len(lsoas)),
        }
    )


def write_for_config(config, target: Path) -> Path:
    """The demo deprivation file for a demo config's LSOAs (partner or open data)."""
    districts = [(d.code, d.name, d.population) for d in config.districts]
    if config.source == "police_uk":
        from sv_assessment.demo import police_uk

        lsoas = police_uk.demo_lsoas(districts, config.demo.seed)
    else:
        from sv_assessment.demo import partner

        lsoas = partner.district_lsoas(districts, config.demo.seed)
    frame = generate_deprivation(
        lsoas, {d.code: d.name for d in config.districts}, config.demo.seed
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.rename(columns=PUBLISHED_HEADERS).to_csv(target, index=False, lineterminator="\n")
    return target
