"""The demo with every input: the partner data chapter sets each partner input beside the
police figure like for like, through the disclosure gate, and the summary lists the
priorities with cross-references that work in the web page and the PDF (issue 13, items 4
and 6). The same sections with the inputs missing: test_optional_inputs_missing."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from sv_assessment.schema import PARTNER_KINDS
from tests.built_report import built_demo


@pytest.fixture(scope="module")
def published() -> Path:
    return built_demo().published


def rows(published: Path, name: str) -> list[dict]:
    with (published / "tables" / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def number(cell: str) -> int | None:
    text = cell.replace(",", "")
    return int(text) if text.isdigit() else None


@pytest.mark.parametrize("kind", PARTNER_KINDS)
def test_each_partner_input_sits_beside_a_like_for_like_police_count(published, kind):
    table = rows(published, f"partner_{kind}_by_period")
    assert table
    police = [number(r["Police like for like"]) for r in table]
    assert any(p is not None for p in police)  # periods the police data cover
    assert table[0]["Police like for like"] == "[x]"  # the first starts before the window
    for row in table + rows(published, f"partner_{kind}_by_area"):
        for cell in row.values():
            value = number(cell)
            assert value is None or not 1 <= value <= 4, (kind, row)


def test_county_published_figures_are_matched_to_the_county(published):
    areas = {r["Area"] for r in rows(published, "partner_youth_justice_by_area")}
    assert areas == {"Kent", "Medway"}  # Kent's twelve districts as one local authority


def test_the_summary_links_each_priority_to_its_section(published):
    html = (published / "assessment.html").read_text(encoding="utf-8")
    links = re.findall(r'href="#(priority-\d+)"', html)
    assert links and len(set(links)) >= 3
    for target in set(links):
        assert f'id="{target}"' in html


def test_the_pdf_links_each_priority_to_its_section(published):
    reader = PdfReader(published / "assessment.pdf")
    texts = [page.extract_text() or "" for page in reader.pages]
    section = next(i for i, t in enumerate(texts) if re.search(r"Priority 1: ", t))
    summary = next(i for i, t in enumerate(texts) if "Priorities" in t and i < section)
    targets = []
    for page in reader.pages[summary:section]:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            dest = annot.get("/Dest") or (action.get_object().get("/D") if action else None)
            if isinstance(dest, list) and dest:
                targets.append(reader.get_page_number(dest[0].get_object()))
    assert section in targets, (summary, section, targets)
