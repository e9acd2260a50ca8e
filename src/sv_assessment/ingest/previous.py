"""Read last year's published assessment tables (its ``tables/`` folder, as published) into
one long frame: which table, which row (a year, a district or an LSOA), which measure, value.

Only the published tables are read, never last year's data: the comparison is with what the
partnership told its board last year. Numbers are read as published ("1,234"; a suppressed
cell, "[c]", is missing). A table the folder does not have is skipped; the chapter says so.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sv_assessment.ingest.errors import InputError

# table -> (the column that names the row, {published header: measure})
TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "sv_rate_by_year": ("Year", {"Offences": "offences", "Rate per 1,000": "rate"}),
    "district_rates": ("District", {"Rank": "rank", "Rate per 1,000": "rate"}),
    "places_top_lsoas": ("LSOA", {"Rank": "rank"}),
}


def published_number(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.replace(",", "", regex=False).str.strip()
    return pd.to_numeric(text, errors="coerce")


def read_previous_tables(folder: Path) -> pd.DataFrame:
    """The long frame of every known table found in ``folder`` (columns: table, key, measure,
    value, and the assessment year the table is of, from its newest year)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, "the previous assessment's tables folder was not found")
    frames = []
    for table, (key, measures) in TABLES.items():
        path = folder / f"{table}.csv"
        if not path.is_file():
            continue
        published = pd.read_csv(path, dtype=str, keep_default_na=False)
        missing = [c for c in [key, *measures] if c not in published.columns]
        if missing:
            raise InputError(
                path, f"a published table without the columns {missing}", missing[0], [], []
            )
        for header, measure in measures.items():
            frames.append(
                pd.DataFrame(
                    {
                        "table": table,
                        "key": published[key].astype("string"),
                        "measure": measure,
                        "value": published_number(published[header]),
                    }
                )
            )
    if not frames:
        raise InputError(
            folder, f"none of the tables {sorted(f'{t}.csv' for t in TABLES)} is in the folder"
        )
    frame = pd.concat(frames, ignore_index=True)
    return frame.astype({"table": "string", "measure": "string", "value": "float64"})
