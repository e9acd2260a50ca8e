"""Data contracts: Great Expectations suites in data_contracts/, run before any notebook.

Severity lives on each expectation (GX's own ``severity`` field): ``critical`` stops the build,
``warning`` sets the failing rows aside into quarantine (row-level checks) or is reported, and
``info`` is reported only.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from sv_assessment.config import AssessmentConfig
from sv_assessment.paths import CONTRACTS_DIR
from sv_assessment.schema import AGE_BANDS, OFFENCE_GROUPS

# GX sends usage analytics by default; a build must make no network request.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

ROW_ID = "source_row"
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class ExpectationOutcome:
    input_name: str
    expectation: str
    column: str
    severity: str
    success: bool
    unexpected_count: int = 0
    example_rows: list[int] = field(default_factory=list)
    example_values: list[str] = field(default_factory=list)
    error: str | None = None

    def describe(self) -> str:
        text = f"input '{self.input_name}': {self.expectation} failed on column '{self.column}'"
        if self.unexpected_count:
            text += f" for {self.unexpected_count:,} row(s)"
        if self.example_rows:
            text += f"; example file rows {', '.join(map(str, self.example_rows))}"
        if self.example_values:
            text += f" (values: {', '.join(self.example_values)})"
        if self.error:
            text += f"; {self.error}"
        return text


@dataclass
class ContractReport:
    input_name: str
    source: str
    rows_read: int
    outcomes: list[ExpectationOutcome]
    set_aside_reasons: dict[int, list[str]] = field(default_factory=dict)

    @property
    def critical_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == "critical"]

    @property
    def rows_set_aside(self) -> int:
        return len(self.set_aside_reasons)

    def add(self, outcome: ExpectationOutcome, failing_rows: list[int]) -> None:
        """Record an expectation's outcome; a failed warning sets its failing rows aside."""
        self.outcomes.append(outcome)
        if not outcome.success and outcome.severity == "warning":
            reason = f"{outcome.expectation} ({outcome.column})"
            for row in failing_rows:
                self.set_aside_reasons.setdefault(row, []).append(reason)

    def set_aside_counts(self) -> dict[str, int]:
        """Rows set aside per failed check (a row failing two checks counts under each)."""
        counts: dict[str, int] = {}
        for reasons in self.set_aside_reasons.values():
            for reason in reasons:
                counts[reason] = counts.get(reason, 0) + 1
        return dict(sorted(counts.items()))

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "input": self.input_name,
            "source": self.source,
            "rows_read": self.rows_read,
            "rows_set_aside": self.rows_set_aside,
            "rows_used": self.rows_read - self.rows_set_aside,
            "set_aside_by_reason": self.set_aside_counts(),
            "outcomes": [asdict(o) for o in self.outcomes],
        }


class ContractBreach(RuntimeError):
    """A critical expectation failed; the message lists each one with its rows."""

    def __init__(self, failures: list[ExpectationOutcome]) -> None:
        self.failures = failures
        lines = "\n".join(f"  - {f.describe()}" for f in failures)
        super().__init__(f"data contract breached ({len(failures)} critical):\n{lines}")


def contract_parameters(config: AssessmentConfig, now: datetime | None = None) -> dict[str, Any]:
    """Values the suites leave as $PARAMETER, taken from the config and the build date."""
    now = pd.Timestamp(now or datetime.now())
    year_end = pd.Timestamp(config.assessment_year, 12, 31, 23, 59, 59)
    window_start = pd.Timestamp(config.first_year, 1, 1)
    return {
        "window_start": window_start,
        "latest_allowed": min(year_end, now),
        # An offence may be recorded years after it happened (non-recent offences).
        "earliest_occurrence": window_start - pd.DateOffset(years=30),
        "district_codes": config.district_codes,
        "offence_groups": list(OFFENCE_GROUPS),
        "age_bands": list(AGE_BANDS),
        "years": config.years,
    }


def load_suite(kind: str, contracts_dir: Path = CONTRACTS_DIR):
    import great_expectations as gx

    path = contracts_dir / f"{kind}.json"
    return gx.ExpectationSuite(**json.loads(path.read_text(encoding="utf-8")))


def _gx_batch(frame: pd.DataFrame, name: str):
    import great_expectations as gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas(f"{name}_source")
    asset = source.add_dataframe_asset(name)
    definition = asset.add_batch_definition_whole_dataframe("whole")
    return definition.get_batch(batch_parameters={"dataframe": frame})


def _outcome(input_name: str, result: Any) -> tuple[ExpectationOutcome, list[int]]:
    config = result.expectation_config
    kwargs = config.kwargs
    column = kwargs.get("column") or ", ".join(kwargs.get("column_list", [])) or "(table)"
    details = result.result or {}
    rows = sorted(
        {
            int(r[ROW_ID])
            for r in details.get("unexpected_index_list") or []
            if isinstance(r, dict) and ROW_ID in r
        }
    )
    values = [str(v) for v in (details.get("partial_unexpected_list") or [])[:MAX_EXAMPLES]]
    error = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        error = str(result.exception_info.get("exception_message"))
    outcome = ExpectationOutcome(
        input_name=input_name,
        expectation=config.type,
        column=column,
        severity=str(getattr(config.severity, "value", config.severity) or "critical"),
        success=bool(result.success),
        unexpected_count=int(details.get("unexpected_count") or 0),
        example_rows=rows[:MAX_EXAMPLES],
        example_values=values,
        error=error,
    )
    return outcome, rows


def validate_input(
    frame: pd.DataFrame, kind: str, input_name: str, source: str, parameters: dict[str, Any]
) -> ContractReport:
    """Run the kind's suite on a staged frame; collect outcomes and rows to set aside."""
    suite = load_suite(kind)
    batch = _gx_batch(frame, input_name)
    result_format = {
        "result_format": "COMPLETE",
        "unexpected_index_column_names": [ROW_ID],
        "partial_unexpected_count": MAX_EXAMPLES,
    }
    results = batch.validate(suite, expectation_parameters=parameters, result_format=result_format)
    report = ContractReport(input_name, source, len(frame), [])
    for result in results.results:
        report.add(*_outcome(input_name, result))
    return report


def split_quarantine(
    frame: pd.DataFrame, report: ContractReport
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows kept for analysis, and rows set aside with the reasons they failed."""
    aside = frame[ROW_ID].isin(report.set_aside_reasons)
    quarantine = frame[aside].copy()
    quarantine["set_aside_reason"] = quarantine[ROW_ID].map(
        lambda row: "; ".join(report.set_aside_reasons[row])
    )
    return frame[~aside].reset_index(drop=True), quarantine.reset_index(drop=True)
