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
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from sv_assessment.analysis import definitions, disclosure
from sv_assessment.catalog import StagedData
from sv_assessment.chapters import charts, publishing
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
    # Each count cell published so far under a measure: shown (True) or hidden (False).
    _decisions: dict = field(default_factory=dict, repr=False)

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

    # Publishing: every table and chart's data through the disclosure gate --------------------
    @property
    def disclosure(self) -> disclosure.DisclosurePolicy:
        return disclosure.DisclosurePolicy.from_config(self.config)

    def count(self, value: float | None) -> str:
        """A count as a sentence may show it: '1,234', or [c] when it is small."""
        return self.disclosure.count_text(value)

    def protect(
        self,
        frame: pd.DataFrame,
        count_columns: list[str],
        rate_columns: list[str] | None = None,
        **options,
    ) -> disclosure.Protected:
        """The table through the gate (``disclosure.protect_table``): small counts hidden, extra
        cells hidden until no hidden cell can be worked out, rates beside them hidden. A cell
        that an earlier table of this chapter published under the same ``measure`` keeps the
        decision made there, so two tables never show and hide the same count."""
        options.setdefault("derived_columns", rate_columns or ())
        started = time.perf_counter()
        protected = disclosure.protect_table(
            frame, count_columns, self.disclosure, register=self._decisions, **options
        )
        _gate_seconds(time.perf_counter() - started)
        return protected

    def protect_together(self, tables: list[tuple]) -> list[disclosure.Protected]:
        """Tables that share cells and totals, protected as one (``disclosure.protect_tables``:
        each is (frame, count columns, options)), holding to this chapter's earlier tables."""
        started = time.perf_counter()
        protected = disclosure.protect_tables(tables, self.disclosure, register=self._decisions)
        _gate_seconds(time.perf_counter() - started)
        return protected

    def publishable(
        self, frame: pd.DataFrame, count_columns: list[str], rate_columns=None, **options
    ) -> pd.DataFrame:
        """``protect``'s table as a frame (hidden cells NA), for code that reshapes it before
        drawing; a chart drawn from it must hand the gate's symbols on (``Protected``)."""
        return self.protect(frame, count_columns, rate_columns, **options).frame

    def table(
        self,
        frame: pd.DataFrame | disclosure.Protected,
        name: str,
        caption: str,
        count_columns: list[str] | None = None,
        row_total_column: str | None = None,
        rate_columns: list[str] | None = None,
        **options,
    ) -> None:
        """Show a table and save it as a CSV with its metadata, after the gate: ``frame`` is a
        ``Protected`` table or is protected here (``count_columns`` says which are counts;
        ``rate_columns`` are hidden beside a hidden count)."""
        protected = (
            frame
            if isinstance(frame, disclosure.Protected)
            else self.protect(
                _years_as_text(frame),
                count_columns or [],
                rate_columns,
                row_total_column=row_total_column,
                **options,
            )
        )
        publishing.write_table(protected, name, caption, self.disclosure, self.tables_dir)
        if protected.frame.empty:
            self.markdown(f"**{caption}:** none.")
            return
        _display(publishing.table_bundle(protected, name, caption))

    def figure(self, spec: charts.FigureSpec, name: str) -> None:
        """Show a chart with its alt text and its data, and save the data as a CSV. The chart
        must be drawn from a table that passed the gate (``spec.data`` is ``Protected``)."""
        if not isinstance(spec.data, disclosure.Protected):
            raise disclosure.DisclosureError(
                f"chart {name}: its data did not pass the disclosure gate; draw it from "
                "chapter.protect(...) and give that as FigureSpec.data"
            )
        # The finding title and the source are drawn in the figure itself, so the chart reads
        # the same in JupyterLab (which shows the Plotly JSON), on the page and in the PDF.
        source = spec.source or self.source
        fig = charts.house_style(
            spec.figure, spec.title, spec.x_title, spec.y_title, source, spec.zero_based
        )
        publishing.write_table(spec.data, name, spec.title, self.disclosure, self.tables_dir)
        published = publishing.for_readers(spec.data)
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
        # caption carries the scope in the PDF; the name gives the PDF figure its label.
        caption = spec.title + (f". Scope: {spec.scope}" if spec.scope else "")
        _display(
            bundle,
            {"sv_assessment": {"title": caption, "alt": spec.alt_text, "name": name}},
        )


def _gate_seconds(seconds: float) -> None:
    """Time spent in the disclosure gate, added to the file ``SV_GATE_SECONDS`` names (the
    benchmark's measure of what the suppression audit costs); nothing when it is unset."""
    path = os.environ.get("SV_GATE_SECONDS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{seconds:.6f}\n")


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
