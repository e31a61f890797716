"""Reading the NHSBSA dm+d XML release (no database): `find_release` finds its files,
`reader` streams their records (`records`)."""

from emar.infra.dmd.files import DmdRelease, find_release
from emar.infra.dmd.reader import DmdError

__all__ = ["DmdError", "DmdRelease", "find_release"]
