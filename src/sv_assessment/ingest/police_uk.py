"""Read data.police.uk street-level crime files, as downloaded, into the canonical schema.

A download is a folder (or a zip of it) of monthly folders ``YYYY-MM/YYYY-MM-<force>-street.csv``
with the published header. The reader:

- keeps anti-social behaviour rows (they have no Crime ID and no outcome);
- keeps crimes with no LSOA (no location was published) in the force-wide totals, with no district;
- takes the district from the whole LSOA-name prefix (``Tonbridge and Malling 012C`` →
  ``Tonbridge and Malling``) and matches it to the config's districts by name (or alias);
- excludes crimes in LSOAs of districts outside the assessment area (a force's file carries a few
  from its neighbours' areas), counting them;
- keeps only the latest publication of a crime re-published in a later month's file, counting
  the earlier copies it drops;
- keeps the anonymised map point (Longitude, Latitude; a crime is already moved to one of a
  set of points near it before publication) as numbers, for hexagon density maps, which publish
  only counts of 5 or more per hexagon; drops the street text (Location) and Context as it
  reads: they never reach the staged data or any output.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sv_assessment.config import District
from sv_assessment.ingest import police_uk_checks as checks
from sv_assessment.ingest.errors import MAX_EXAMPLES, InputError
from sv_assessment.schema import POLICE_UK_STREET_FIELDS, POLICE_UK_STREET_HEADER

STREET_FILE = re.compile(r"(?:^|/)(\d{4}-\d{2})/(\d{4}-\d{2})-([a-z0-9-]+)-street\.csv$")
LSOA_SUFFIX = r"\s+\d{3}[A-Z]$"  # the ' 001B' that follows the district in an LSOA name
KEPT_COLUMNS = {
    "Crime ID": "crime_id",
    "Month": "month",
    "Reported by": "reported_by",
    "Falls within": "falls_within",
    "LSOA code": "lsoa_code",
    "LSOA name": "lsoa_name",
    "Crime type": "crime_type",
    "Last outcome category": "last_outcome_category",
    "Longitude": "longitude",
    "Latitude": "latitude",
}
ASB = "Anti-social behaviour"


@dataclass
class StreetRead:
    """The canonical frame and what the reader did to get it, for the data-quality chapter."""

    frame: pd.DataFrame
    summary: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _StreetFile:
    name: str  # path inside the folder or zip, e.g. 2024-01/2024-01-kent-street.csv
    month: str
    force: str


def list_street_files(source: Path, force: str | None = None) -> list[_StreetFile]:
    """The street files in a download folder or zip, oldest month first, for one force."""
    if not source.exists():
        raise InputError(
            source,
            "not found: expected a folder or a .zip of monthly folders "
            "YYYY-MM/YYYY-MM-<force>-street.csv from data.police.uk",
        )
    if source.is_dir():
        names = [p.relative_to(source).as_posix() for p in source.rglob("*-street.csv")]
    elif zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            names = archive.namelist()
    else:
        raise InputError(source, "is neither a folder nor a zip file")
    found = []
    for name in names:
        match = STREET_FILE.search(name)
        if match and match.group(1) == match.group(2):
            found.append(_StreetFile(name, match.group(1), match.group(3)))
    forces = sorted({f.force for f in found})
    if force:
        found = [f for f in found if f.force == force]
    if not found:
        wanted = f"for the force '{force}' " if force else ""
        raise InputError(
            source,
            f"no street-level files {wanted}found (expected "
            f"YYYY-MM/YYYY-MM-<force>-street.csv; forces present: "
            f"{', '.join(forces) or 'none'})",
        )
    if not force and len(forces) > 1:
        raise InputError(
            source,
            f"files for several forces ({', '.join(forces)}): set "
            f"police_uk.force in the config to choose one",
        )
    return sorted(found, key=lambda f: (f.month, f.name))


def _read_bytes(source: Path, name: str) -> bytes:
    if source.is_dir():
        return (source / name).read_bytes()
    with zipfile.ZipFile(source) as archive:
        return archive.read(name)


def _read_one(source: Path, street: _StreetFile) -> pd.DataFrame:
    where = source / street.name
    data = _read_bytes(source, street.name)
    header = data.split(b"\n", 1)[0].decode("utf-8-sig").strip().split(",")
    if tuple(header) != POLICE_UK_STREET_HEADER:
        missing = [c for c in POLICE_UK_STREET_HEADER if c not in header]
        raise InputError(
            where,
            f"not the data.police.uk street-level header (expected "
            f"{','.join(POLICE_UK_STREET_HEADER)})",
            ", ".join(missing) or None,
        )
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            usecols=list(KEPT_COLUMNS),
            engine="pyarrow",
        )
    except Exception as error:  # pyarrow's errors name no file: re-raise with ours
        raise InputError(where, f"cannot be read as CSV: {error}") from error
    frame = frame.rename(columns=KEPT_COLUMNS)[list(KEPT_COLUMNS.values())]
    frame["source_file"] = street.name
    frame["source_line"] = frame.index.to_numpy() + 2  # the header is line 1
    frame["file_month"] = street.month
    return frame


AREA_PARTITION = "area_code="  # a national archive's folder of one area's rows


def _force_of(name: str) -> str:
    match = STREET_FILE.search(name)
    return match.group(3) if match else ""


def _read_area_partition(source: Path) -> pd.DataFrame:
    """An area's rows as the national ingest stored them: the kept columns as text, with the
    file, line and file month each came from (the same frame ``_read_one`` makes)."""
    if not any(source.glob("*.parquet")):
        raise InputError(source, "no Parquet files: run the national ingest again")
    frame = pd.read_parquet(source)
    for name in ("longitude", "latitude"):  # an archive ingested before coordinates were kept
        if name not in frame.columns:
            frame[name] = ""
    columns = [*KEPT_COLUMNS.values(), "source_file", "source_line", "file_month"]
    frame = frame[columns].sort_values(["file_month", "source_file", "source_line"])
    text = list(KEPT_COLUMNS.values())
    frame[text] = frame[text].fillna("").astype(object)
    return frame.reset_index(drop=True)


def _coordinate(
    text: pd.DataFrame, raw: pd.DataFrame, source: Path, name: str, header: str, limit: float
) -> pd.Series:
    """A coordinate column as numbers (blank where no location was published); a value that
    is not a number in range stops the read, naming the file, column and lines."""
    values = pd.to_numeric(text[name], errors="coerce")
    bad = text[name].notna() & (values.isna() | (values.abs() > limit))
    if bad.any():
        first = raw[bad].iloc[0]
        raise InputError(
            source / first["source_file"],
            f"not a {header.lower()} in degrees",
            header,
            raw.loc[bad, "source_line"].head(MAX_EXAMPLES + 1).tolist(),
            text.loc[bad, name].head(MAX_EXAMPLES).tolist(),
        )
    return values.astype("float64")


def _examples(values: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in values.value_counts().head(10).items()}


def read_street_files(
    source: Path,
    districts: tuple[District, ...] | list[District],
    force: str | None = None,
    force_name: str | None = None,
) -> StreetRead:
    """Read every monthly street file of ``force`` under ``source`` (a folder or a zip), or one
    local authority's rows of a national archive (``ingest.national``: a folder
    ``area_code=<code>`` of Parquet, read from the CSV files once for every area)."""
    national = source.name.startswith(AREA_PARTITION)
    if national:
        raw = _read_area_partition(source)
        files = [_StreetFile(n, n[:7], _force_of(n)) for n in sorted(set(raw["source_file"]))]
        empty_months: list[str] = []
    else:
        files = list_street_files(source, force)
        checks.refuse_repeated_months(source, files)
        frames = [_read_one(source, f) for f in files]
        # A file with its header and no rows is a month with nothing published, not a month
        # with no crime: it is reported as such, never counted as a zero.
        empty_months = [f.month for f, frame in zip(files, frames, strict=True) if frame.empty]
        raw = pd.concat(frames, ignore_index=True)
    text = raw[list(KEPT_COLUMNS.values())].apply(lambda c: c.str.strip())
    text = text.where(text != "")
    rows_read = len(raw)

    month = pd.to_datetime(text["month"], format="%Y-%m", errors="coerce")
    bad = month.isna()
    if bad.any():
        first = raw[bad].iloc[0]
        raise InputError(
            source / first["source_file"],
            "not a month (expected YYYY-MM)",
            "Month",
            raw.loc[bad, "source_line"].head(MAX_EXAMPLES + 1).tolist(),
            raw.loc[bad, "month"].head(MAX_EXAMPLES).tolist(),
        )
    checks.check_month_column(source, raw, text["month"], text["crime_id"])
    # A local authority's rows of a national archive may fall within several forces.
    other, force_checked = (
        (pd.Series(False, index=raw.index), "")
        if national
        else checks.other_force(source, text["falls_within"], force_name)
    )

    # Re-published crimes: keep the copy in the latest month's file (files are read oldest first).
    has_id = text["crime_id"].notna()
    earlier_copy = has_id & text["crime_id"].duplicated(keep="last")
    republished = int(earlier_copy.sum())

    # District from the whole LSOA-name prefix, matched by name (or alias) to the config.
    lookup = {key.strip().lower(): d for d in districts for key in (d.name, *d.aliases)}
    prefix = text["lsoa_name"].str.replace(LSOA_SUFFIX, "", regex=True).str.strip()
    matched = prefix.str.lower().map({k: d.code for k, d in lookup.items()})
    # No LSOA name: no location was published, so the district is not known (kept, counted).
    outside = text["lsoa_name"].notna() & matched.isna() & ~earlier_copy & ~other

    keep = ~earlier_copy & ~outside & ~other
    names = {d.code: d.name for d in districts}
    frame = pd.DataFrame(
        {
            "crime_id": text["crime_id"],
            "month": month,
            "reported_by": text["reported_by"],
            "falls_within": text["falls_within"],
            "lsoa_code": text["lsoa_code"],
            "lsoa_name": text["lsoa_name"],
            "district_name": matched.map(names),
            "district_code": matched,
            "crime_type": text["crime_type"],
            "last_outcome_category": text["last_outcome_category"],
            "longitude": _coordinate(text, raw, source, "longitude", "Longitude", 180),
            "latitude": _coordinate(text, raw, source, "latitude", "Latitude", 90),
        }
    )[keep]
    for f in POLICE_UK_STREET_FIELDS:
        frame[f.name] = frame[f.name].astype(f.dtype)
    frame["source_file"] = raw.loc[keep, "source_file"].astype("string")
    frame["source_line"] = raw.loc[keep, "source_line"].astype("int64")
    frame = frame.reset_index(drop=True)
    frame["source_row"] = (frame.index.to_numpy() + 1).astype("int64")

    kept_asb = frame["crime_type"].eq(ASB)
    summary = {
        "files": len(files),
        "months": sorted({f.month for f in files} - set(empty_months)),
        "months_without_records": sorted(empty_months),
        "forces": sorted({f.force for f in files}),
        "rows_read": rows_read,
        "republished_copies_removed": republished,
        "force_checked": force_checked,
        "other_force_removed": int((other & ~earlier_copy).sum()),
        "other_forces": _examples(
            text.loc[other & ~earlier_copy, "falls_within"].fillna("(blank)")
        ),
        "outside_area_removed": int(outside.sum()),
        "outside_area_districts": _examples(prefix[outside]),
        "rows_kept": len(frame),
        "anti_social_behaviour_rows": int(kept_asb.sum()),
        "crimes_kept": int((~kept_asb).sum()),
        "rows_without_location": int(frame["lsoa_code"].isna().sum()),
        "crimes_without_location": int((frame["lsoa_code"].isna() & ~kept_asb).sum()),
        "lsoas": int(frame["lsoa_code"].nunique()),
    }
    return StreetRead(frame, summary)
