"""Build the Serious Violence Duty strategic needs assessment: `python pipeline.py --help`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from sv_assessment.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
