"""A draft config from profiled extracts: each column matched to our fields, every guess marked.

The draft is a starting point the analyst edits, never a config the build trusts as is: each
mapped column, value mapping and date format carries ``# GUESS`` and the reason, and what
cannot be guessed (the area, the districts' populations) carries ``# EDIT``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from sv_assessment.ingest.guesses import (
    DERIVED_FROM,
    DERIVED_NOTES,
    guess_kind,
    match_columns,
    value_guesses,
)
from sv_assessment.ingest.profile import (
    READER_DATE_FORMATS,
    READER_DATETIME_FORMATS,
    FileProfile,
    profile_file,
)


def _flow(value: object) -> str:
    """A YAML value on one line (a list in brackets)."""
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


def _quote(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return yaml.safe_dump(str(value), default_style='"').strip()


def input_lines(name: str, profile: FileProfile, kind: str, root: Path) -> list[str]:
    """The YAML lines of one input, with the mapping and a GUESS note on each guess."""
    path = profile.path.resolve()
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    lines = [f"  {name}:", f"    path: {_quote(shown)}", f"    kind: {kind}"]
    if profile.sheet:
        lines.append(f"    sheet: {_quote(profile.sheet)}  # GUESS: the sheet with the data")
    matched = match_columns(profile, kind)
    renamed = {h: m for h, m in matched.items() if m[1] != "same name"}
    if renamed:
        lines.append("    columns:  # their header: our field")
        for header, (target, why) in renamed.items():
            lines.append(f"      {_quote(header)}: {target}  # GUESS ({why}): confirm")
    values = {}
    for header, (target, _) in matched.items():
        guess = value_guesses(target, profile.column(header))
        if guess:
            values[target] = guess
    if values:
        lines.append("    values:  # per field, their code: our value")
        for target, table in values.items():
            lines.append(f"      {target}:")
            for code, value in table.items():
                lines.append(f"        {_quote(code)}: {_quote(value)}  # GUESS: confirm")
    formats = {}
    for header, (target, _) in matched.items():
        column = profile.column(header)
        accepted = READER_DATETIME_FORMATS if target.endswith("_at") else READER_DATE_FORMATS
        if column.date_format and column.date_format not in accepted:
            formats[target] = column.date_format
    if formats:
        lines.append("    date_format:")
        for target, fmt in formats.items():
            lines.append(f"      {target}: {_quote(fmt)}  # GUESS (every value reads so): confirm")
    targets = {m[0] for m in matched.values()}
    if "lsoa_code" in targets and not targets & {"district_code", "district_name", "lsoa_name"}:
        lines.append(
            '    lsoa_lookup: "EDIT: the ONS LSOA (2021) to district lookup CSV '
            '(docs/your_extract.md)"  # the district is derived from the LSOA'
        )
    derived = [
        f"{target} (derived: {how})"
        for target, how in DERIVED_NOTES.items()
        if target not in {m[0] for m in matched.values()}
        and any(m[0] == DERIVED_FROM[target] for m in matched.values())
    ]
    if derived:
        lines.append("    # Derived from the extract's other fields: " + "; ".join(derived))
    ignored = [c.header for c in profile.columns if c.header not in matched]
    if ignored:
        lines.append(
            "    # Not used (never read into the assessment): "
            + ", ".join(repr(h) for h in ignored)
        )
    return lines


def profile_notes(profile: FileProfile, kind: str) -> list[str]:
    """Comment lines describing the file, for the analyst to check the draft against. Codes
    are listed only for columns matched to our fields: a column nothing maps may hold names
    or free text, which must not be copied into a config file."""
    where = f"{profile.path.name}" + (f", sheet {profile.sheet!r}" if profile.sheet else "")
    notes = [f"# {where}: {profile.rows:,} rows, header on line {profile.header_line}"]
    matched = match_columns(profile, kind)
    for c in profile.columns:
        detail = c.kind + (f" ({c.date_format})" if c.date_format else "")
        if c.header not in matched:
            detail = "not matched to a field"
        elif c.codes and c.kind == "codes":
            codes = ", ".join(f"{k or '(blank)'}: {v:,}" for k, v in list(c.codes.items())[:8])
            detail += f"; codes {codes}"
        notes.append(f"#   {c.header!r}: {detail}; {c.blank:,} blank")
    return notes


INPUT_NAMES = {
    "police_offences": "offences",
    "population": "population",
    "ae_attendances": "ae_attendances",
}


def _main_table(profiles: list[FileProfile]) -> FileProfile:
    """The sheet of a workbook that holds the data: the one with most rows."""
    return max(profiles, key=lambda p: p.rows)


def _districts(matched_codes: set[str], template: dict) -> list[str]:
    """District lines: the template's districts when the extract's codes are all among them."""
    known = {d["code"]: d for d in template.get("districts", [])}
    if matched_codes and matched_codes <= set(known):
        return [
            f"  - {{code: {d['code']}, name: {_quote(d['name'])}, population: {d['population']}}}"
            for d in template["districts"]
            if d["code"] in matched_codes
        ] + ["  # GUESS: the districts whose codes the extract holds; check the populations"]
    codes = sorted(matched_codes) or ["EDIT"]
    return [
        f'  - {{code: {code}, name: "EDIT", population: EDIT}}  # EDIT: name, Census 2021 residents'
        for code in codes
    ]


def profile_files(files: list[Path]) -> list[FileProfile]:
    """Each file's table: the CSV, or the sheet of a workbook that holds the data."""
    return [_main_table(profile_file(Path(f))) for f in files]


def draft_config(tables: list[FileProfile], root: Path, template: dict) -> str:
    """The text of a draft config for these profiled extracts."""
    lines = [
        "# DRAFT written by `pipeline.py init` from: " + ", ".join(str(t.path) for t in tables),
        "# Lines marked GUESS were read from the files: confirm or correct each one.",
        "# Lines marked EDIT need your value. Then run: pipeline.py check --config <this file>",
        "#",
    ]
    for table in tables:
        lines += profile_notes(table, guess_kind(table))
    inputs: list[str] = []
    kinds: set[str] = set()
    codes: set[str] = set()
    latest = None
    for table in tables:
        kind = guess_kind(table)
        name = INPUT_NAMES[kind] if kind not in kinds else f"{INPUT_NAMES[kind]}_{len(kinds)}"
        kinds.add(kind)
        inputs += input_lines(name, table, kind, root)
        for header, (target, _) in match_columns(table, kind).items():
            column = table.column(header)
            if target == "district_code":
                codes |= {c for c in column.codes if c} or set()
            if target == "recorded_date" and column.latest_year:
                latest = max(latest or 0, column.latest_year)
    if "population" not in kinds:
        inputs += [
            "  population:",
            '    path: "EDIT: your population file (district_code, district_name, year, age_band, population)"',
            "    kind: population",
        ]
    sv = template.get("serious_violence", {})
    lines += [
        "assessment:",
        '  area_name: "EDIT: your area"',
        '  partnership: "EDIT: your partnership"',
        f"  assessment_year: {latest or 'EDIT'}  # GUESS: the latest year in the rows profiled",
        "  years_covered: 5",
        "  synthetic_data: false",
        "# The local definition of serious violence: copied from the demo, EDIT to yours.",
        "serious_violence:",
        *[f"  {k}: {_flow(v)}" for k, v in sv.items()],
        "disclosure:",
        "  minimum_count: 5",
        "inputs:",
        *inputs,
        "districts:",
        *_districts(codes, template),
        "",
    ]
    return "\n".join(lines)


def write_draft(tables: list[FileProfile], output: Path, root: Path, template: dict) -> Path:
    """Write the draft config; refuse to overwrite an existing file."""
    if output.exists():
        raise FileExistsError(f"{output} exists: choose another --output, or remove it first")
    text = draft_config(tables, root, template)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    return output
