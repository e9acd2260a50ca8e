"""Ingest: read each raw input (CSV, Excel, data.police.uk street files) into one canonical,
typed frame per input. Readers never write to the input's folder."""
