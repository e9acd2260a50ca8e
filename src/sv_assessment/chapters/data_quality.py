"""Chapter: data quality (completeness, validity, timeliness, duplicates, contract results and
rows set aside)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sv_assessment.analysis import definitions
from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.chapters import labels
from sv_assessment.config import AssessmentConfig
from sv_assessment.schema import OFFENCE_GROUPS, SEXES, all_columns, input_label


def input_summary(inputs: dict[str, dict]) -> pd.DataFrame:
    """Rows read, used and set aside per input; and, when an extract reaches beyond the
    assessment window, the rows outside it (out of scope, not errors), so read = the rest."""
    rows = [
        {
            "input": input_label(info, name),
            "provided": "Yes" if info.get("provided") else "No",
            "rows_read": info.get("rows_read"),
            "rows_outside_the_assessment_window": info.get("rows_out_of_scope", 0),
            "rows_used": info.get("rows_used"),
            "rows_set_aside": info.get("rows_set_aside"),
        }
        for name, info in inputs.items()
    ]
    frame = pd.DataFrame(rows)
    if not frame["rows_outside_the_assessment_window"].fillna(0).astype(bool).any():
        frame = frame.drop(columns="rows_outside_the_assessment_window")
    return frame


def protected_inputs(summary: pd.DataFrame, protect: Gate) -> Protected:
    """The input summary through the gate: rows read are the total of the rest on each row."""
    parts = [c for c in summary.columns if c.startswith("rows_") and c != "rows_read"]
    return protect(summary, parts, row_total_column="rows_read", grand_total_known=False)


def _field_names_for_readers(table: pd.DataFrame) -> pd.DataFrame:
    """'victim_age' is the data's name; readers see 'Victim age'."""
    return table.assign(field=table["field"].map(labels.plain_header))


def offence_completeness(offences: pd.DataFrame) -> pd.DataFrame:
    # Staged data made before an optional column existed (or by another reader) may lack it.
    columns = [
        c for c in all_columns("police_offences") if c != "offence_id" and c in offences.columns
    ]
    return _field_names_for_readers(definitions.completeness(offences, columns))


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


def contract_headline(reports: list[dict], count: Callable[[float], str] = str) -> str:
    """How many expectations passed, and how many rows were set aside (``count`` words that
    number as a sentence may show it: ``Chapter.count``)."""
    total = sum(len(r["outcomes"]) for r in reports)
    failed = sum(1 for r in reports for o in r["outcomes"] if not o["success"])
    aside = sum(r["rows_set_aside"] for r in reports)
    return (
        f"The inputs were checked against {total} expectations in the data contracts; "
        f"{total - failed} passed and {failed} did not. No critical expectation failed "
        f"(a critical failure stops the build). {count(aside)} rows were set aside for failing "
        f"a row-level check and are not counted in this assessment."
    )


def lag_table(offences: pd.DataFrame) -> pd.DataFrame:
    return definitions.lag_summary(definitions.recording_lag_days(offences))


def ae_completeness(ae: pd.DataFrame | None) -> pd.DataFrame | None:
    """Completeness of the optional A&E input, or None when it was not provided."""
    if ae is None:
        return None
    return _field_names_for_readers(definitions.completeness(ae, all_columns("ae_attendances")))


def validity_checks(offences: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Rows used in the analysis that still hold doubtful values, check by check."""
    ages_bad = {
        role: ((offences[f"{role}_age"] < 0) | (offences[f"{role}_age"] > 110))
        .fillna(False)
        .astype(bool)
        for role in ("victim", "suspect")
    }
    known_sex = set(SEXES)
    checks = [
        ("District code not in the config", ~offences["district_code"].isin(config.district_codes)),
        ("Offence group not recognised", ~offences["offence_group"].isin(OFFENCE_GROUPS)),
        ("Victim age below 0 or above 110", ages_bad["victim"]),
        ("Suspect age below 0 or above 110", ages_bad["suspect"]),
        (
            "Victim sex not Female, Male or Unknown",
            offences["victim_sex"].notna() & ~offences["victim_sex"].isin(known_sex),
        ),
        (
            "Recorded before it happened",
            (offences["recorded_date"] < offences["occurred_at"].dt.normalize()).fillna(False),
        ),
    ]
    return pd.DataFrame(
        {
            "check": [name for name, _ in checks],
            "rows_failing": [int(mask.sum()) for _, mask in checks],
        }
    )


def duplicates(offences: pd.DataFrame) -> pd.DataFrame:
    """Repeated crime references, and rows identical in every field but the reference."""
    same_fields = [
        c for c in offences.columns if c not in ("offence_id", "year", "month", "weekday", "hour")
    ]
    return pd.DataFrame(
        {
            "check": [
                "Crime reference appears more than once",
                "Identical in every field except the crime reference",
            ],
            "rows": [
                int(offences["offence_id"].duplicated(keep=False).sum()),
                int(offences.duplicated(subset=same_fields, keep=False).sum()),
            ],
        }
    )


def set_aside_reasons(quarantined: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rows set aside by input and reason (a row failing two checks counts under both)."""
    rows = []
    for name, frame in quarantined.items():
        if frame.empty or "set_aside_reason" not in frame:
            continue
        reasons = frame["set_aside_reason"].str.split("; ").explode()
        for reason, count in reasons.value_counts().items():
            rows.append({"input": name, "reason": reason, "rows": int(count)})
    return pd.DataFrame(rows, columns=["input", "reason", "rows"])


def timeliness_sentence(offences: pd.DataFrame) -> str:
    lags = definitions.recording_lag_days(offences)
    if lags.empty:
        return "No offence has a date of occurrence, so timeliness cannot be measured."
    late = (lags > 30).mean() * 100
    same_day = (lags <= 0).mean() * 100
    return (
        f"{same_day:.0f}% of offences were recorded on the day they happened, and nine in "
        f"ten within {lags.quantile(0.9):.0f} days. {late:.1f}% took more than 30 days, so "
        f"the most recent months may rise a little as late records arrive."
    )
