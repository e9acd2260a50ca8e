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
from sv_assessment.rendering import profiles

PARAMETER_TAGS = {"parameters", "injected-parameters"}
# Fenced divs (``::: {.synthetic}``) are read in Markdown cells; ``$...$`` is not maths (a page
# that rendered maths would need MathJax from the network, and "$" is ordinary text here).
READER = "ipynb+fenced_divs-tex_math_dollars-tex_math_single_backslash"
ACCESSIBILITY_CHAPTER = "accessibility.md"
# PDF/UA-1: tagged structure, a title, alt text on every image; Typst refuses to write a PDF
# that breaks it, so a chart without alt text fails the build rather than shipping.
PDF_STANDARDS = ["ua-1"]
# The title-block values the templates read (Pandoc variables, for both engines), beside
# Quarto's own title, subtitle, author and date.
TEMPLATE_METADATA = (
    "pagetitle",
    "partnership",
    "area",
    "year",
    "synthetic",
    "minimum-count-less-one",
    "description",
)
REMOTE_ASSET = re.compile(r"<(script|link)\b[^>]*\b(src|href)\s*=\s*[\"']?(https?:)?//", re.I)


class AssemblyError(RuntimeError):
    """The report could not be rendered; the message names the engine and the reason."""


@dataclass(frozen=True)
class Rendered:
    html: Path | None
    pdf: Path | None


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


# What each engine makes, and what was checked on it: the statement says only what is true of
# the edition it is part of.
EDITION = {
    "builtin": "the page works offline as one file",
    "quarto": "the website works offline from its folder, one page a chapter",
}
TESTED = {
    "builtin": (
        "This edition (one web page and a PDF, from the project's built-in assembler) is the one "
        "the project's tests check in a real browser (headless Chromium) with the axe-core "
        "accessibility engine against WCAG 2.2 A and AA rules, for keyboard access to the "
        "contents and every chart's data, for reflow at 320 pixels, and for making no network "
        "requests. Every build checks that the page loads nothing from the internet, and the PDF "
        "is only written if it meets PDF/UA-1."
    ),
    "quarto": (
        "This edition was rendered by Quarto, as a website with a page for each chapter and a "
        "PDF. Every build checks that no page loads anything from the internet, and the PDF is "
        "only written if it meets PDF/UA-1. The project's browser checks (axe-core against WCAG "
        "2.2 A and AA, keyboard access, reflow at 320 pixels) are run on the one-page edition "
        "from the built-in assembler; Quarto's page layout has not been through them, so treat "
        "this edition's web pages as not yet checked."
    ),
}


def accessibility_statement(
    config: AssessmentConfig, built: dt.date, engine: str = "builtin"
) -> str:
    """The accessibility statement, written for every build (WCAG 2.2 AA), honest about what
    was checked on the edition the engine makes."""
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
        f"- save or print it: {EDITION[engine]}, and the PDF edition is tagged, "
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
        f"{TESTED[engine]} This statement was generated on {built.strftime('%-d %B %Y')}.\n"
    )


def write_project(
    project_dir: Path, config: AssessmentConfig, notebooks_dir: Path, engine: str = "builtin"
) -> dict:
    """Lay out a Quarto project that renders on its own (``quarto render <project_dir>``): the
    shared config with the title block filled in, the source's profile (made the default) with
    the accessibility statement as the last chapter, index.md, the templates and filter, a local
    plotly.js beside the filter, and the executed notebooks. Returns the merged project."""
    project_dir.mkdir(parents=True, exist_ok=True)
    built = dt.date.today()
    metadata = report_metadata(config, built)
    shared = profiles.read_yaml(REPORT_DIR / profiles.SHARED_FILE)
    shared["profile"] = {**shared.get("profile", {}), "default": config.source}
    shared["book"].update(
        {
            "title": metadata["title"],
            "subtitle": metadata["subtitle"],
            "author": metadata["partnership"],  # Quarto's Typst book (orange-book) needs one
            "date": metadata["date"],
            "page-footer": f"{metadata['partnership']}. Counts from 1 to "
            f"{metadata['minimum-count-less-one']} are shown as \\[c\\] to protect privacy.",
        }
    )
    shared.update({key: metadata[key] for key in TEMPLATE_METADATA})
    if config.synthetic_data:
        shared["format"]["html"]["include-before-body"] = "templates/synthetic-banner.html"
    profile = profiles.read_yaml(REPORT_DIR / profiles.profile_file(config.source))
    profile["book"]["chapters"].append(ACCESSIBILITY_CHAPTER)
    # Only the chapters are inputs (templates and other notebooks are not pages of their own).
    shared["project"]["render"] = list(profile["book"]["chapters"])
    (project_dir / profiles.SHARED_FILE).write_text(yaml.safe_dump(shared, sort_keys=False))
    (project_dir / profiles.profile_file(config.source)).write_text(
        yaml.safe_dump(profile, sort_keys=False)
    )
    (project_dir / ACCESSIBILITY_CHAPTER).write_text(
        accessibility_statement(config, built, engine), encoding="utf-8"
    )
    (project_dir / "index.md").write_text(front_matter(config), encoding="utf-8")
    for folder in ("templates", "filters"):
        shutil.copytree(REPORT_DIR / folder, project_dir / folder, dirs_exist_ok=True)
    (project_dir / "filters" / "plotly.min.js").write_text(plotly_js(), encoding="utf-8")
    target = project_dir / "notebooks"
    if target.resolve() != notebooks_dir.resolve():
        shutil.copytree(notebooks_dir, target, dirs_exist_ok=True)
    return profiles.merge_config(shared, profile)


def plotly_js() -> str:
    """plotly.js from the installed plotly package: pages load it locally, never from a CDN."""
    import plotly.offline

    return plotly.offline.get_plotlyjs()


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
