"""Thumbnails of image exhibits, made fresh from the stored bytes.

A new image carries no EXIF, so GPS or camera serials in an original never reach a dossier
through its picture. Encoded as data: URLs so HTML output is self-contained and the PDF
fetches nothing.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

MAX_SIZE = (480, 360)


def thumbnail_data_url(path: Path) -> str | None:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail(MAX_SIZE)
            rgb = img.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=80, optimize=False, progressive=False)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")
