"""Chapter: data quality (completeness, timeliness, contract results, rows set aside)."""

from __future__ import annotations

import pandas as pd

from sv_assessment import analysis
from sv_assessment.schema import all_columns


def input_summary(inputs: dict[str, dict]) -> pd.DataFrame:
    rows = [
        {
            "input": name,
            "provided": "Yes" if info.get("provided") else "No",
            "rows_read": info.get("rows_read"),
            "rows_used": info.get("rows_used"),
            "rows_set_aside": info.get("rows_set_aside"),
        }
        for name, info in inputs.items()
    ]
    return pd.DataFrame(rows)


def offence_completeness(offences: pd.DataFrame) -> pd.DataFrame:
    columns = [c for c in all_columns("police_offences") if c != "offence_id"]
    return analysis.completeness(offences, columns)


def contract_results(reports: list[dict]) -> pd.DataFrame:
    """One row per expectation that did not pass, with its severity and how many rows failed."""
    rows = [
        {
            "input": r["input"],
            "check": o["expectation"].replace("expect_", "").replace("_", " "),
            "column": o["column"],
            "severity": o["severity"],
            "rows_failing": o["unexpected_count"],
        }
        for r in reports
        for o in r["outcomes"]
        if not o["success"]
    ]
    return pd.DataFrame(rows, columns=["input", "check", "column", "severity", "rows_failing"])


def contract_headline(reports: list[dict]) -> str:
    total = sum(len(r["outcomes"]) for r in reports)
    failed = sum(1 for r in reports for o in r["outcomes"] if not o["success"])
    aside = sum(r["rows_set_aside"] for r in reports)
    return (
        f"The inputs were checked against {total} expectations in the data contracts; "
        f"{total - failed} passed and {failed} did not. No critical expectation failed "
        f"(a critical failure stops the build). {aside:,} rows were set aside for failing "
        f"a row-level check and are not counted in this assessment."
    )


def lag_table(offences: pd.DataFrame) -> pd.DataFrame:
    return analysis.lag_summary(analysis.recording_lag_days(offences))
