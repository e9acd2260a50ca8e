"""The index page of a fan-out: one self-contained, accessible HTML page (no network requests)
linking every edition, with their key figures side by side and any failure said plainly."""

from __future__ import annotations

import csv
import html
import os
import uuid
from pathlib import Path

STYLE = """
body{font-family:system-ui,Arial,sans-serif;margin:0 auto;max-width:72rem;padding:1rem;
color:#0b0c0c;line-height:1.5}
table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:700;padding:.5rem 0}
th,td{border:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{background:#f3f2f1}.table-wrap{overflow-x:auto}a{color:#1d70b8}a:focus{outline:3px solid #fd0}
.failed{color:#d4351c;font-weight:700}.missing{color:#505a5f;font-style:italic}
"""


def page(title: str, body: str, head: str = "") -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>{head}</head>"
        f'<body><main id="main"><h1>{html.escape(title)}</h1>{body}</main></body></html>\n'
    )


def table(columns: list[str], rows: list[list[str]], caption: str) -> str:
    """Cells are HTML already escaped by the caller (links); the first column heads each row."""
    head = "".join(f'<th scope="col">{html.escape(c)}</th>' for c in columns)
    body = "".join(
        f'<tr><th scope="row">{row[0]}</th>' + "".join(f"<td>{c}</td>" for c in row[1:]) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="table-wrap" role="region" tabindex="0" aria-label="{html.escape(caption)}">'
        f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def report_file(published: Path) -> Path | None:
    """The edition's web page: the built-in assembler's one page, or Quarto's site."""
    for candidate in (published / "assessment.html", published / "site" / "index.html"):
        if candidate.is_file():
            return candidate
    return None


def _year_row(path: Path, year: int) -> dict[str, str]:
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return next((r for r in csv.DictReader(handle) if r.get("Year") == str(year)), {})


def key_figures(published: Path, year: int) -> list[str]:
    """Serious violence offences this year and last, and this year's rate with its interval, as
    the edition published them (suppressed counts stay suppressed)."""
    rates = published / "tables" / "sv_rate_by_year.csv"
    now, before = _year_row(rates, year), _year_row(rates, year - 1)
    if not now:
        return ["", "", ""]
    rate = now.get("Rate per 1,000", "")
    interval = f"{now.get('95% CI lower', '')} to {now.get('95% CI upper', '')}"
    return [
        html.escape(before.get("Offences", "")),
        html.escape(now.get("Offences", "")),
        html.escape(f"{rate} ({interval})" if rate else "[c]"),  # hidden with its count
    ]


EDITION_COLUMNS = [
    "Edition",
    "Districts",
    "Offences, previous year",
    "Offences, assessment year",
    "Rate per 1,000 (95% CI)",
    "Status",
]


def edition_row(edition, outcome, config, index_dir: Path) -> list[str]:
    """One row of the side-by-side table: the edition, its figures and whether it was built."""
    published = Path(outcome.result["published"]) if outcome.ok else None
    page_file = report_file(published) if published else None
    name = html.escape(edition.title)
    if page_file is not None:
        link = os.path.relpath(page_file, index_dir).replace(os.sep, "/")
        name = f'<a href="{html.escape(link)}">{name}</a>'
    figures = key_figures(published, config.assessment_year) if published else ["", "", ""]
    if outcome.ok:
        status = "unchanged" if outcome.result.get("publish_skipped") else "built"
    else:
        first = (outcome.error.splitlines() or ["failed"])[0][:300]
        status = f'<span class="failed">failed</span>: {html.escape(first)}'
    return [name, html.escape(", ".join(edition.districts)), *figures, status]


def editions_page(config, rows: list[list[str]]) -> str:
    year = config.assessment_year
    failed = sum('class="failed"' in r[-1] for r in rows)
    intro = (
        f"<p>The {html.escape(config.area_name)} serious violence assessment for {year} and an "
        f"edition for each place in it. Each edition is a complete assessment of its place, "
        f"from the same inputs, checks and definitions; the first row is the whole area, the "
        f"comparator for every place. Counts below the disclosure threshold are shown as [c].</p>"
    )
    if failed:
        intro += (
            f'<p class="failed">{failed} edition(s) failed to build: their last published '
            f"version, if any, is unchanged and not linked from here.</p>"
        )
    if config.synthetic_data:
        intro += "<p><strong>Built from SYNTHETIC demonstration data.</strong></p>"
    caption = f"Serious violence by edition, {year - 1} and {year}, side by side"
    return page(
        f"{config.area_name}: assessment editions, {year}",
        intro + table(EDITION_COLUMNS, rows, caption),
    )
