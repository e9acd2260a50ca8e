"""What the Quarto engine does around `quarto render` that can be checked without Quarto."""

from __future__ import annotations

import pytest

from sv_assessment.rendering import quarto
from sv_assessment.rendering.project import AssemblyError

# The loaders Quarto puts in the head of a page whose notebook has HTML output
# (src/core/jupyter/widgets.ts): require.js and jQuery from cdnjs, and jQuery registered with
# require.js.
HEAD = (
    '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/require.min.js" '
    'integrity="sha512-x" crossorigin="anonymous"></script>\n'
    '<script src="https://cdnjs.cloudflare.com/ajax/libs/jquery/3.5.1/jquery.min.js" '
    'integrity="sha512-y" crossorigin="anonymous" data-relocate-top="true"></script>\n'
    '<script type="application/javascript" data-relocate-top="true">'
    "define('jquery', [],function() {return window.jQuery;})</script>\n"
    '<script src="site_libs/plotly/plotly.min.js"></script>'
)


def test_widget_loaders_are_taken_out_and_local_scripts_kept(tmp_path):
    page = tmp_path / "index.html"
    page.write_text(f"<html><head>{HEAD}</head><body></body></html>")
    assert quarto.check_site(tmp_path) == [page]
    text = page.read_text()
    assert "cdnjs" not in text and "define(" not in text
    assert '<script src="site_libs/plotly/plotly.min.js"></script>' in text


def test_a_page_that_would_still_load_from_the_internet_fails(tmp_path):
    (tmp_path / "notebooks").mkdir()
    page = tmp_path / "notebooks" / "01_summary.html"
    page.write_text('<script src="https://cdn.example.org/x.js"></script>')
    with pytest.raises(AssemblyError, match="01_summary.html"):
        quarto.check_site(tmp_path)


def test_without_quarto_the_engine_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(quarto.shutil, "which", lambda name: None)
    with pytest.raises(AssemblyError, match="no `quarto` executable"):
        quarto.render_with_quarto(tmp_path, tmp_path / "out", ("html",), "partner")


STAND_IN = """#!/bin/sh
# A stand-in for quarto: records its arguments; writes what a render of the asked format would
# (index.html for html, assessment.pdf for typst) unless told to leave the PDF out.
echo "$@" >> "$QUARTO_CALLS"
out=""; to=""
while [ $# -gt 0 ]; do
  case "$1" in
    --output-dir) out="$2"; shift ;;
    --to) to="$2"; shift ;;
  esac
  shift
done
mkdir -p "$out"
if [ "$to" = html ]; then echo '<html><body>book</body></html>' > "$out/index.html"; fi
if [ "$to" = typst ] && [ -z "$QUARTO_NO_PDF" ]; then echo pdf > "$out/assessment.pdf"; fi
"""


def _stand_in(tmp_path, monkeypatch, no_pdf: bool = False):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    quarto_bin = bin_dir / "quarto"
    quarto_bin.write_text(STAND_IN)
    quarto_bin.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("QUARTO_CALLS", str(tmp_path / "calls.txt"))
    if no_pdf:
        monkeypatch.setenv("QUARTO_NO_PDF", "1")
    project_dir = tmp_path / "report"
    (project_dir / "notebooks").mkdir(parents=True)
    return project_dir


def test_each_format_renders_into_its_own_folder_with_the_profile(tmp_path, monkeypatch):
    project_dir = _stand_in(tmp_path, monkeypatch)
    out = tmp_path / "out"
    out.mkdir()
    rendered = quarto.render_with_quarto(project_dir, out, ("html", "pdf"), "police_uk")
    calls = (tmp_path / "calls.txt").read_text().splitlines()
    assert len(calls) == 2 and all("--profile police_uk" in c for c in calls)
    assert "--to html --output-dir _book-html" in calls[0]
    assert "--to typst --output-dir _book-pdf" in calls[1]
    assert rendered.html == out / "site" / "index.html" and rendered.html.is_file()
    assert rendered.pdf == out / "assessment.pdf" and rendered.pdf.is_file()


def test_a_requested_output_that_is_missing_fails_the_build(tmp_path, monkeypatch):
    project_dir = _stand_in(tmp_path, monkeypatch, no_pdf=True)
    with pytest.raises(AssemblyError, match="wrote no .*assessment.pdf"):
        quarto.render_with_quarto(project_dir, tmp_path, ("html", "pdf"), "partner")
