"""What a data.police.uk download claims, checked before it is counted: each month given once,
each row's Month the month of its file, and each row within the configured force.

A month present twice (two downloads unzipped into one folder) would double its anti-social
behaviour rows, which carry no Crime ID to de-duplicate; a row whose Month is not its file's
month means the file is not what its name says; both stop the build naming the files. Rows of
another force (a file can carry a few, some with no location to give them away) are set aside
and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sv_assessment.ingest.errors import MAX_EXAMPLES, InputError


def refuse_repeated_months(source: Path, files: Sequence) -> None:
    """Stop when a month of the force is given by more than one file."""
    by_month: dict[str, list[str]] = {}
    for street in files:
        by_month.setdefault(street.month, []).append(street.name)
    repeated = {month: names for month, names in by_month.items() if len(names) > 1}
    if repeated:
        month, names = next(iter(sorted(repeated.items())))
        raise InputError(
            source,
            f"the month {month} is given more than once ({', '.join(names)}); a month counted "
            f"twice doubles its records: keep one copy of each month"
            + (f" (also repeated: {', '.join(sorted(repeated)[1:])})" if len(repeated) > 1 else ""),
        )


def check_month_column(
    source: Path, raw: pd.DataFrame, month_text: pd.Series, crime_id: pd.Series
) -> None:
    """Stop when a row's Month is not the month in its file's name. The one exception is a
    crime re-published with an update: it keeps its Crime ID and its own, earlier, month (and
    only the latest copy is kept). A later month, or an earlier one on a record with no Crime
    ID (anti-social behaviour is never re-published), means the file is not what it says."""
    republished = month_text.lt(raw["file_month"]) & crime_id.notna()
    wrong = month_text.notna() & month_text.ne(raw["file_month"]) & ~republished
    if wrong.any():
        first = raw[wrong].iloc[0]
        raise InputError(
            source / first["source_file"],
            f"rows whose Month is not the file's month ({first['file_month']}): the file is not "
            f"the month its name says",
            "Month",
            raw.loc[wrong & raw["source_file"].eq(first["source_file"]), "source_line"]
            .head(MAX_EXAMPLES + 1)
            .tolist(),
            raw.loc[wrong, "month"].head(MAX_EXAMPLES).tolist(),
        )


def other_force(
    source: Path, falls_within: pd.Series, force_name: str | None
) -> tuple[pd.Series, str]:
    """Rows whose Falls within is not the force assessed, and the force's name as checked: the
    configured ``force_name``, or where none is set the name most rows of the files give."""
    names = falls_within.fillna("").str.strip()
    if force_name is None:
        common = names[names != ""].mode()
        if common.empty:
            return pd.Series(False, index=falls_within.index), ""
        force_name = str(common.iloc[0])
    other = names.str.lower().ne(force_name.strip().lower())
    if len(names) and other.all():
        found = ", ".join(f"{k} ({v})" for k, v in names.value_counts().head(5).items())
        raise InputError(
            source,
            f"no row falls within '{force_name}' (the files give: {found}); set "
            f"police_uk.force_name to the force's name as in the files",
            "Falls within",
        )
    return other, force_name
