"""``pipeline.py check``: ingest and the data contracts only, and a data-quality summary to read.

For an analyst getting a new extract's mapping right: it reads every input exactly as the build
would (same mapping, same derivations, same contracts) into a folder of its own, and prints
what was read, where each field came from, what the contracts found and what was set aside.
No notebook runs and nothing is published.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sv_assessment.config import AssessmentConfig, load_config
from sv_assessment.paths import WORK_ROOT

SET_ASIDE_WARNING = 0.05  # above this share of rows set aside, the summary says so


@dataclass
class CheckResult:
    ok: bool
    summary: str


def check_folder(config: AssessmentConfig, work_dir: Path = WORK_ROOT) -> Path:
    return work_dir / config.path.stem / str(config.assessment_year) / "check"


def run_check(
    config_path: Path | None, year: int | None = None, work_dir: Path = WORK_ROOT
) -> CheckResult:
    """Stage and validate every input; the summary, or the error that stopped it."""
    from sv_assessment.build.staging import stage_inputs
    from sv_assessment.contracts.suites import ContractBreach
    from sv_assessment.ingest.errors import InputError

    config = load_config(config_path, year)
    folder = check_folder(config, work_dir)
    head = (
        f"Checked {config.path.name} for {config.assessment_year}: inputs and data contracts "
        "only (no report built)."
    )
    try:
        staged = stage_inputs(config, folder)
    except InputError as error:
        return CheckResult(False, f"{head}\n\nINPUT ERROR: {error}")
    except ContractBreach as error:
        inputs = _read_json(folder / "inputs.json")
        reports = _read_json(folder / "contracts.json") or []
        text = summary_text(inputs or {}, reports)
        return CheckResult(False, f"{head}\n\n{text}\n\nCRITICAL: {error}")
    reports = [r.to_json_dict() for r in staged.reports]
    return CheckResult(True, f"{head}\n\n{summary_text(staged.inputs, reports)}")


def _read_json(path: Path):
    import json

    return json.loads(path.read_text()) if path.is_file() else None


def summary_text(inputs: dict[str, dict], reports: list[dict]) -> str:
    """What each input gave, where each field came from, and what the contracts found."""
    lines: list[str] = []
    for name, info in inputs.items():
        if not info.get("provided"):
            lines.append(f"{name}: not provided ({info.get('source')})")
            continue
        how = ", ".join(
            f"{k} {info[k]}" for k in ("format", "encoding", "sheet", "header_line") if info.get(k)
        )
        lines.append(f"{name}: {info.get('source')}" + (f" ({how})" if how else ""))
        outside = info.get("rows_out_of_scope")
        lines.append(
            f"  rows read {info['rows_read']:,}, used {info['rows_used']:,}, "
            f"set aside {info['rows_set_aside']:,}"
            + (f", outside the assessment's period {outside:,}" if outside else "")
        )
        for reason, count in (info.get("set_aside_by_reason") or {}).items():
            lines.append(f"    set aside: {reason}: {count:,}")
        if info["rows_read"] and info["rows_set_aside"] > SET_ASIDE_WARNING * info["rows_read"]:
            lines.append(
                f"  WARNING: {info['rows_set_aside'] / info['rows_read']:.0%} of the rows are "
                "set aside: check the mapping of the columns named above"
            )
        fields = info.get("fields") or []
        if fields:
            lines.append("  fields:")
            width = max(len(f["field"]) for f in fields)
            for f in fields:
                extra = f"  [{f['mapping']}]" if f.get("mapping") else ""
                lines.append(f"    {f['field']:<{width}}  {f['source']}{extra}")
        codes = info.get("offence_codes") or {}
        if codes:
            lines.append("  offence groups from Home Office codes:")
            for code, group in codes.items():
                lines.append(f"    {code:<6} {group}")
    outcomes = [(r["input"], o) for r in reports for o in r["outcomes"]]
    failed = [(name, o) for name, o in outcomes if not o["success"]]
    lines.append(
        f"\nData contracts: {len(outcomes)} expectations, {len(outcomes) - len(failed)} passed, "
        f"{len(failed)} did not."
    )
    for name, o in failed:
        lines.append(
            f"  {o['severity']:<8} {name}: {o['expectation']} on {o['column']} "
            f"({o['unexpected_count'] or 0:,} rows)"
        )
    return "\n".join(lines)
