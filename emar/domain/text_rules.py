"""What a typed field may hold. Names and notes are printed on charts, read aloud on a round
and compared by eye, so they must look like what they are: no control characters (NUL, escapes),
no invisible direction overrides that make text display differently from what is stored, and no
name made only of invisible characters. Lengths are bounded with a message, not cut."""

from __future__ import annotations

import unicodedata

from emar.errors import ValidationError

# Characters that reorder or hide text on screen (Trojan Source, CVE-2021-42574), and the
# zero-width ones that make two different names look the same.
HIDDEN = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    "\u200b\u200c\u200d\u2060\ufeff\u00ad"
)
NAME, SHORT, LINE, NOTE = 100, 200, 500, 2000  # characters


def clean_text(
    value: str | None,
    label: str,
    *,
    limit: int = LINE,
    required: bool = False,
    lines: bool = False,
) -> str | None:
    """The text as it will be stored (NFC, trimmed), or None when empty and not required.
    `lines`: a note may hold line breaks; a name or a room may not. Refuses with a message
    naming `label`."""
    text = unicodedata.normalize("NFC", value or "").strip()
    if not text:
        if required:
            raise ValidationError(f"{label} is needed.")
        return None
    bad = next((ch for ch in text if _forbidden(ch) or (not lines and ch in "\n\r\t")), None)
    if bad is not None:
        raise ValidationError(
            f"{label} holds a hidden or control character (U+{ord(bad):04X}): "
            "type it again without it."
        )
    if not any(_visible(ch) for ch in text):
        raise ValidationError(f"{label} has no visible letters.")
    if len(text) > limit:
        raise ValidationError(f"{label} is too long: at most {limit} characters.")
    return text


def _forbidden(ch: str) -> bool:
    if ch in HIDDEN:
        return True
    category = unicodedata.category(ch)
    if category == "Cc":  # NUL, escape, other controls; a note may still hold line breaks
        return ch not in "\n\t"
    return category in ("Cs", "Co", "Cn")  # surrogates, private use, unassigned


def _visible(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LNPS"


def required_text(value: str | None, label: str, *, limit: int = LINE) -> str:
    """`clean_text` for a field that must be filled in."""
    text = clean_text(value, label, limit=limit, required=True)
    assert text is not None
    return text
