"""The data-quality pages published beside the assessment, from the contract results.

Great Expectations' own Data Docs need a file-backed context and load their styles and scripts
from a CDN; this writes the same results as one small, self-contained, accessible HTML page
(``data-quality/index.html``, no scripts, no remote assets) and a ``contracts.json`` for tools.

Only counts, check names, columns and file row numbers are published: the example *values*
that failed a check (which could be offence ids, exact dates or ages) stay in the staged,
unpublished files.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from html import escape
from pathlib import Path

from sv_assessment.catalog import StagedData
from sv_assessment.config import AssessmentConfig

PUBLISHED_OUTCOME_FIELDS = (
    "expectation",
    "column",
    "severity",
    "success",
    "unexpected_count",
    "example_rows",
)

SEVERITY_MEANING = {
    "critical": "stops the build",
    "warning": "failing rows are set aside and counted",
    "info": "reported only",
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:0 auto;
max-width:72rem;padding:1rem 1.5rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem;border-top:1px solid #ccc;
padding-top:1rem}h3{font-size:1.1rem}
table{border-collapse:collapse;margin:0.5rem 0 1rem;width:100%}
caption{text-align:left;font-weight:600;padding:0.25rem 0}
th,td{border:1px solid #767676;padding:0.3rem 0.5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.failed{font-weight:700;color:#8a1c1c}.passed{color:#1d5e20}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff}
a{color:#1d4f91}
"""


# Keys (anywhere on the path) whose whole numbers count rows or records.
COUNT_KEYS = re.compile(r"rows|count|records|removed|copies|skipped|set_aside|outside_area", re.I)
CONFIDENTIAL = "[c]"


def hide_small_counts(document, config: AssessmentConfig, path: str = ""):
    """A copy of a JSON-like document with every count of rows from 1 to the threshold minus
    one shown as [c] (zeros too, where the config hides zeros). Where rows set aside are
    hidden, rows used are hidden too (read = used + set aside would give them back), and where
    rows failing a check are hidden, so are the example rows (their number would)."""

    def small(value) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        return 1 <= value < config.minimum_count or (value == 0 and not config.show_zeros)

    if isinstance(document, list):
        return [hide_small_counts(item, config, path) for item in document]
    if not isinstance(document, dict):
        near = ".".join(path.split(".")[-2:])  # the key, or the dict of counts it is in
        return CONFIDENTIAL if COUNT_KEYS.search(near) and small(document) else document
    out = {
        key: hide_small_counts(value, config, f"{path}.{key}") for key, value in document.items()
    }
    if out.get("rows_set_aside") == CONFIDENTIAL and "rows_used" in out:
        out["rows_used"] = CONFIDENTIAL
    if out.get("unexpected_count") == CONFIDENTIAL and out.get("example_rows"):
        out["example_rows"] = []
    return out


def published_contracts(reports: list[dict]) -> list[dict]:
    """The contract results with failing values removed (they may identify an offence)."""
    return [
        {
            **{k: v for k, v in report.items() if k != "outcomes"},
            "outcomes": [
                {k: o.get(k) for k in PUBLISHED_OUTCOME_FIELDS} for o in report["outcomes"]
            ],
        }
        for report in reports
    ]


def _cell(value, numeric: bool = False) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="num">{value:,}</td>'
    cls = ' class="num"' if numeric else ""
    return f"<td{cls}>{escape(str(value if value is not None else ''))}</td>"


def _table(caption: str, headers: list[str], rows: list[list], numeric=()) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>" + "".join(_cell(v, i in numeric) for i, v in enumerate(row)) + "</tr>"
        for row in rows
    )
    if not rows:
        body = f'<tr><td colspan="{len(headers)}">None.</td></tr>'
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _input_section(name: str, info: dict, report: dict | None) -> str:
    parts = [f'<section aria-labelledby="in-{escape(name)}">']
    parts.append(f'<h2 id="in-{escape(name)}">Input: {escape(name)}</h2>')
    if not info.get("provided"):
        parts.append("<p>Not provided for this assessment (optional input).</p></section>")
        return "".join(parts)
    how = [
        ["Kind", info.get("kind")],
        ["File", info.get("source")],
        ["SHA-256", info.get("sha256")],
        ["Format", info.get("format")],
        ["Encoding", info.get("encoding") or "n/a"],
        ["Delimiter", repr(info["delimiter"]) if info.get("delimiter") else "n/a"],
        ["Sheet", info.get("sheet") or "n/a"],
        ["Header row", info.get("header_line")],
        ["Blank rows skipped", info.get("blank_rows_skipped", 0)],
        ["Rows read", info.get("rows_read")],
        ["Rows used", info.get("rows_used")],
        ["Rows set aside", info.get("rows_set_aside")],
    ]
    parts.append(_table("How the file was read, and rows read, used and set aside", ["", ""], how))
    reasons = sorted((info.get("set_aside_by_reason") or {}).items())
    parts.append(
        _table(
            "Rows set aside, by the check they failed (a row can fail more than one)",
            ["Check (column)", "Rows"],
            [[reason, count] for reason, count in reasons],
        )
    )
    outcomes = (report or {}).get("outcomes", [])
    rows = [
        [
            o["expectation"].replace("expect_", "").replace("_", " "),
            o["column"],
            f"{o['severity']} ({SEVERITY_MEANING.get(o['severity'], '')})",
            "Passed" if o["success"] else "FAILED",
            o.get("unexpected_count") or 0,
            ", ".join(map(str, o.get("example_rows") or [])),
        ]
        for o in outcomes
    ]
    failed = sum(1 for o in outcomes if not o["success"])
    parts.append(
        _table(
            f"Expectations checked: {len(outcomes)}, not passed: {failed}",
            ["Check", "Column", "Severity", "Result", "Rows failing", "Example file rows"],
            rows,
            numeric=(4,),
        )
        .replace("<td>FAILED</td>", '<td class="failed">Not passed</td>')
        .replace("<td>Passed</td>", '<td class="passed">Passed</td>')
    )
    parts.append("</section>")
    return "".join(parts)


def render_page(
    reports: list[dict], inputs: dict[str, dict], title: str, built: dt.datetime
) -> str:
    by_name = {r["input"]: r for r in reports}
    nav = "".join(f'<li><a href="#in-{escape(n)}">{escape(n)}</a></li>' for n in inputs)
    sections = "".join(_input_section(n, info, by_name.get(n)) for n, info in inputs.items())
    summary = [
        [n, i.get("rows_read", ""), i.get("rows_used", ""), i.get("rows_set_aside", "")]
        for n, i in inputs.items()
        if i.get("provided")
    ]
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data quality: {escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to the results</a>
<header><h1>Data quality: {escape(title)}</h1>
<p>Results of the data contracts (Great Expectations suites in <code>data_contracts/</code>)
checked against each input before the assessment was built on {built:%-d %B %Y at %H:%M} UTC.
A <strong>critical</strong> check stops the build; rows failing a <strong>warning</strong> check
are set aside and counted, never silently dropped; <strong>info</strong> checks are reported.
Failing values are not shown here; analysts find them, with the reason, in the staged
quarantine files of the build.</p>
<nav aria-label="Inputs"><ul>{nav}</ul></nav></header>
<main id="main">
{
        _table(
            "Rows read, used and set aside, by input (read = used + set aside)",
            ["Input", "Rows read", "Rows used", "Rows set aside"],
            summary,
        )
    }
{sections}
</main>
</body>
</html>
"""


def publish_data_quality(staged_dir: Path, target: Path, config: AssessmentConfig) -> Path:
    """Write ``index.html`` and ``contracts.json`` into the published data-quality folder."""
    target.mkdir(parents=True, exist_ok=True)
    staged = StagedData(staged_dir)
    reports = hide_small_counts(published_contracts(staged.contract_reports()), config)
    inputs = hide_small_counts(staged.input_summary(), config)
    (target / "contracts.json").write_text(json.dumps(reports, indent=2), encoding="utf-8")
    title = f"{config.area_name} serious violence assessment {config.assessment_year}"
    page = render_page(reports, inputs, title, dt.datetime.now(dt.UTC))
    (target / "index.html").write_text(page, encoding="utf-8")
    return target / "index.html"
