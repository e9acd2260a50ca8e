"""The published PDF: extractable text, outline, metadata, every chart, tagged structure (PDF/UA-1)."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject

from sv_assessment.config import load_config
from sv_assessment.rendering.project import PDF_STANDARDS
from tests.built_report import TEST_OUTPUTS, built_assessment

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def built():
    return built_assessment()


@pytest.fixture(scope="module")
def reader(built):
    return PdfReader(built.pdf)


def outline_titles(outline, depth: int = 0) -> list[tuple[int, str]]:
    titles = []
    for item in outline:
        if isinstance(item, list):
            titles += outline_titles(item, depth + 1)
        else:
            titles.append((depth, item.title))
    return titles


def resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def test_text_is_extractable(reader):
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Serious Violence Duty strategic needs assessment" in text
    assert "Contents" in text
    assert "Accessibility statement" in text
    assert re.search(r"Page \d+ of \d+", text)


def test_page_count_is_sane(reader, built):
    pages = len(reader.pages)
    figures = built.static_image_count()
    # Cover, contents and at least a page a chapter; no runaway layout.
    assert 6 <= pages <= 20 + 2 * figures, pages


def test_metadata_names_title_author_and_language(reader, built):
    config = load_config(built.run_record()["assessment"]["config"])
    meta = reader.metadata
    summary = {
        "title": meta.title,
        "author": meta.author,
        "subject": meta.subject,
        "lang": str(reader.trailer["/Root"].get("/Lang")),
        "creator": meta.creator,
    }
    print("\nPDF metadata:", summary)
    assert meta.title and "Serious Violence Duty" in meta.title and "\n" not in meta.title
    assert config.area_name in meta.title
    assert meta.author == config.partnership
    assert summary["lang"] == "en-GB"


def test_outline_lists_every_chapter(reader):
    titles = outline_titles(reader.outline)
    TEST_OUTPUTS.mkdir(exist_ok=True)
    listing = "\n".join("  " * depth + title for depth, title in titles)
    (TEST_OUTPUTS / "pdf-outline.txt").write_text(listing + "\n")
    print("\nPDF outline:\n" + listing)
    top = [title for depth, title in titles if depth == 0]
    assert len(top) >= 5, top
    assert any("About this assessment" in t for t in top)
    assert any("Accessibility statement" in t for t in top)
    assert any(depth == 1 for depth, _ in titles), "no second-level bookmarks"


def test_every_figure_is_in_the_pdf(reader, built):
    expected = built.static_image_count()
    assert expected == built.figure_count() > 0
    images = sum(len(page.images) for page in reader.pages)
    assert images == expected
    text = " ".join(page.extract_text() for page in reader.pages)
    numbers = {int(n) for n in re.findall(r"Figure (\d+):", text)}
    assert numbers == set(range(1, expected + 1)), sorted(numbers)
    assert re.search(r"Table 1:", text)


def _figure_elements(reader) -> list:
    figures = []

    def walk(node, depth=0):
        node = resolve(node)
        if depth > 60 or not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            figures.append(node)
        kids = resolve(node.get("/K"))
        if isinstance(kids, list):
            for kid in kids:
                walk(kid, depth + 1)
        elif kids is not None:
            walk(kids, depth + 1)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return figures


def test_the_hexagon_map_is_drawn_in_the_pdf_with_its_alt_text(reader, built):
    """Issue 13: the density map from the extract's coordinates is an image in the PDF (drawn
    offline, like every chart), captioned with its finding and scope, with alt text."""
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert re.search(r"Figure \d+: The busiest hexagon \(about [\d.]+ km across\)", text)
    assert "hexagons with fewer than 5 not drawn" in text
    alts = [str(f.get("/Alt", "")) for f in _figure_elements(reader)]
    assert any(a.startswith("Map of hexagons about") for a in alts), alts


def test_tagged_structure_with_alt_text(reader, built):
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(resolve(root["/MarkInfo"]).get("/Marked"))
    assert "ua-1" in PDF_STANDARDS
    # PDF/UA identification in the XMP metadata and alt text on every Figure element.
    xmp = resolve(root["/Metadata"]).get_data().decode("utf-8", "replace")
    assert "pdfuaid:part" in xmp
    figures = []

    def walk(node, depth=0):
        node = resolve(node)
        if depth > 60 or not hasattr(node, "get"):
            return
        if node.get("/S") == "/Figure":
            figures.append(node)
        kids = node.get("/K")
        kids = resolve(kids)
        if isinstance(kids, list):
            for kid in kids:
                walk(kid, depth + 1)
        elif kids is not None:
            walk(kids, depth + 1)

    walk(root["/StructTreeRoot"])
    assert len(figures) >= built.static_image_count() > 0, "Figure elements missing"
    assert all(str(f.get("/Alt", "")).strip() for f in figures)
