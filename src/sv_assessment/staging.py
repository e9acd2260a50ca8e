"""Inputs to staged Parquet: make the demo extract if asked, ingest, run the contracts, set aside.

Staged files are what every notebook reads: ``<input>.parquet`` (rows used),
``<input>.quarantine.parquet`` (rows set aside, with the reason) and ``contracts.json``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from sv_assessment import columnar, contracts, ingest, lean_contracts
from sv_assessment.config import PROJECT_ROOT, AssessmentConfig

log = logging.getLogger(__name__)

WORK_ROOT = PROJECT_ROOT / "build"
CONTRACTS_FILE = "contracts.json"
INPUTS_FILE = "inputs.json"


@dataclass
class StagedData:
    directory: Path
    inputs: dict[str, dict] = field(default_factory=dict)
    reports: list[contracts.ContractReport] = field(default_factory=list)


def default_staged_dir(config: AssessmentConfig) -> Path:
    return WORK_ROOT / config.path.stem / str(config.assessment_year) / "staged"


def ensure_demo_inputs(config: AssessmentConfig) -> None:
    """Write the seeded synthetic demo extract where the config expects it, if it is absent."""
    if not config.demo.get("generate_if_missing"):
        return
    missing = [spec for spec in config.inputs.values() if not spec.path.exists()]
    for spec in [s for s in missing if s.kind == "police_uk_street"]:
        from sv_assessment import demo_police_uk

        log.info("making synthetic data.police.uk street files in %s", spec.path)
        demo_police_uk.write_for_config(config, spec.path)
    missing = [spec for spec in missing if spec.kind != "police_uk_street"]
    if not missing:
        return
    from sv_assessment import demo

    out_dir = missing[0].path.parent
    log.info("making the synthetic demo inputs in %s", out_dir)
    demo.write_demo_inputs(
        out_dir,
        [(d.code, d.name, d.population) for d in config.districts],
        config.first_year,
        config.assessment_year,
        int(config.demo.get("offences_per_year", 50_000)),
        int(config.demo.get("seed", 1)),
    )


def stage_inputs(
    config: AssessmentConfig, staged_dir: Path | None = None, now: datetime | None = None
) -> StagedData:
    """Ingest every configured input, validate it, and write the staged Parquet files.

    Raises ``ingest.InputError`` for unreadable input and ``contracts.ContractBreach`` when a
    critical expectation fails; nothing is written into the input folders.
    """
    staged_dir = staged_dir or default_staged_dir(config)
    ensure_demo_inputs(config)
    staged_dir.mkdir(parents=True, exist_ok=True)
    parameters = contracts.contract_parameters(config, now)
    staged = StagedData(staged_dir)
    failures: list[contracts.ExpectationOutcome] = []
    for spec in config.inputs.values():
        if not spec.path.exists() and spec.optional:
            staged.inputs[spec.name] = {"provided": False, "source": str(spec.path)}
            continue
        frame, reader_summary = _read_input(config, spec)
        report = lean_contracts.validate_input(
            frame, spec.kind, spec.name, str(spec.path), parameters
        )
        staged.reports.append(report)
        failures += report.critical_failures
        used, set_aside = lean_contracts.split_quarantine(frame, report)
        if len(used) + len(set_aside) != len(frame):  # nothing may be lost between the two
            raise RuntimeError(
                f"input '{spec.name}': {len(frame)} rows read but {len(used)} used and "
                f"{len(set_aside)} set aside"
            )
        used.to_parquet(staged_dir / f"{spec.name}.parquet", index=False)
        set_aside.to_parquet(staged_dir / f"{spec.name}.quarantine.parquet", index=False)
        staged.inputs[spec.name] = {
            "provided": True,
            "kind": spec.kind,
            "source": str(
                spec.path.relative_to(PROJECT_ROOT)
                if spec.path.is_relative_to(PROJECT_ROOT)
                else spec.path
            ),
            "sha256": ingest.file_sha256(spec.path),
            "bytes": spec.path.stat().st_size,
            **reader_summary,
            "rows_read": len(frame),
            "rows_used": len(used),
            "rows_set_aside": len(set_aside),
            "set_aside_by_reason": report.set_aside_counts(),
        }
    (staged_dir / CONTRACTS_FILE).write_text(
        json.dumps([r.to_json_dict() for r in staged.reports], indent=2, default=str)
    )
    (staged_dir / INPUTS_FILE).write_text(json.dumps(staged.inputs, indent=2))
    if failures:
        raise contracts.ContractBreach(failures)
    return staged


def _read_input(config: AssessmentConfig, spec) -> tuple[pd.DataFrame, dict]:
    """The input as its canonical frame, and what its reader reports (if anything)."""
    if spec.kind == "police_uk_street":
        from sv_assessment import police_uk

        force = config.police_uk.force if config.police_uk else None
        read = police_uk.read_street_files(spec.path, config.districts, force)
        return read.frame, {"reader": read.summary}
    sheet = (config.raw.get("inputs", {}).get(spec.name) or {}).get("sheet")
    if sheet is None:
        fast = columnar.read_clean_csv(spec.path, spec.kind)
        if fast is not None:
            return fast, columnar.CLEAN_CSV
    frame, raw = ingest.read_table(spec.path, spec.kind, sheet)
    return frame, raw.describe()


def read_staged(staged_dir: Path, name: str, columns: list[str] | None = None) -> pd.DataFrame:
    return pd.read_parquet(staged_dir / f"{name}.parquet", columns=columns)


def input_provided(staged_dir: Path, name: str) -> bool:
    return (staged_dir / f"{name}.parquet").exists()


def read_contract_reports(staged_dir: Path) -> list[dict]:
    return json.loads((staged_dir / CONTRACTS_FILE).read_text())


def read_input_summary(staged_dir: Path) -> dict[str, dict]:
    return json.loads((staged_dir / INPUTS_FILE).read_text())
