"""Where the text around a chart goes, worked out in px before Plotly draws it.

Plotly neither wraps a title nor keeps titles, legends, notes and point labels apart by itself,
so the house style sizes each band of the margin from the text it will hold, and places point
labels where they collide with nothing, for the narrowest screen a chart must read on.
"""

from __future__ import annotations

import html

import plotly.graph_objects as go

TEXT_COLOUR = "#0B0C0C"

# Every chart must read on a 320 CSS px screen (WCAG 2.2 reflow; the page's 1rem padding leaves
# the chart 288 px) as well as on a desktop and in the PDF, and Plotly neither wraps text nor
# keeps titles, legends and notes apart by itself: text outside the plot is wrapped for the
# narrowest screen and each block gets its own band of the margin.
PHONE_WIDTH = 288
TITLE_SIZE, TEXT_SIZE, SOURCE_SIZE = 16, 13, 11
CHART_HEIGHT = 520
CHAR_EM = 0.56  # an Arial character is about half an em wide on average; a little spare
LINE = 1.3  # line height, in ems
AXIS_BAND = 56  # tick labels and the x-axis title under the plot, in px


def wrap_text(text: str, size: int, width: int = PHONE_WIDTH - 20) -> list[str]:
    """``text`` broken into lines that fit ``width`` px at font ``size`` (between words)."""
    per_line = max(8, int(width / (size * CHAR_EM)))
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= per_line:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def wrap_legend(fig: go.Figure, width: int = PHONE_WIDTH - 64 - 16) -> None:
    """Break a legend entry too long for the narrowest plot into lines (Plotly never does)."""
    for trace in fig.data:
        if trace.name and "<br>" not in trace.name:
            lines = wrap_text(trace.name, TEXT_SIZE, width - 46)
            if len(lines) > 1:
                trace.name = "<br>".join(lines)


def legend_rows(fig: go.Figure, width: int = PHONE_WIDTH - 64 - 16) -> int:
    """Lines a horizontal legend (over the plot's width) takes at the narrowest width (0 when
    there is no legend); an entry of several lines counts each."""
    names = [t.name for t in fig.data if t.showlegend is not False and t.name]
    if fig.layout.showlegend is False or len(names) < 2 and fig.layout.showlegend is not True:
        return 0
    rows, used, tallest = 0, 0.0, 1
    for name in names:
        lines = name.split("<br>")
        item = 46 + max(len(line) for line in lines) * TEXT_SIZE * CHAR_EM
        if used and used + item > width:
            rows, used, tallest = rows + tallest, 0.0, 1
        used += item
        tallest = max(tallest, len(lines))
    return rows + tallest


def margin_text(
    lines: list[str], name: str, size: int, colour: str, left: int, shift: float, anchor: str
) -> dict:
    """Text in the margin, left-aligned with the figure's edge, ``shift`` px from the plot's
    top (``anchor="top"``) or bottom edge."""
    return {
        "text": "<br>".join(html.escape(line) for line in lines),
        "name": name,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "xshift": 10 - left,
        "y": 1 if anchor == "top" else 0,
        "yshift": round(shift),
        "showarrow": False,
        "xanchor": "left",
        "yanchor": anchor,
        "align": "left",
        "font": {"size": size, "color": colour},
    }


# The plot area a funnel chart gets on a 320 px screen, where labels are most crowded.
_PHONE_PLOT = (PHONE_WIDTH - 64 - 16, 290)


def place_labels(
    texts: list[str],
    xs: list[float],
    ys: list[float],
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    points: tuple[list[float], list[float]],
    plot: tuple[int, int] = _PHONE_PLOT,
) -> list[dict]:
    """An annotation beside each point, on the first side (right, left, above, below) where its
    box, estimated in px on the smallest plot, overlaps no other label or marker and stays in
    the plot. Labels never move closer together as the plot grows, so this holds at any size."""
    width, height = plot

    def to_px(x: float, y: float) -> tuple[float, float]:
        return (
            (x - x_range[0]) / ((x_range[1] - x_range[0]) or 1) * width,
            (y_range[1] - y) / ((y_range[1] - y_range[0]) or 1) * height,
        )

    markers = [to_px(x, y) for x, y in zip(*points, strict=True)]
    taken = [(mx - 7, my - 7, mx + 7, my + 7) for mx, my in markers]
    placed = []
    for text, x, y in zip(texts, xs, ys, strict=True):
        px, py = to_px(x, y)
        w, h = len(text) * TEXT_SIZE * CHAR_EM + 4, TEXT_SIZE * LINE
        candidates = [  # label centre offsets in px: beside the point first, then further out
            (dx * (w / 2 + 10 + far), dy * (h / 2 + 8 + far))
            for far in (0, 24, 48, 80)
            for dx, dy in ((1, 0), (-1, 0), (0, -1), (0, 1), (1, -1), (-1, -1), (1, 1), (-1, 1))
        ]

        boxes = [
            (px + dx - w / 2, py + dy - h / 2, px + dx + w / 2, py + dy + h / 2)
            for dx, dy in candidates
        ]
        free = [i for i, box in enumerate(boxes) if _free(box, taken, plot)]
        chosen = free[0] if free else 0
        dx, dy = candidates[chosen]
        taken.append(boxes[chosen])
        placed.append(
            {
                "x": x,
                "y": y,
                "text": html.escape(text),
                # A label moved away from its point keeps a thin line back to it.
                "showarrow": True,
                "arrowwidth": 1 if abs(dx) > w / 2 + 10 or abs(dy) > h / 2 + 8 else 0.1,
                "arrowcolor": "#505A5F",
                "arrowhead": 0,
                "standoff": 6,
                "axref": "pixel",
                "ayref": "pixel",
                "ax": round(dx),
                "ay": round(dy),
                "font": {"size": TEXT_SIZE, "color": TEXT_COLOUR},
            }
        )
    return placed


def _free(box: tuple[float, ...], taken: list[tuple[float, ...]], plot: tuple[int, int]) -> bool:
    """Inside the plot and clear of every box already taken."""
    inside = box[0] >= 0 and box[2] <= plot[0] and box[1] >= 0 and box[3] <= plot[1]
    return inside and not any(_overlap(box, other) for other in taken)


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def labels_that_fit(sizes: list[tuple[float, float]], centres: list[tuple[float, float]], plot):
    """Which labels to draw: each label (``sizes``: width and height in px) centred on its point
    (``centres``: px in a plot of size ``plot``), in the order given (most important first),
    drawn only if its box is inside the plot and clear of every label drawn before it. Worked
    out at the smallest size the chart is drawn at: labels only move apart as it grows."""
    taken: list[tuple[float, ...]] = []
    kept = []
    for index, ((w, h), (x, y)) in enumerate(zip(sizes, centres, strict=True)):
        box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if _free(box, taken, plot):
            taken.append(box)
            kept.append(index)
    return kept
