"""Shared analysis the chapters call: the offence definitions, measures (counts, rates,
intervals, trends, concentration) and disclosure control (the gate every published number
passes)."""
