"""Chapters: the runtime every notebook uses (``runtime.Chapter``), the house style for charts
and labels, and one module per chapter of the assessment (partner and open-data)."""
