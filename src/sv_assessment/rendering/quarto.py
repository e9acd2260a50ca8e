"""Render the written Quarto project with Quarto itself (``--engine quarto``, Quarto >= 1.9).

Each format renders into its own output folder: a project render empties its output folder
first, even when it fails (``clean`` is on by default and books clean their output), so with one
folder the PDF render would delete the HTML book. A requested output that is missing after
Quarto reports success fails the build instead of publishing less than was asked for.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from sv_assessment.rendering import figures
from sv_assessment.rendering.project import REMOTE_ASSET, AssemblyError, Rendered

OUTPUT_DIRS = {"html": "_book-html", "pdf": "_book-pdf"}
QUARTO_FORMAT = {"html": "html", "pdf": "typst"}
PDF_NAME = "assessment.pdf"  # book.output-file in report/_quarto.yml
# For a chapter with any HTML or JavaScript output, Quarto's Jupyter support puts require.js and
# jQuery from cdnjs in the page head, with an inline script that registers jQuery with require.js
# (src/core/jupyter/widgets.ts). The assessment uses neither: its charts call plotly.js, a local
# file. The pages must make no network request, and under require.js plotly.js registers itself
# as a module instead of defining `Plotly`, so these three tags are taken out after the render.
WIDGET_LOADERS = (
    re.compile(
        r"<script\b[^>]*\bsrc=\"https://cdnjs\.cloudflare\.com/ajax/libs/(require\.js|jquery)/"
        r"[^\"]*\"[^>]*>\s*</script>\s*",
        re.I,
    ),
    re.compile(r"<script\b[^>]*>\s*define\('jquery',[^<]*</script>\s*", re.I),
)


def without_widget_loaders(page: str) -> str:
    for pattern in WIDGET_LOADERS:
        page = pattern.sub("", page)
    return page


def check_site(site: Path) -> list[Path]:
    """Take Quarto's widget loaders out of every page; fail naming any page that would still
    load something from the internet. Returns the pages."""
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        text = without_widget_loaders(page.read_text(encoding="utf-8"))
        page.write_text(text, encoding="utf-8")
        remote = REMOTE_ASSET.search(text)
        if remote:
            raise AssemblyError(
                f"Quarto's page {page.relative_to(site)} would load a remote asset: "
                f"{remote.group(0)[:120]}"
            )
    return pages


def _render(quarto: str, project_dir: Path, profile: str, fmt: str) -> Path:
    output_dir = project_dir / OUTPUT_DIRS[fmt]
    command = [quarto, "render", str(project_dir), "--profile", profile,
               "--to", QUARTO_FORMAT[fmt], "--output-dir", OUTPUT_DIRS[fmt]]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, cwd=project_dir)
    if result.returncode != 0:
        raise AssemblyError(
            f"quarto render --to {QUARTO_FORMAT[fmt]} failed ({result.returncode}): "
            f"{result.stderr.strip()[-2000:]}"
        )
    return output_dir


def render_with_quarto(
    project_dir: Path, out_dir: Path, formats: tuple[str, ...], profile: str
) -> Rendered:
    quarto = shutil.which("quarto")
    if not quarto:
        raise AssemblyError(
            "--engine quarto was asked for, but no `quarto` executable is on the PATH"
        )
    try:
        figures.prepare_chapters(project_dir / "notebooks", pdf="pdf" in formats)
    except figures.FigureError as error:
        raise AssemblyError(str(error)) from None
    html = pdf = None
    if "html" in formats:
        site = _render(quarto, project_dir, profile, "html")
        if not (site / "index.html").is_file():
            raise AssemblyError(f"quarto render --to html succeeded but wrote no {site}/index.html")
        check_site(site)
        shutil.copytree(site, out_dir / "site", dirs_exist_ok=True)
        html = out_dir / "site" / "index.html"
    if "pdf" in formats:
        written = _render(quarto, project_dir, profile, "pdf") / PDF_NAME
        if not written.is_file():
            raise AssemblyError(f"quarto render --to typst succeeded but wrote no {written}")
        pdf = out_dir / "assessment.pdf"
        shutil.copy2(written, pdf)
    return Rendered(html, pdf)
