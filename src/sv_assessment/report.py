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

from sv_assessment.config import PROJECT_ROOT, AssessmentConfig

REPORT_DIR = PROJECT_ROOT / "report"
PARAMETER_TAGS = {"parameters", "injected-parameters"}
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


def chapter_notebooks(project: dict) -> list[str]:
    """Notebooks in report order, relative to notebooks/ and without the suffix, e.g.
    ``02_data_quality`` or ``open_data/02_data_quality``."""
    return [
        Path(c).relative_to("notebooks").with_suffix("").as_posix()
        for c in project["book"]["chapters"]
        if c.endswith(".ipynb")
    ]


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


def front_matter(config: AssessmentConfig) -> str:
    """The opening section, written from the config."""
    sv = config.serious_violence
    parts = [f"public-place offences" if sv.public_place_only else "offences",
             "of " + ", ".join(g.lower() for g in sv.offence_groups)]
    if sv.include_knife_or_sharp_instrument:
        parts.append("or involving a knife or sharp instrument")
    definition = " ".join(parts)
    if sv.age_under:
        definition += f", where the victim or suspect is under {sv.age_under}"
    if sv.exclude_domestic_abuse:
        definition += ", excluding domestic abuse"
    synthetic = ("\n\n::: {.synthetic}\n**This assessment was built from synthetic data.** The "
                 "offences, people and places in it were made by a seeded generator for "
                 "demonstration; they describe no real person, place or event.\n:::\n"
                 if config.synthetic_data else "")
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


def write_project(project_dir: Path, config: AssessmentConfig, notebooks_dir: Path) -> dict:
    """Lay out a renderable Quarto project: _quarto.yml, index.md and the executed notebooks."""
    project = load_project(source=config.source)
    project_dir.mkdir(parents=True, exist_ok=True)
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
    joined.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
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


def render_html(joined: Path, target: Path, metadata: dict) -> Path:
    import plotly.offline

    work = joined.parent
    css = (REPORT_DIR / "templates" / "assessment.css").read_text(encoding="utf-8")
    header = work / "header.html"
    # One copy of plotly.js inline, so the page is self-contained and makes no request.
    header.write_text(f"<style>\n{css}\n</style>\n<script>{plotly.offline.get_plotlyjs()}</script>\n",
                      encoding="utf-8")
    _pandoc([str(joined), "--from", "ipynb", "--ipynb-output=all", "--to", "html5",
             "--standalone", "--template", str(REPORT_DIR / "templates" / "assessment.html"),
             "--lua-filter", str(REPORT_DIR / "filters" / "select_outputs.lua"),
             "--shift-heading-level-by=1", "--toc", "--toc-depth=2", "--section-divs",
             "--include-in-header", str(header), *_metadata_args(metadata),
             "--output", str(target)], cwd=work)
    remote = REMOTE_ASSET.search(target.read_text(encoding="utf-8"))
    if remote:
        raise AssemblyError(f"the HTML would load a remote asset: {remote.group(0)[:120]}")
    return target


def render_pdf(joined: Path, target: Path, metadata: dict) -> Path:
    import typst

    work = joined.parent
    source = work / "assessment.typ"
    _pandoc([str(joined), "--from", "ipynb", "--ipynb-output=all", "--to", "typst",
             "--standalone", "--template", str(REPORT_DIR / "templates" / "assessment.typ"),
             "--lua-filter", str(REPORT_DIR / "filters" / "select_outputs.lua"),
             "--extract-media", "media", *_metadata_args(metadata),
             "--output", str(source)], cwd=work)
    try:
        typst.compile(str(source), output=str(target), root=str(work),
                      timestamp=int(dt.datetime.now(dt.timezone.utc).timestamp()))
    except Exception as error:  # typst raises its own TypstError with the diagnostic
        raise AssemblyError(f"typst failed on {source}: {error}") from error
    return target


def render_builtin(project_dir: Path, project: dict, out_dir: Path, config: AssessmentConfig,
                   formats: tuple[str, ...]) -> Rendered:
    joined = project_dir / "assessment.ipynb"
    nbformat.write(join_notebooks(project_dir, project), joined)
    metadata = report_metadata(config, dt.date.today())
    html = render_html(joined, out_dir / "assessment.html", metadata) if "html" in formats else None
    pdf = render_pdf(joined, out_dir / "assessment.pdf", metadata) if "pdf" in formats else None
    return Rendered(html, pdf)


def render_with_quarto(project_dir: Path, out_dir: Path, formats: tuple[str, ...]) -> Rendered:
    quarto = shutil.which("quarto")
    if not quarto:
        raise AssemblyError("--engine quarto was asked for, but no `quarto` executable is on the PATH")
    for fmt in formats:
        target = "typst" if fmt == "pdf" else "html"
        result = subprocess.run([quarto, "render", str(project_dir), "--to", target],
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise AssemblyError(f"quarto render failed: {result.stderr.strip()[-2000:]}")
    book = project_dir / "_book"
    html = next(book.glob("index.html"), None)
    pdf = next(book.glob("*.pdf"), None)
    if html:
        shutil.copytree(book, out_dir / "site", dirs_exist_ok=True)
    if pdf:
        shutil.copy2(pdf, out_dir / "assessment.pdf")
    return Rendered(out_dir / "site" / "index.html" if html else None,
                    out_dir / "assessment.pdf" if pdf else None)
