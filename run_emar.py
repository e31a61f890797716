"""Start eMAR: `uv run run_emar.py [--db URL]`."""

import sys

from emar.ui.app import main

if __name__ == "__main__":
    sys.exit(main())
