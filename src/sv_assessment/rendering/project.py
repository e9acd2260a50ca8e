"""The Quarto project the assessment is rendered from: read the project in ``report/``, write
it out with the front matter, the accessibility statement and the executed chapters, and join
the chapters into one notebook for the built-in assembler."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from sv_assessment.chapters.front_matter import contact_line, front_matter
from sv_assessment.config import AssessmentConfig
from sv_assessment.paths import REPORT_DIR

PARAMETER_TAGS = {"parameters", "injected-parameters"}
# Fenced divs (``::: {.synthetic}``) are read in Markdown cells; ``$...$`` is not maths (a page
# that rendered maths would need MathJax from the network, and "$" is ordinary text here).
READER = "ipynb+fenced_divs-tex_math_dollars-tex_math_single_backslash"
ACCESSIBILITY_CHAPTER = "accessibility.md"
# PDF/UA-1: tagged structure, a title, alt text on every image; Typst refuses to write a PDF
# that breaks it, so a chart without alt text fails the build rather than shipping.
PDF_STANDARDS = ["ua-1"]
REMOTE_ASSET = re.compile(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.I)


class AssemblyError(RuntimeError):
    """The report could not be rendered; the message names the engine and the reason."""


@dataclass(frozen=True)
class Rendered:
    html: Path | None
    pdf: Path | None


def load_project(report_dir: Path = REPORT_DIR, source: str = "partner") -> dict:
    """The Quarto project for the config's source: _quarto.yml for partner data,
    _quarto.<source>.yml otherwise (e.g. _quarto.police_uk.yml for data.police.uk files)."""
    name = "_quarto.yml" if source == "partner" else f"_quarto.{source}.yml"
    return yaml.safe_load((report_dir / name).read_text(encoding="utf-8"))


def report_metadata(config: AssessmentConfig, built: dt.date) -> dict:
    title = "Serious Violence Duty strategic needs assessment"
    return {
        "title": title,
        "subtitle": f"{config.area_name}, {config.assessment_year}",
        "pagetitle": f"{title}: {config.area_name} {config.assessment_year}",
        "partnership": config.partnership,
        "area": config.area_name,
        "year": str(config.assessment_year),
        "date": built.strftime("%-d %B %Y"),
        # The period the data cover, so a report built later is never read as about its date.
        "data-period": f"January {config.first_year} to December {config.assessment_year}",
        "lang": "en-GB",
        "synthetic": config.synthetic_data,
        "minimum-count-less-one": str(config.minimum_count - 1),
        "description": f"Strategic needs assessment of serious violence in {config.area_name}, "
        f"{config.first_year} to {config.assessment_year}.",
    }


def accessibility_statement(config: AssessmentConfig, built: dt.date) -> str:
    """The accessibility statement, written for every build (WCAG 2.2 AA)."""
    return (
        "# Accessibility statement\n\n"
        f"{config.partnership} wants as many people as possible to be able to use this "
        "assessment. The web page is built to meet the Web Content Accessibility Guidelines "
        "(WCAG) 2.2 at level AA. You should be able to:\n\n"
        "- zoom in up to 400% and read it on a phone 320 pixels wide without scrolling "
        "sideways (wide tables scroll inside their own box)\n"
        "- move through it using just a keyboard: a skip link, a table of contents, and a "
        "button under every chart that opens its data as a table\n"
        "- use it with a screen reader: one title, headings in order, a text description of "
        "every chart, and tables with captions and header cells\n"
        "- read it without relying on colour: lines also differ by dash and marker, and every "
        "value shown by colour is also in a table\n"
        "- save or print it: the page works offline as one file, and the PDF edition is tagged, "
        "with a contents list, bookmarks and a text alternative for every chart\n\n"
        "## Known limitations\n\n"
        "- Hovering over a chart shows exact values with a mouse only; the same values are in the "
        'chart\'s data table ("Data for this chart"), which works with a keyboard and screen '
        "reader.\n"
        "- Charts are drawn as images for assistive technology; each has a text description "
        "instead of readable chart labels.\n"
        "- On narrow screens, some chart labels (for example the district names in small "
        "multiples and funnel plots) can overlap; the data table gives every label in full.\n"
        "- In the PDF, charts are pictures with a text alternative and their data is not "
        "repeated; the published CSV tables and the web page carry it.\n\n"
        "## Another format\n\n"
        f"{contact_line(config)}\n\n"
        "## How this assessment was tested\n\n"
        "Every build is checked in a real browser (headless Chromium) with the axe-core "
        "accessibility engine against WCAG 2.2 A and AA rules, for keyboard access to the "
        "contents and every chart's data, for reflow at 320 pixels, and for making no network "
        "requests. This statement was generated on "
        f"{built.strftime('%-d %B %Y')}.\n"
    )


def write_project(project_dir: Path, config: AssessmentConfig, notebooks_dir: Path) -> dict:
    """Lay out a renderable Quarto project: _quarto.yml, index.md, the accessibility statement
    (the last chapter) and the executed notebooks."""
    project = load_project(source=config.source)
    project_dir.mkdir(parents=True, exist_ok=True)
    if ACCESSIBILITY_CHAPTER not in project["book"]["chapters"]:
        project["book"]["chapters"].append(ACCESSIBILITY_CHAPTER)
    (project_dir / ACCESSIBILITY_CHAPTER).write_text(
        accessibility_statement(config, dt.date.today()), encoding="utf-8"
    )
    project["book"]["title"] = f"{report_metadata(config, dt.date.today())['pagetitle']}"
    (project_dir / "_quarto.yml").write_text(yaml.safe_dump(project, sort_keys=False))
    (project_dir / "index.md").write_text(front_matter(config), encoding="utf-8")
    shutil.copytree(REPORT_DIR / "templates", project_dir / "templates", dirs_exist_ok=True)
    target = project_dir / "notebooks"
    if target.resolve() != notebooks_dir.resolve():
        shutil.copytree(notebooks_dir, target, dirs_exist_ok=True)
    return project


def join_notebooks(project_dir: Path, project: dict) -> nbformat.NotebookNode:
    """One notebook of the whole report: front matter, then each chapter's cells, with the
    parameter cells and code dropped (outputs are what the report shows)."""
    joined = nbformat.v4.new_notebook()
    joined.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    for chapter in project["book"]["chapters"]:
        path = project_dir / chapter
        if chapter.endswith(".md"):
            joined.cells.append(nbformat.v4.new_markdown_cell(path.read_text(encoding="utf-8")))
            continue
        notebook = nbformat.read(path, as_version=4)
        for index, cell in enumerate(notebook.cells):
            cell.id = f"{path.stem}-{index}"  # ids must stay unique across the joined chapters
            if PARAMETER_TAGS & set(cell.get("metadata", {}).get("tags", [])):
                continue
            if cell.cell_type == "code":
                cell.source = ""
            joined.cells.append(cell)
    return joined
