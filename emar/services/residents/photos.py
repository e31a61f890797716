"""A resident's photo is decoded and drawn again, never stored as it came: whatever the file
claims to be, what is kept is a real JPEG of at most 600 x 600 pixels (the banner shows 96)."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from emar.errors import ValidationError

MAX_FILE = 20 * 1024 * 1024  # bytes read at all
MAX_PIXELS = 40_000_000  # a 40-megapixel camera; more is a decompression bomb
SIDE = 600


def normalise_photo(data: bytes) -> bytes:
    if len(data) > MAX_FILE:
        raise ValidationError("The photo file is too large (over 20 MB).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ("JPEG", "PNG"):
                    raise ValidationError("The photo must be a PNG or JPEG image.")
                if image.width * image.height > MAX_PIXELS:
                    raise ValidationError("The photo is too large (over 40 megapixels).")
                image.load()
                picture = image.convert("RGB")
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, SyntaxError) as exc:  # fmt: skip
        raise ValidationError("The photo could not be read as a picture.") from exc
    picture.thumbnail((SIDE, SIDE))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return out.getvalue()
