"""Render the written Quarto project with Quarto itself, where a ``quarto`` executable exists."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat

from sv_assessment.rendering import images
from sv_assessment.rendering.project import AssemblyError, Rendered


def render_with_quarto(project_dir: Path, out_dir: Path, formats: tuple[str, ...]) -> Rendered:
    quarto = shutil.which("quarto")
    if not quarto:
        raise AssemblyError(
            "--engine quarto was asked for, but no `quarto` executable is on the PATH"
        )
    if "pdf" in formats:
        for path in sorted((project_dir / "notebooks").rglob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            if images.add_static_images(notebook):
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
