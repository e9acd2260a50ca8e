"""One module per report chapter: the tables, charts and sentences each notebook shows."""
