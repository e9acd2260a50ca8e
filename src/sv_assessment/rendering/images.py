"""Chart images for the PDF, made once at assembly from each chart's Plotly JSON (without the
title, which the PDF gives as the figure's caption).

One Kaleido browser serves every image of the build (~0.3 s an image once it is up), instead of
one browser per notebook kernel; notebooks themselves stay free of images, so the same executed
chapters serve the HTML and the PDF.
"""

from __future__ import annotations

import base64
import json

from sv_assessment.chapters.charts import for_print, to_png

PLOTLY_MIME = "application/vnd.plotly.v1+json"
PNG_MIME = "image/png"


def charts_without_images(*notebooks) -> list[dict]:
    """Each display output that holds a Plotly chart but no PNG of it."""
    return [
        output
        for notebook in notebooks
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if PLOTLY_MIME in output.get("data", {}) and PNG_MIME not in output["data"]
    ]


def add_static_images(*notebooks) -> int:
    """Add a PNG beside every chart that lacks one, with one browser for them all; returns how
    many were made."""
    outputs = charts_without_images(*notebooks)
    if not outputs:
        return 0
    import kaleido
    import plotly.io

    kaleido.start_sync_server(silence_warnings=True)
    try:
        for output in outputs:
            fig = plotly.io.from_json(json.dumps(output["data"][PLOTLY_MIME]))
            output["data"][PNG_MIME] = base64.b64encode(to_png(for_print(fig))).decode()
    finally:
        kaleido.stop_sync_server(silence_warnings=True)
    return len(outputs)
