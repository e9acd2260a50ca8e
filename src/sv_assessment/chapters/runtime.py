"""What a chapter notebook calls: load the staged data, then show tables, charts and text in
the form the report assembler reads (HTML for the web page, Markdown and PNG for the PDF).

Every table and every chart's data passes through disclosure control before it is shown or
written, and each is saved as a CSV under the run's tables folder.
"""

from __future__ import annotations

import atexit
import base64
import html
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from sv_assessment.analysis import definitions, disclosure
from sv_assessment.catalog import StagedData
from sv_assessment.chapters import charts, labels
from sv_assessment.config import AssessmentConfig
from sv_assessment.paths import COMMENTARY_DIR

_KALEIDO_STARTED = False


def declared_columns(name: str, columns: list[str] | None) -> list[str] | None:
    """Under the pipeline, a notebook may read only what its ``metadata.sv_assessment.reads``
    declares (the build keys its cache on exactly those columns); interactively, anything."""
    declared = os.environ.get("SV_ASSESSMENT_READS")
    if not declared:
        return columns
    inputs = json.loads(declared).get("inputs") or {}
    if name not in inputs:
        raise KeyError(f"input '{name}' is read but not declared in metadata.sv_assessment.reads")
    if inputs[name] == "*":
        return columns
    undeclared = sorted(set(columns or []) - set(inputs[name]))
    if undeclared:
        raise KeyError(f"columns {undeclared} of '{name}' are read but not declared")
    return columns or list(inputs[name])


def _display(bundle: dict, metadata: dict | None = None) -> None:
    from IPython.display import display

    display(bundle, raw=True, metadata=metadata)


def _png(fig: go.Figure) -> bytes:
    """Static image via Kaleido, keeping one browser for the kernel's life (~0.3 s an image).
    Only for ``static_images=True`` in JupyterLab: the pipeline makes the PDF's images at
    assembly, with one browser for the whole build (``rendering.images.add_static_images``)."""
    global _KALEIDO_STARTED
    import kaleido

    if not _KALEIDO_STARTED:
        kaleido.start_sync_server(silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _KALEIDO_STARTED = True
    return charts.to_png(fig)


def web_figure(fig: go.Figure) -> go.Figure:
    """The chart as the web page draws it: the same figure, title and source line included,
    filling the width of the page (its height stays, as the house style sized its margins)."""
    web = go.Figure(fig)
    web.update_layout(autosize=True, width=None)
    return web


@dataclass
class Chapter:
    config: AssessmentConfig
    staged_dir: Path
    tables_dir: Path
    static_images: bool
    # A district briefing: the ONS code of the one district every read is narrowed to (the
    # config is narrowed to it too); None for the whole area.
    place: str | tuple[str, ...] | None = None  # a group's districts: a tuple of codes
    # The whole area's config, when the chapter is narrowed to a place: its comparator.
    area_config: AssessmentConfig | None = None

    @property
    def source(self) -> str:
        base = f"{self.config.partnership} analysis of police-recorded crime"
        if self.config.source == "police_uk":
            base = (
                f"{self.config.partnership} analysis of data.police.uk street-level crime, "
                f"{self.config.police_uk.force_name} (Open Government Licence v3.0)"
            )
        return base + " (SYNTHETIC demonstration data)" if self.config.synthetic_data else base

    @property
    def staged(self) -> StagedData:
        return StagedData(self.staged_dir)

    @property
    def year(self) -> int:
        return self.config.assessment_year

    def whole_area(self) -> Chapter:
        """The same chapter for the whole area: a place's comparator (itself for the area)."""
        if self.place is None or self.area_config is None:
            return self
        return Chapter(self.area_config, self.staged_dir, self.tables_dir, self.static_images)

    # Loading ---------------------------------------------------------------------------------
    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        columns = declared_columns(name, columns)
        if self.place is None:
            return self.staged.read(name, columns)
        wanted = None if columns is None else list(dict.fromkeys([*columns, "district_code"]))
        frame = self.staged.read(name, wanted)
        if "district_code" not in frame.columns:  # not about places (e.g. a lookup table)
            return frame
        codes = [self.place] if isinstance(self.place, str) else list(self.place)
        frame = frame[frame["district_code"].isin(codes)].reset_index(drop=True)
        return frame if columns is None else frame[columns]

    def provided(self, name: str) -> bool:
        return self.staged.provided(name)

    def read_optional(self, name: str) -> pd.DataFrame | None:
        """An optional input, or None when it was not provided."""
        return self.read(name) if self.provided(name) else None

    def quarantined(self) -> dict[str, pd.DataFrame]:
        """Rows set aside from each provided input, with ``set_aside_reason``."""
        return {
            name: self.read(f"{name}.quarantine")
            for name in self.staged.quarantined_inputs(list(self.config.inputs))
        }

    def offences(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Offences in the assessment window, with calendar columns added."""
        frame = definitions.with_calendar(self.read("offences", columns))
        return frame[frame["year"].between(self.config.first_year, self.year)]

    def serious_violence(self) -> pd.DataFrame:
        offences = self.offences()
        return offences[definitions.serious_violence_mask(offences, self.config.serious_violence)]

    def population(self) -> pd.DataFrame:
        return self.read("population")

    # Showing ---------------------------------------------------------------------------------
    def markdown(self, text: str) -> None:
        _display({"text/markdown": text, "text/plain": text})

    def commentary(self, stem: str, directory: Path | None = None) -> None:
        """Show the analyst's commentary for this chapter, ``report/commentary/<stem>.md``,
        if there is one; nothing is shown when the file is absent or empty."""
        text = read_commentary(stem, directory or COMMENTARY_DIR)
        if text:
            self.markdown(text)

    def publishable(
        self,
        frame: pd.DataFrame,
        count_columns: list[str],
        row_total_column: str | None = None,
        rate_columns: list[str] | None = None,
    ) -> pd.DataFrame:
        """Small counts suppressed (and whatever would reveal them), ready to show.

        ``rate_columns`` are hidden wherever any count column in the row is hidden, since a
        rate (or a ratio of rates) and the populations would give the count back."""
        out = disclosure.suppress_table(
            frame, count_columns, self.config.minimum_count, row_total_column=row_total_column
        )
        if rate_columns:
            hidden = out[count_columns].isna().any(axis=1).to_numpy()
            for column in rate_columns:
                if pd.api.types.is_numeric_dtype(out[column]):
                    values = pd.to_numeric(out[column], errors="coerce").astype("Float64")
                    values[hidden] = pd.NA
                else:  # text such as "n/a" stays; hidden cells get the marker
                    values = out[column].astype(object).where(~hidden, disclosure.SUPPRESSED_MARKER)
                out[column] = values
        return out

    def _write_csv(self, frame: pd.DataFrame, name: str) -> Path:
        self.tables_dir.mkdir(parents=True, exist_ok=True)
        path = self.tables_dir / f"{name}.csv"
        frame.to_csv(path, index=False, lineterminator="\n")
        return path

    def table(
        self,
        frame: pd.DataFrame,
        name: str,
        caption: str,
        count_columns: list[str] | None = None,
        row_total_column: str | None = None,
        rate_columns: list[str] | None = None,
    ) -> None:
        """Show a table (after suppression of its count columns) and save it as a CSV, with
        plain-English column headers."""
        if frame.empty:
            self._write_csv(labels.plain_headers(frame), name)
            self.markdown(f"**{caption}:** none.")
            return
        shown = (
            self.publishable(frame, count_columns, row_total_column, rate_columns)
            if count_columns
            else frame
        )
        published = labels.plain_headers(disclosure.format_for_publication(_years_as_text(shown)))
        self._write_csv(published, name)
        _display(
            {
                "text/html": charts.data_table_html(published, caption),
                "text/markdown": charts.markdown_table(published, caption),
                "text/plain": caption,
            }
        )

    def figure(self, spec: charts.FigureSpec, name: str) -> None:
        """Show a chart with its alt text and its data, and save the data as a CSV."""
        # The finding title and the source are drawn in the figure itself, so the chart reads
        # the same in JupyterLab (which shows the Plotly JSON), on the page and in the PDF.
        source = spec.source or self.source
        fig = charts.house_style(
            spec.figure, spec.title, spec.x_title, spec.y_title, source, spec.zero_based
        )
        published = labels.plain_headers(
            disclosure.format_for_publication(_years_as_text(spec.data))
        )
        self._write_csv(published, name)
        div = web_figure(fig).to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{name}",
            config={"displayModeBar": False, "responsive": True},
        )
        title = html.escape(spec.title)
        # What the numbers cover, in words under the chart, so charts of different scopes are
        # never read as like with like.
        scope = f'<p class="chart-scope">Scope: {html.escape(spec.scope)}</p>' if spec.scope else ""
        bundle = {
            "text/html": (
                # The caption names the figure for screen readers; the chart shows the title.
                f'<figure class="chart" id="figure-{name}">'
                f'<figcaption class="visually-hidden">{title}</figcaption>'
                f'<div class="chart-canvas" role="img" aria-label="{html.escape(spec.alt_text)}">'
                f"{div}</div>"
                f"{scope}"
                f"<details><summary>Data for this chart</summary>"
                f"{charts.data_table_html(published, 'Data: ' + spec.title)}</details></figure>"
            ),
            "application/vnd.plotly.v1+json": json.loads(fig.to_json()),
            "text/plain": spec.alt_text,
        }
        if self.static_images:
            bundle["image/png"] = base64.b64encode(_png(fig)).decode()
        # No text/markdown: Quarto would show it in place of the PNG in the PDF. The title and
        # alt text go in the metadata, which the assembly turns into fig-cap and fig-alt; the
        # caption carries the scope in the PDF.
        caption = spec.title + (f". Scope: {spec.scope}" if spec.scope else "")
        _display(bundle, {"sv_assessment": {"title": caption, "alt": spec.alt_text}})


def _years_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Years are labels, not counts: keep them from being shown as '2,024'."""
    years = [c for c in frame.columns if str(c) == "year"]
    return frame.astype({c: str for c in years}) if years else frame


def read_commentary(stem: str, directory: Path = COMMENTARY_DIR) -> str:
    """The analyst's commentary block for a chapter, framed as such, or "" if there is none."""
    path = directory / f"{stem}.md"
    if not path.is_file():
        return ""
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        return ""
    return "::: {.commentary}\n**Analyst's commentary**\n\n" + text + "\n:::"
