"""The `emar` command (console script `emar = "emar.cli:main"`): `main.py` assembles the
parser; `common.py` holds what every command shares; each other module is one group of
commands, adding its own subcommands (`register`) and holding their `cmd_*` functions."""

from emar.cli.main import main

__all__ = ["main"]
