"""The built-in assembler: the engines Quarto is built on, driven directly. Pandoc joins the
executed notebooks and writes HTML and Typst source (a Lua filter picks each output's HTML,
Markdown or PNG form), and Typst makes the tagged PDF."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import nbformat

from sv_assessment.config import AssessmentConfig
from sv_assessment.paths import REPORT_DIR
from sv_assessment.rendering import images
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
        images.add_static_images(notebook)
    nbformat.write(notebook, joined)
    metadata = report_metadata(config, dt.date.today())
    html = render_html(joined, out_dir / "assessment.html", metadata) if "html" in formats else None
    pdf = render_pdf(joined, out_dir / "assessment.pdf", metadata) if "pdf" in formats else None
    return Rendered(html, pdf)
