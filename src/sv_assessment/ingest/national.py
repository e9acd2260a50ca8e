"""A national data.police.uk archive (every force, many months) read once, with DuckDB, into
Parquet partitioned by local authority, so that each area's assessment reads only its own rows.

The archive is the unzipped download: ``YYYY-MM/YYYY-MM-<force>-street.csv`` for every force
and month. Each row's local authority comes from the whole LSOA-name prefix, as in the
single-force reader (``police_uk``); rows whose LSOA names no area in the population file, and
rows with no location, go to the partition ``area_code=_none`` (counted, never assessed). The
rows keep the file and line they came from, so that the per-area reader reports bad input the
way the single-force reader does.

What the archive covers is recorded as it is, never filled in: a force with no file for a month
is *missing* that month (``coverage.json``), which the index page shows as missing, not zero.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from sv_assessment.ingest.errors import MAX_EXAMPLES, InputError
from sv_assessment.ingest.police_uk import KEPT_COLUMNS, LSOA_SUFFIX, STREET_FILE
from sv_assessment.schema import POLICE_UK_STREET_HEADER

NO_AREA = "_none"  # the partition of rows no local authority can be given to
# DuckDB's memory: a bound, so a national ingest beside other work stays within it (it spills
# to a scratch folder beside the output beyond it). SV_DUCKDB_MEMORY_LIMIT overrides it.
MEMORY_LIMIT = "2GB"
PARTITION = "area_code"
COVERAGE_FILE = "coverage.json"


@dataclass(frozen=True)
class Area:
    """A local authority: ONS code, name and mid-year population."""

    code: str
    name: str
    population: int


@dataclass(frozen=True)
class ArchiveFile:
    path: Path
    month: str
    force: str


def archive_files(archive: Path) -> list[ArchiveFile]:
    """Every street file in an unzipped national archive, by month then force."""
    if not archive.is_dir():
        raise InputError(
            archive,
            "not a folder: unzip the data.police.uk archive first (DuckDB reads the CSV files "
            "in place); expected YYYY-MM/YYYY-MM-<force>-street.csv",
        )
    found = []
    for path in archive.rglob("*-street.csv"):
        match = STREET_FILE.search(path.relative_to(archive).as_posix())
        if match and match.group(1) == match.group(2):
            found.append(ArchiveFile(path, match.group(1), match.group(3)))
    if not found:
        raise InputError(archive, "no street-level files (YYYY-MM/YYYY-MM-<force>-street.csv)")
    return sorted(found, key=lambda f: (f.month, f.force))


def check_headers(files: list[ArchiveFile]) -> None:
    """Every file has the published header (first line only: the files are not read twice)."""
    for item in files:
        with item.path.open("rb") as handle:
            first = handle.readline().decode("utf-8-sig").strip().split(",")
        if tuple(first) != POLICE_UK_STREET_HEADER:
            missing = [c for c in POLICE_UK_STREET_HEADER if c not in first]
            raise InputError(
                item.path,
                f"not the data.police.uk street-level header (expected "
                f"{','.join(POLICE_UK_STREET_HEADER)})",
                ", ".join(missing) or None,
            )


def coverage(files: list[ArchiveFile]) -> dict:
    """Months each force has a file for, and the months of the archive it has none for."""
    months = sorted({f.month for f in files})
    forces: dict[str, list[str]] = {}
    for item in files:
        forces.setdefault(item.force, []).append(item.month)
    return {
        "months": months,
        "forces": {force: sorted(set(m)) for force, m in sorted(forces.items())},
        "missing": {
            force: [m for m in months if m not in set(present)]
            for force, present in sorted(forces.items())
        },
    }


def _area_keys(areas: list[Area], aliases: dict[str, str] | None) -> list[tuple[str, str]]:
    keys = [(a.name.strip().lower(), a.code) for a in areas]
    keys += [(name.strip().lower(), code) for name, code in (aliases or {}).items()]
    return keys


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def ingest_archive(
    archive: Path,
    areas: list[Area],
    out_dir: Path,
    aliases: dict[str, str] | None = None,
    threads: int | None = None,
    memory_limit: str | None = None,
) -> dict:
    """Read the whole archive once into ``out_dir/crimes/area_code=<code>/*.parquet`` and write
    ``out_dir/coverage.json``; returns the coverage (with rows per area and force).

    The folder is written beside ``out_dir`` and renamed into place, so a failed or killed
    ingest never leaves a half-written archive that looks complete."""
    import duckdb

    files = archive_files(archive)
    check_headers(files)
    tmp = out_dir.parent / f".tmp-{out_dir.name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        con = duckdb.connect()
        con.execute("SET enable_progress_bar = false")
        limit = memory_limit or os.environ.get("SV_DUCKDB_MEMORY_LIMIT") or MEMORY_LIMIT
        con.execute("SET memory_limit = ?", [limit])
        con.execute("SET temp_directory = ?", [(tmp / "spill").as_posix()])
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute("CREATE TEMP TABLE areas (area_key VARCHAR, code VARCHAR)")
        con.executemany("INSERT INTO areas VALUES (?, ?)", _area_keys(areas, aliases))
        columns = ", ".join(f"'{c}': 'VARCHAR'" for c in POLICE_UK_STREET_HEADER)
        prefix = archive.as_posix().rstrip("/") + "/"
        kept = ", ".join(f'trim("{source}") AS {name}' for source, name in KEPT_COLUMNS.items())
        # One pass over the CSV files into a scratch Parquet file; the rest reads that. Line
        # numbers: WITH ORDINALITY numbers the rows in file order, each file's rows a run, so
        # a row's line is its number less its file's first, plus 2 (the header is line 1).
        raw = (tmp / "raw.parquet").as_posix()
        con.execute(
            f"""COPY (
                SELECT {kept}, filename, ordinality AS o,
                       lower(trim(regexp_replace(trim("LSOA name"), '{LSOA_SUFFIX}', '')))
                           AS area_key
                FROM read_csv({_sql_list([f.path for f in files])}, header = true,
                              columns = {{{columns}}}, filename = true, quote = '"',
                              escape = '"', strict_mode = true) WITH ORDINALITY
            ) TO '{raw}' (FORMAT parquet, COMPRESSION snappy)"""
        )
        con.execute(
            f"""CREATE TEMP VIEW street AS
            SELECT r.* EXCLUDE (filename, o),
                   replace(r.filename, '{prefix}', '') AS source_file,
                   r.o - f.first + 2 AS source_line,
                   regexp_extract(r.filename, '(\\d{{4}}-\\d{{2}})-[a-z0-9-]+-street\\.csv$', 1)
                       AS file_month
            FROM read_parquet('{raw}') r
            JOIN (SELECT filename, min(o) AS first FROM read_parquet('{raw}') GROUP BY 1) f
              USING (filename)"""
        )
        _refuse_bad_months(con, archive)
        con.execute(
            f"""COPY (
                SELECT s.* EXCLUDE (area_key), coalesce(a.code, '{NO_AREA}') AS {PARTITION}
                FROM street s LEFT JOIN areas a ON s.area_key = a.area_key
            ) TO '{(tmp / "crimes").as_posix()}'
            (FORMAT parquet, PARTITION_BY ({PARTITION}), COMPRESSION zstd)"""
        )
        per_area = con.execute(
            f"""SELECT {PARTITION}, regexp_extract(source_file, '\\d{{4}}-\\d{{2}}-([a-z0-9-]+)-street\\.csv$', 1),
                       count(*)
                FROM read_parquet('{(tmp / "crimes").as_posix()}/**/*.parquet',
                                  hive_partitioning = true)
                GROUP BY ALL"""
        ).fetchall()
        con.close()
        (tmp / "raw.parquet").unlink()
        shutil.rmtree(tmp / "spill", ignore_errors=True)
        summary = coverage(files)
        summary["files"] = len(files)
        summary["areas"] = _rows_by_area(per_area)
        (tmp / COVERAGE_FILE).write_text(json.dumps(summary, indent=2), encoding="utf-8")
        shutil.rmtree(out_dir, ignore_errors=True)
        tmp.rename(out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def _rows_by_area(per_area: list[tuple]) -> dict[str, dict[str, int]]:
    areas: dict[str, dict[str, int]] = {}
    for code, force, rows in per_area:
        areas.setdefault(code, {})[force] = int(rows)
    return {code: dict(sorted(forces.items())) for code, forces in sorted(areas.items())}


def _refuse_bad_months(con, archive: Path) -> None:
    """A Month that is not YYYY-MM stops the ingest, naming the file, lines and values."""
    bad = con.execute(
        r"""SELECT source_file, source_line, month FROM street
            WHERE month IS NULL OR NOT regexp_full_match(month, '\d{4}-(0[1-9]|1[0-2])')
            ORDER BY source_file, source_line LIMIT 50"""
    ).fetchall()
    if bad:
        first = bad[0][0]
        rows = [r for r in bad if r[0] == first]
        raise InputError(
            archive / first,
            "not a month (expected YYYY-MM)",
            "Month",
            [int(r[1]) for r in rows][: MAX_EXAMPLES + 1],
            [str(r[2]) for r in rows][:MAX_EXAMPLES],
        )


def read_coverage(out_dir: Path) -> dict:
    return json.loads((out_dir / COVERAGE_FILE).read_text(encoding="utf-8"))


def area_partition(out_dir: Path, code: str) -> Path:
    """The folder of one local authority's rows."""
    return out_dir / "crimes" / f"{PARTITION}={code}"


def slug(name: str) -> str:
    """A folder name for a place: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "place"
