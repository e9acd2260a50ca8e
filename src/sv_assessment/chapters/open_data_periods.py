"""The period each open-data figure covers: which months of the window were published, how
they read in words, and whether the assessment year is whole (rates are annual only then)."""

from __future__ import annotations

import pandas as pd

from sv_assessment.config import AssessmentConfig


def published_months(frame: pd.DataFrame) -> list[str]:
    """The months ('YYYY-MM') with at least one published record in the window."""
    return sorted(str(p) for p in frame["period"].dropna().unique())


def window_months(config: AssessmentConfig) -> list[str]:
    return [
        str(p)
        for p in pd.period_range(
            f"{config.first_year}-01", f"{config.assessment_year}-12", freq="M"
        )
    ]


def period_label(months: list[str], year: int) -> str:
    """The months of ``year`` among ``months``, as a reader reads them: '2024' for the whole
    year, 'January to March 2024 (3 months)', 'January and March 2024 (2 months)'."""
    mine = sorted(m for m in months if m.startswith(f"{year}-"))
    if len(mine) == 12:
        return str(year)
    if not mine:
        return f"no month of {year}"
    names = [pd.Period(m, "M").strftime("%B") for m in mine]
    numbers = [int(m[5:]) for m in mine]
    count = f"({len(mine)} month{'s' if len(mine) != 1 else ''})"
    if len(mine) == 1:
        return f"{names[0]} {year} {count}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{names[0]} to {names[-1]} {year} {count}"
    return f"{', '.join(names[:-1])} and {names[-1]} {year} {count}"


def full_year(months: list[str], year: int) -> bool:
    return sum(m.startswith(f"{year}-") for m in months) == 12


def coverage_table(
    config: AssessmentConfig, months: list[str], empty_months: list[str] | None = None
) -> pd.DataFrame:
    """Each month of the window: published, a file with no records, or no file."""
    empty = set(empty_months or [])
    present = set(months)
    rows = []
    for month in window_months(config):
        if month in present:
            status = "published"
        elif month in empty:
            status = "file with no records (treated as missing, not as zero)"
        else:
            status = "no file"
        rows.append({"month": month, "status": status})
    return pd.DataFrame(rows)


RATE_COLUMNS = ["rate", "rate_lower", "rate_upper", "compared_with_area", "rank"]


def district_view(table: pd.DataFrame, months: list[str], year: int) -> pd.DataFrame:
    """The district table as published: rates only for a whole year of published months."""
    shown = table.drop(columns=["district_code"])
    if full_year(months, year):
        return shown
    return shown.drop(columns=[c for c in RATE_COLUMNS if c in shown.columns])


def coverage_sentence(coverage: pd.DataFrame) -> str:
    """How many months of the window were published, and which were not."""
    missing = coverage.loc[coverage["status"] != "published", "month"].tolist()
    total = len(coverage)
    if not missing:
        return f"Every one of the {total} months of the assessment window was published."
    return (
        f"{total - len(missing)} of the {total} months of the assessment window were published; "
        f"nothing was published for {', '.join(missing)}. These months are shown as missing "
        f"(gaps in charts, 'nothing published' in tables), never as zero."
    )


def months_published(chapter) -> list[str]:
    """The months whose file had records, from the reader's record of the files: a month with
    no file stays missing even where a later file re-published a few of its crimes."""
    info = chapter.staged.input_summary().get(
        next(s.name for s in chapter.config.inputs.values() if s.kind == "police_uk_street"), {}
    )
    return list(info.get("reader", {}).get("months", []))
