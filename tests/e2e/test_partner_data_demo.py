"""The demo with every input: the partner data chapter sets each partner input beside the
police figure like for like, through the disclosure gate, and the summary lists the
priorities with cross-references that work in the web page and the PDF (issue 13, items 4
and 6). The same sections with the inputs missing: test_optional_inputs_missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from sv_assessment.schema import PARTNER_KINDS
from tests.built_report import built_demo, table_rows


@pytest.fixture(scope="module")
def published() -> Path:
    return built_demo().published


rows = table_rows


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
    names = reader.named_destinations
    pages: dict[str, set[int]] = {}
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            dest = annot.get_object().get("/Dest")
            if dest is not None and re.fullmatch(r"priority-\d+", str(dest)):
                pages.setdefault(str(dest), set()).add(number)
    assert len(pages) >= 3
    for name, found in pages.items():
        target = reader.get_destination_page_number(names[name])
        assert f"Priority {name.split('-')[1]}:" in reader.pages[target].extract_text()
        assert len(found) >= 2, found  # from the contents and from the summary
