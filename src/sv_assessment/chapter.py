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

from sv_assessment import analysis, charts, disclosure, staging
from sv_assessment.config import AssessmentConfig, load_config

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


def _display(bundle: dict) -> None:
    from IPython.display import display

    display(bundle, raw=True)


def _png(fig: go.Figure) -> bytes:
    """Static image via Kaleido, keeping one browser for the kernel's life (~0.3 s an image)."""
    global _KALEIDO_STARTED
    import kaleido

    if not _KALEIDO_STARTED:
        kaleido.start_sync_server(silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _KALEIDO_STARTED = True
    return fig.to_image(format="png", width=900, height=500, scale=2)


@dataclass
class Chapter:
    config: AssessmentConfig
    staged_dir: Path
    tables_dir: Path
    static_images: bool

    @property
    def source(self) -> str:
        base = f"{self.config.partnership} analysis of police-recorded crime"
        return base + " (SYNTHETIC demonstration data)" if self.config.synthetic_data else base

    @property
    def year(self) -> int:
        return self.config.assessment_year

    # Loading ---------------------------------------------------------------------------------
    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        return staging.read_staged(self.staged_dir, name, declared_columns(name, columns))

    def provided(self, name: str) -> bool:
        return staging.input_provided(self.staged_dir, name)

    def offences(self, columns: list[str] | None = None) -> pd.DataFrame:
        """Offences in the assessment window, with calendar columns added."""
        frame = analysis.with_calendar(self.read("offences", columns))
        return frame[frame["year"].between(self.config.first_year, self.year)]

    def serious_violence(self) -> pd.DataFrame:
        offences = self.offences()
        return offences[analysis.serious_violence_mask(offences, self.config.serious_violence)]

    def population(self) -> pd.DataFrame:
        return self.read("population")

    # Showing ---------------------------------------------------------------------------------
    def markdown(self, text: str) -> None:
        _display({"text/markdown": text, "text/plain": text})

    def publishable(
        self, frame: pd.DataFrame, count_columns: list[str], row_total_column: str | None = None
    ) -> pd.DataFrame:
        """Small counts suppressed (and whatever would reveal them), ready to show."""
        return disclosure.suppress_table(
            frame, count_columns, self.config.minimum_count, row_total_column=row_total_column
        )

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
    ) -> None:
        """Show a table (after suppression of its count columns) and save it as a CSV."""
        shown = self.publishable(frame, count_columns, row_total_column) if count_columns else frame
        published = disclosure.format_for_publication(shown)
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
        fig = charts.house_style(spec.figure, "", spec.x_title, spec.y_title, self.source)
        published = disclosure.format_for_publication(spec.data)
        self._write_csv(published, name)
        div = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{name}",
            config={"displayModeBar": False, "responsive": True},
        )
        title = html.escape(spec.title)
        bundle = {
            "text/html": (
                f'<figure class="chart" id="figure-{name}">'
                f"<figcaption>{title}</figcaption>"
                f'<div class="chart-canvas" role="img" aria-label="{html.escape(spec.alt_text)}">'
                f"{div}</div>"
                f'<p class="chart-source">Source: {html.escape(self.source)}</p>'
                f"<details><summary>Data for this chart</summary>"
                f"{charts.data_table_html(published, 'Data: ' + spec.title)}</details></figure>"
            ),
            "application/vnd.plotly.v1+json": json.loads(fig.to_json()),
            "text/markdown": spec.title,
            "text/plain": spec.alt_text,
        }
        if self.static_images:
            bundle["image/png"] = base64.b64encode(_png(fig)).decode()
        _display(bundle)


def open_chapter(
    config_path: str | None = None,
    assessment_year: int | None = None,
    staged_dir: str | None = None,
    tables_dir: str | None = None,
    static_images: bool = False,
) -> Chapter:
    """The chapter's context. With no arguments it uses the demo config and, if the inputs are
    not staged yet, stages them, so a notebook runs top to bottom in JupyterLab as it is."""
    config = load_config(config_path, assessment_year)
    staged = Path(staged_dir) if staged_dir else staging.default_staged_dir(config)
    if not (staged / staging.INPUTS_FILE).exists():
        staging.stage_inputs(config, staged)
    tables = Path(tables_dir) if tables_dir else staged.parent / "interactive" / "tables"
    return Chapter(config, staged, tables, static_images)
