"""Serious Violence Duty strategic needs assessment: a reproducible analytical pipeline."""

__version__ = "0.1.0"
