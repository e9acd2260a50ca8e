"""Rendering: turn the executed chapters into the published HTML and PDF, either with the
built-in assembler (Pandoc + Typst) or with Quarto. Not to be confused with the Quarto project
in the top-level ``report/`` folder, which this package writes out and renders."""
