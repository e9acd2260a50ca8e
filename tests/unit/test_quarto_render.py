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
