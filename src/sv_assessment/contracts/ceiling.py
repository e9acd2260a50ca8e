"""A ceiling on rows set aside: past it, the input is wrong, not a few of its rows.

Rows failing a *warning* check are set aside and counted. When one check would set aside more
than the input's ceiling (``set_aside_ceiling`` under the input in the config, default 2%) and
more than a handful of rows, the build stops: figures from what is left would be a fraction of the truth (an unmapped sex coding
once set aside 71% of offences and the build published a third of the serious violence). The
message names the column, the commonest values found and what they should be.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from sv_assessment.contracts import suites
from sv_assessment.contracts.suites import ROW_ID, ContractReport
from sv_assessment.ingest.errors import InputError

SHOWN = 5
# A handful of bad rows is set aside whatever the share (a tiny input has large shares).
ALWAYS_ALLOWED = 5


def should_be(expectation: str, kwargs: dict[str, Any]) -> str:
    """What the values of a column should be, in words, from its expectation's arguments."""
    if expectation == "expect_column_values_to_be_in_set":
        return "one of " + ", ".join(repr(str(v)) for v in kwargs["value_set"])
    if expectation == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if low is not None and high is not None:
            return f"between {low} and {high}"
        return f"at least {low}" if low is not None else f"at most {high}"
    if expectation == "expect_column_values_to_match_regex":
        return f"text matching the pattern {kwargs['regex']}"
    if expectation == "expect_column_values_to_not_be_null":
        return "filled in (not blank)"
    return f"as {expectation} requires"


def _warning_checks(kind: str, parameters: dict[str, Any]) -> dict[str, tuple[str, str, dict]]:
    """Each warning-level check of a kind's suite, under the reason its set-aside rows carry."""
    checks = {}
    for expectation in suites.load_suite(kind).expectations:
        config = expectation.configuration
        column = config.kwargs.get("column")
        if column is None:
            continue
        kwargs = {
            key: parameters[value["$PARAMETER"]]
            if isinstance(value, dict) and "$PARAMETER" in value
            else value
            for key, value in config.kwargs.items()
        }
        checks[f"{config.type} ({column})"] = (config.type, column, kwargs)
    return checks


def _rows_by_reason(report: ContractReport) -> dict[str, list[int]]:
    rows: dict[str, list[int]] = {}
    for row, reasons in report.set_aside_reasons.items():
        for reason in reasons:
            rows.setdefault(reason, []).append(row)
    return rows


def check(
    frame: pd.DataFrame,
    report: ContractReport,
    kind: str,
    path: Path,
    ceiling: float,
    parameters: dict[str, Any],
) -> None:
    """Raise InputError when one check sets aside more than ``ceiling`` of the input's rows."""
    total = max(len(frame), 1)
    over = {
        reason: rows
        for reason, rows in _rows_by_reason(report).items()
        if len(rows) > ALWAYS_ALLOWED and len(rows) / total > ceiling
    }
    if not over:
        return
    checks = _warning_checks(kind, parameters)
    reason, rows = max(over.items(), key=lambda item: len(item[1]))
    expectation, column, kwargs = checks.get(reason, (reason, "(unknown)", {}))
    found = frame.loc[frame[ROW_ID].isin(rows), column] if column in frame else pd.Series()
    counts = found.astype("string").fillna("(blank)").value_counts().head(SHOWN)
    values = ", ".join(f"{value!r} ({n:,} rows)" for value, n in counts.items())
    others = sorted(set(over) - {reason})
    raise InputError(
        path,
        f"{len(rows):,} of {len(frame):,} rows ({len(rows) / total:.0%}) would be set aside by "
        f"the check {expectation}, more than this input's ceiling of {ceiling:.0%} for one "
        f"check. Commonest values: {values}; they should be {should_be(expectation, kwargs)}. "
        "Correct or recode the column in the extract; if so many rows really are to be left "
        "out, raise 'set_aside_ceiling' under this input in the config"
        + (f". Also over the ceiling: {', '.join(others)}" if others else ""),
        column,
        sorted(rows),
    )
