"""Assemble the executed notebooks, as the Quarto project in report/, into the published HTML
and PDF without re-running them.

The built-in assembler drives the engines Quarto is built on: Pandoc joins the notebooks and
writes HTML and Typst source (a Lua filter picks each output's HTML, Markdown or PNG form),
and Typst makes the PDF. Where a ``quarto`` executable exists, ``render_with_quarto`` renders
the same project with it.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

from sv_assessment import static_images
from sv_assessment.config import PROJECT_ROOT, AssessmentConfig

REPORT_DIR = PROJECT_ROOT / "report"
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
        "lang": "en-GB",
        "synthetic": config.synthetic_data,
        "minimum-count-less-one": str(config.minimum_count - 1),
        "description": f"Strategic needs assessment of serious violence in {config.area_name}, "
        f"{config.first_year} to {config.assessment_year}.",
    }


def definition_text(config: AssessmentConfig) -> str:
    """The local definition of serious violence as a phrase, from the config."""
    sv = config.serious_violence
    parts = [
        "public-place offences" if sv.public_place_only else "offences",
        "of " + ", ".join(g.lower() for g in sv.offence_groups),
    ]
    if sv.include_knife_or_sharp_instrument:
        parts.append("or involving a knife or sharp instrument")
    if sv.include_firearm:
        parts.append("or a firearm")
    if sv.include_possession_of_weapons:
        parts.append("or possession of weapons")
    definition = " ".join(parts)
    if sv.age_under:
        definition += f", where the victim or suspect is under {sv.age_under}"
    if sv.exclude_domestic_abuse:
        definition += ", excluding domestic abuse"
    return definition


def front_matter(config: AssessmentConfig) -> str:
    """The opening section, written from the config."""
    definition = definition_text(config)
    synthetic = (
        "\n\n::: {.synthetic}\n**This assessment was built from synthetic data.** The "
        "offences, people and places in it were made by a seeded generator for "
        "demonstration; they describe no real person, place or event.\n:::\n"
        if config.synthetic_data
        else ""
    )
    return (
        "# About this assessment\n\n"
        f"This is the {config.partnership} strategic needs assessment of serious violence under "
        f"the Serious Violence Duty, for {config.area_name} and its {len(config.districts)} "
        f"districts, covering {config.first_year} to {config.assessment_year}.\n\n"
        f"**Serious violence** here means {definition}.\n\n"
        f"All figures are aggregates. Counts from 1 to {config.minimum_count - 1} are suppressed "
        f"and shown as [c], with further cells hidden where a total would reveal them."
        f"{synthetic}\n"
    )


def contact_line(config: AssessmentConfig) -> str:
    """How to ask for another format: the config's ``assessment.contact`` (a string, or a mapping
    with any of name, email, phone, address), else a generic line."""
    contact = (config.raw.get("assessment") or {}).get("contact")
    if isinstance(contact, dict):
        parts = []
        if contact.get("name"):
            parts.append(str(contact["name"]))
        if contact.get("email"):
            parts.append(f"email <{contact['email']}>")
        if contact.get("phone"):
            parts.append(f"telephone {contact['phone']}")
        if contact.get("address"):
            parts.append(f"write to {contact['address']}")
        contact = ", ".join(parts)
    if contact:
        return (
            f"If you need this assessment in another format, such as large print, easy read, "
            f"audio or an accessible spreadsheet, contact {contact}. Tell us what you need and "
            f"the format you would like."
        )
    return (
        f"If you need this assessment in another format, such as large print, easy read, audio "
        f"or an accessible spreadsheet, contact {config.partnership} through the contact details "
        f"on the website where you found it. Tell us what you need and the format you would like."
    )


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
    if config.source == "police_uk":  # the open-data assessment states its own scope
        from sv_assessment.chapters.open_data import front_matter as opening
    else:
        opening = front_matter
    (project_dir / "index.md").write_text(opening(config), encoding="utf-8")
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


def _pandoc(args: list[str], cwd: Path) -> None:
    import pypandoc

    command = [pypandoc.get_pandoc_path(), *args]
    result = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if result.returncode != 0:
        raise AssemblyError(f"pandoc failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _metadata_args(metadata: dict) -> list[str]:
    args = []
    for key, value in metadata.items():
        if isinstance(value, bool):
            if value:
                args += ["--metadata", f"{key}=true"]
        else:
            args += ["--metadata", f"{key}={value}"]
    return args


def _joined_notebook_to(joined: Path, writer: str, template: str) -> list[str]:
    """Pandoc arguments both editions share: the joined notebook, every output kept for the
    Lua filter to choose from, and the edition's template."""
    return [
        str(joined),
        "--from",
        READER,
        "--ipynb-output=all",
        "--to",
        writer,
        "--standalone",
        "--template",
        str(REPORT_DIR / "templates" / template),
        "--lua-filter",
        str(REPORT_DIR / "filters" / "select_outputs.lua"),
    ]


def render_html(joined: Path, target: Path, metadata: dict) -> Path:
    import plotly.offline

    work = joined.parent
    css = (REPORT_DIR / "templates" / "assessment.css").read_text(encoding="utf-8")
    header = work / "header.html"
    # One copy of plotly.js inline, so the page is self-contained and makes no request.
    header.write_text(
        f"<style>\n{css}\n</style>\n<script>{plotly.offline.get_plotlyjs()}</script>\n",
        encoding="utf-8",
    )
    _pandoc(
        [
            *_joined_notebook_to(joined, "html5", "assessment.html"),
            "--shift-heading-level-by=1",
            "--toc",
            "--toc-depth=3",
            "--section-divs",
            "--include-in-header",
            str(header),
            *_metadata_args(metadata),
            "--output",
            str(target),
        ],
        cwd=work,
    )
    remote = REMOTE_ASSET.search(target.read_text(encoding="utf-8"))
    if remote:
        raise AssemblyError(f"the HTML would load a remote asset: {remote.group(0)[:120]}")
    return target


def render_pdf(joined: Path, target: Path, metadata: dict) -> Path:
    import typst

    work = joined.parent
    source = work / "assessment.typ"
    _pandoc(
        [
            *_joined_notebook_to(joined, "typst", "assessment.typ"),
            "--wrap=none",  # metadata strings (the PDF title) must not be broken across lines
            "--extract-media",
            "media",
            *_metadata_args(metadata),
            "--output",
            str(source),
        ],
        cwd=work,
    )
    try:
        typst.compile(
            str(source),
            output=str(target),
            root=str(work),
            timestamp=int(dt.datetime.now(dt.UTC).timestamp()),
            pdf_standards=PDF_STANDARDS,
            pdf_tags=True,
        )
    except Exception as error:  # typst raises its own TypstError with the diagnostic
        raise AssemblyError(f"typst failed on {source}: {error}") from error
    return target


def render_builtin(
    project_dir: Path,
    project: dict,
    out_dir: Path,
    config: AssessmentConfig,
    formats: tuple[str, ...],
) -> Rendered:
    joined = project_dir / "assessment.ipynb"
    notebook = join_notebooks(project_dir, project)
    if "pdf" in formats:
        static_images.add_static_images(notebook)
    nbformat.write(notebook, joined)
    metadata = report_metadata(config, dt.date.today())
    html = render_html(joined, out_dir / "assessment.html", metadata) if "html" in formats else None
    pdf = render_pdf(joined, out_dir / "assessment.pdf", metadata) if "pdf" in formats else None
    return Rendered(html, pdf)


def render_with_quarto(project_dir: Path, out_dir: Path, formats: tuple[str, ...]) -> Rendered:
    quarto = shutil.which("quarto")
    if not quarto:
        raise AssemblyError(
            "--engine quarto was asked for, but no `quarto` executable is on the PATH"
        )
    if "pdf" in formats:
        for path in sorted((project_dir / "notebooks").rglob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            if static_images.add_static_images(notebook):
                nbformat.write(notebook, path)
    for fmt in formats:
        target = "typst" if fmt == "pdf" else "html"
        result = subprocess.run(
            [quarto, "render", str(project_dir), "--to", target], capture_output=True, text=True
        )
        if result.returncode != 0:
            raise AssemblyError(f"quarto render failed: {result.stderr.strip()[-2000:]}")
    book = project_dir / "_book"
    html = next(book.glob("index.html"), None)
    pdf = next(book.glob("*.pdf"), None)
    if html:
        shutil.copytree(book, out_dir / "site", dirs_exist_ok=True)
    if pdf:
        shutil.copy2(pdf, out_dir / "assessment.pdf")
    return Rendered(
        out_dir / "site" / "index.html" if html else None,
        out_dir / "assessment.pdf" if pdf else None,
    )
