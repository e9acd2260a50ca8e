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

from sv_assessment.build import cache
from sv_assessment.catalog import StagedData, WorkFolder
from sv_assessment.config import AssessmentConfig
from sv_assessment.contracts import ceiling, suites, validation
from sv_assessment.ingest import canonical, consistency, fast_csv
from sv_assessment.ingest.columns import canonical_column_names
from sv_assessment.ingest.errors import InputError
from sv_assessment.ingest.mapping import ExtractMapping
from sv_assessment.paths import relative_to_project
from sv_assessment.schema import PARTNER_KINDS, SCHEMAS

log = logging.getLogger(__name__)


@dataclass
class StagingResult:
    staged: StagedData
    inputs: dict[str, dict] = field(default_factory=dict)
    reports: list[suites.ContractReport] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        return self.staged.directory


def default_staged_dir(config: AssessmentConfig) -> Path:
    return WorkFolder.for_assessment(config.path.stem, config.assessment_year).staged.directory


def ensure_demo_inputs(config: AssessmentConfig) -> None:
    """Make the seeded synthetic inputs a demo config expects, where they are absent.

    Only for the synthetic demo (``synthetic_data: true``), only when a required input is
    missing, only into the demo's own folder (one holding nothing but demo files), and never
    over an existing file: a partner's real extract is never touched, whatever the config says.
    """
    if not config.demo.generate_if_missing:
        return
    absent = [spec for spec in config.inputs.values() if not spec.path.exists()]
    if all(spec.optional for spec in absent):
        # Every required input is there: an absent optional one stays absent, except a
        # partner-data file the demo makes, in the demo's own (marked) folder.
        _partner_demo_files(config, [s for s in absent if _in_demo_folder(s.path)])
        return
    if not config.synthetic_data:
        log.warning(
            "demo.generate_if_missing is ignored: synthetic_data is false, so the inputs are "
            "real and none is ever made up"
        )
        return
    for spec in [s for s in absent if s.kind == "police_uk_street"]:
        from sv_assessment.demo import police_uk as demo_police_uk

        log.info("making synthetic data.police.uk street files in %s", spec.path)
        demo_police_uk.write_for_config(config, spec.path)
    partner = [s for s in absent if s.kind not in ("police_uk_street", *DERIVED_DEMO_KINDS)]
    if partner:
        from sv_assessment.demo import partner as demo

        folder = _demo_folder(config, partner, demo)
        log.info("making the synthetic demo inputs in %s", folder)
        demo.write_inputs(
            {spec.kind: spec.path for spec in partner},
            [(d.code, d.name, d.population) for d in config.districts],
            config.first_year,
            config.assessment_year,
            config.demo.offences_per_year,
            config.demo.seed,
        )
    # After the extract, whose LSOAs and districts they describe. The previous edition's
    # tables are made by the chapters' code, so not here (staging's cache key would then
    # cover every chapter): build/previous_demo.py.
    for spec in [s for s in absent if s.kind == "deprivation"]:
        from sv_assessment.demo import deprivation as demo_deprivation

        log.info("making a synthetic LSOA deprivation file at %s", spec.path)
        demo_deprivation.write_for_config(config, spec.path)
    for spec in [s for s in absent if s.kind == "boundaries"]:
        from sv_assessment.demo import boundaries as demo_boundaries

        log.info("making synthetic district blocks (not real boundaries) at %s", spec.path)
        demo_boundaries.write_for_config(config, spec.path)
    _partner_demo_files(config, absent)


def _in_demo_folder(path: Path) -> bool:
    from sv_assessment.demo import partner as demo

    readme = path.parent / demo.README
    return readme.is_file() and readme.read_text(errors="replace").startswith(
        demo.README_FIRST_LINE
    )


def _partner_demo_files(config: AssessmentConfig, absent: list) -> None:
    """Synthetic partner data (hospital admissions, ambulance, schools, youth justice), for a
    synthetic config only (its caller checks), each where its input is configured."""
    if not config.synthetic_data:
        return
    from sv_assessment.demo import partner_data as demo_partner_data

    for spec in [s for s in absent if s.kind in PARTNER_KINDS]:
        log.info("making synthetic %s in its publisher's layout at %s", spec.kind, spec.path)
        demo_partner_data.write_for_config(config, spec.kind, spec.path)


# Demo inputs made from (or to match) the demo extract, after it.
DERIVED_DEMO_KINDS = ("deprivation", "previous_tables", "boundaries", *PARTNER_KINDS)


def _demo_folder(config: AssessmentConfig, absent: list, demo) -> Path:
    """The one folder the demo inputs go in, if it is the demo's own: absent, empty, or holding
    only demo files under a demo README. Otherwise an InputError: nothing is written."""
    folders = {spec.path.parent for spec in absent}
    folder = folders.pop()
    ours = {spec.path.name for spec in config.inputs.values()} | {demo.README}
    found = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    readme = folder / demo.README
    marked = readme.is_file() and readme.read_text(errors="replace").startswith(
        demo.README_FIRST_LINE
    )
    strangers = [name for name in found if name not in ours]
    if folders or strangers or (found and not marked):
        raise InputError(
            folder,
            "the synthetic demo inputs are made only in a folder of their own, and this one "
            f"holds files that are not the demo's ({', '.join(strangers or found)}) or the "
            f"inputs are spread over more than one folder. Nothing was written. Point the "
            "config's inputs at an empty folder for the demo, or set "
            "demo.generate_if_missing: false to use the files that are there",
        )
    return folder


def stage_inputs(
    config: AssessmentConfig,
    staged_dir: Path | None = None,
    now: datetime | None = None,
    raw: dict[str, dict] | None = None,
) -> StagingResult:
    """Ingest every configured input, validate it, and write the staged Parquet files.

    Raises ``ingest.InputError`` for unreadable input and ``contracts.ContractBreach`` when a
    critical expectation fails; nothing is written into the input folders. The staged data is
    marked usable (``inputs.json`` written) only once every contract has passed, so a chapter
    never reads data whose contracts failed, however often it is re-run.
    """
    staged_dir = staged_dir or default_staged_dir(config)
    ensure_demo_inputs(config)
    staged_dir.mkdir(parents=True, exist_ok=True)
    staged = StagingResult(StagedData(staged_dir))
    staged.staged.inputs_file.unlink(missing_ok=True)  # unusable until the contracts pass
    parameters = suites.contract_parameters(config, now)
    failures: list[suites.ExpectationOutcome] = []
    for spec in config.inputs.values():
        if not spec.path.exists() and spec.optional:
            staged.inputs[spec.name] = {"provided": False, "source": str(spec.path)}
            continue
        # Fingerprinted once, before reading (by the build, for its cache key, or here), and
        # checked after: the staged rows are from the file the key and run record name.
        fingerprint = (raw or {}).get(spec.name) or cache.raw_fingerprint(spec.path)
        frame, reader_summary = _read_input(config, spec)
        if not cache.unchanged(spec.path, fingerprint):
            raise InputError(
                spec.path,
                "the file changed while it was being read (another program is writing it?); "
                "nothing was staged from it. Build again once it is complete",
            )
        rows_read = len(frame)
        frame = in_window(frame, spec.kind, config, now)
        _check_consistency(config, spec, frame)
        report = validation.validate_input(frame, spec.kind, spec.name, str(spec.path), parameters)
        staged.reports.append(report)
        failures += report.critical_failures
        if not report.critical_failures:  # a breach is reported as such, below
            ceiling.check(frame, report, spec.kind, spec.path, spec.set_aside_ceiling, parameters)
        used, set_aside = validation.split_quarantine(frame, report)
        if len(used) + len(set_aside) != len(frame):  # nothing may be lost between the two
            raise RuntimeError(
                f"input '{spec.name}': {len(frame)} rows read but {len(used)} used and "
                f"{len(set_aside)} set aside"
            )
        staged.staged.write(spec.name, used)
        staged.staged.write(spec.name + ".quarantine", set_aside)
        staged.inputs[spec.name] = {
            "provided": True,
            "kind": spec.kind,
            "source": relative_to_project(spec.path),
            "sha256": fingerprint["sha256"],
            "bytes": fingerprint["size"],
            **reader_summary,
            "rows_read": rows_read,
            "rows_out_of_scope": rows_read - len(frame),
            "rows_used": len(used),
            "rows_set_aside": len(set_aside),
            "set_aside_by_reason": report.set_aside_counts(),
        }
    staged.staged.contracts_file.write_text(
        json.dumps([r.to_json_dict() for r in staged.reports], indent=2, default=str)
    )
    if failures:
        raise suites.ContractBreach(failures)
    staged.staged.inputs_file.write_text(json.dumps(staged.inputs, indent=2))
    return staged


def _check_consistency(config: AssessmentConfig, spec, frame: pd.DataFrame) -> None:
    """Contradictions the row-by-row contracts cannot see (``ingest.consistency``)."""
    consistency.check_ids_differ_by_more_than_case(frame, spec.path, "offence_id")
    consistency.check_district_names(frame, spec.path, config.districts)
    if spec.kind == "population":
        consistency.check_population_complete(frame, spec.path, config.district_codes, config.years)


# The date that places each row in time. An extract may cover more than the assessment window
# (a five-year extract assessed for an earlier year): rows dated before the window, or after it
# but not after today, are out of scope and counted, never a breach. A date in the future stays
# in, for the contract to refuse.
WINDOW_DATE = {
    "police_offences": "recorded_date",
    "ae_attendances": "attendance_date",
    "police_uk_street": "month",
}


def in_window(
    frame: pd.DataFrame, kind: str, config: AssessmentConfig, now: datetime | None = None
) -> pd.DataFrame:
    """The rows of ``frame`` in scope for the assessment window (rows without a date stay)."""
    column = WINDOW_DATE.get(kind)
    if column not in frame.columns:
        return frame
    dates = frame[column]
    start = pd.Timestamp(config.first_year, 1, 1)
    end = pd.Timestamp(config.assessment_year + 1, 1, 1)
    outside = (dates < start) | ((dates >= end) & (dates <= pd.Timestamp(now or datetime.now())))
    outside = outside.fillna(False).astype(bool)
    return frame.loc[~outside].reset_index(drop=True) if outside.any() else frame


def extract_mapping(config: AssessmentConfig, spec) -> ExtractMapping:
    """How to read this input: its mapping in the config, and the districts to derive to."""
    return ExtractMapping(
        kind=spec.kind,
        input_name=spec.name,
        columns=spec.columns,
        values=spec.values,
        date_formats=spec.date_format,
        lsoa_lookup=spec.lsoa_lookup,
        config_path=config.path,
        districts=config.districts,
    )


def _check_coverage(config: AssessmentConfig, spec, summary: dict) -> None:
    """Months of the assessment window with nothing published: recorded (and warned of) or,
    with ``police_uk.missing_months: stop``, a stop naming them."""
    window = [
        str(p)
        for p in pd.period_range(
            f"{config.first_year}-01", f"{config.assessment_year}-12", freq="M"
        )
    ]
    missing = [m for m in window if m not in set(summary.get("months", []))]
    summary["months_missing_in_window"] = missing
    if not missing:
        return
    listed = ", ".join(missing[:12]) + (
        f" and {len(missing) - 12} more" if len(missing) > 12 else ""
    )
    message = (
        f"{len(missing)} {'month' if len(missing) == 1 else 'months'} of the assessment window "
        f"have no published records: {listed}"
    )
    if config.police_uk and config.police_uk.missing_months == "stop":
        raise InputError(spec.path, message + " (police_uk.missing_months: stop)")
    log.warning("%s: %s; they are shown as missing, never as zero", spec.path.name, message)


def _read_input(config: AssessmentConfig, spec) -> tuple[pd.DataFrame, dict]:
    """The input as its canonical frame, and what its reader reports (if anything)."""
    if spec.kind == "police_uk_street":
        from sv_assessment.ingest import police_uk

        settings = config.police_uk
        read = police_uk.read_street_files(
            spec.path,
            config.districts,
            settings.force if settings else None,
            settings.falls_within if settings else None,
        )
        _check_coverage(config, spec, read.summary)
        return read.frame, {"reader": read.summary}
    if spec.kind == "boundaries":
        from sv_assessment.ingest import boundaries

        frame = boundaries.read_boundaries(spec.path, config.district_codes)
        return frame, {"reader": "GeoJSON boundaries"}
    if spec.kind == "previous_tables":
        from sv_assessment.ingest import previous

        return previous.read_previous_tables(spec.path), {"reader": "published tables"}
    mapping = extract_mapping(config, spec)
    if spec.sheet is None and mapping.is_plain:
        fast = fast_csv.read_clean_csv(spec.path, spec.kind)
        if fast is not None:
            fields = SCHEMAS[spec.kind]
            names = canonical_column_names(fast_csv.header(spec.path), fields)
            sources = canonical.field_sources(fields, names, None, {})
            return fast, {**fast_csv.CLEAN_CSV, "fields": sources}
    read = canonical.read_mapped(spec.path, spec.kind, spec.sheet, mapping)
    return read.frame, read.describe()
