"""The built-in assembler: the engines Quarto is built on, driven directly. Pandoc joins the
executed notebooks and writes HTML and Typst source (a Lua filter picks each output's HTML,
Markdown or PNG form), and Typst makes the tagged PDF."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import nbformat

from sv_assessment.config import AssessmentConfig
from sv_assessment.rendering import figures, images
from sv_assessment.rendering.project import (
    PDF_STANDARDS,
    READER,
    REMOTE_ASSET,
    AssemblyError,
    Rendered,
    join_notebooks,
    report_metadata,
)


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
    Lua filter to choose from, and the edition's template. Templates and filter are read from
    the written project beside the notebook, the same files Quarto renders with."""
    project_dir = joined.parent
    return [
        str(joined),
        "--from",
        READER,
        "--ipynb-output=all",
        "--to",
        writer,
        "--standalone",
        "--template",
        str(project_dir / "templates" / template),
        "--lua-filter",
        str(project_dir / "filters" / "select_outputs.lua"),
    ]


def render_html(joined: Path, target: Path, metadata: dict, css: str) -> Path:
    work = joined.parent
    stylesheet = (work / css).read_text(encoding="utf-8")
    plotly_js = (work / "filters" / "plotly.min.js").read_text(encoding="utf-8")
    header = work / "header.html"
    # One copy of plotly.js inline, so the page is self-contained and makes no request.
    header.write_text(
        f"<style>\n{stylesheet}\n</style>\n<script>{plotly_js}</script>\n", encoding="utf-8"
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
    try:
        figures.figure_cell_options(notebook, "the joined chapters")
    except figures.FigureError as error:
        raise AssemblyError(str(error)) from None
    if "pdf" in formats:
        images.add_static_images(notebook)
    nbformat.write(notebook, joined)
    metadata = report_metadata(config, dt.date.today())
    css = project["format"]["html"]["css"]
    html = (
        render_html(joined, out_dir / "assessment.html", metadata, css)
        if "html" in formats
        else None
    )
    pdf = render_pdf(joined, out_dir / "assessment.pdf", metadata) if "pdf" in formats else None
    return Rendered(html, pdf)
