"""`python -m emar.cli`: the `emar` command."""

import sys

from emar.cli.main import main

sys.exit(main())
