"""Media type and image metadata read from the bytes, never from the file name a source chose."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from casefile.model.exhibit import ImageMetadata, Kind

# (offset, signature, media type); the first match wins.
_SIGNATURES: list[tuple[int, bytes, str]] = [
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"\xff\xfb", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"<svg", "image/svg+xml"),
]


def sniff(head: bytes) -> str:
    for offset, sig, media in _SIGNATURES:
        if head[offset : offset + len(sig)] == sig:
            return media
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            return "audio/mp4"
        if brand.startswith(b"qt"):
            return "video/quicktime"
        if brand in (b"heic", b"heix", b"mif1"):
            return "image/heic"
        return "video/mp4"
    lowered = head[:512].lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multibyte character cut at the end of the sample is still text.
        if exc.start < len(head) - 4:
            return "application/octet-stream"
    if b"\x00" in head:
        return "application/octet-stream"
    return "text/plain" if head else "application/octet-stream"


def kind_for(media_type: str) -> Kind:
    if media_type.startswith("image/"):
        return Kind.photo
    if media_type.startswith("video/"):
        return Kind.video
    if media_type.startswith("audio/"):
        return Kind.audio
    if media_type in ("application/pdf", "text/plain"):
        return Kind.document
    if media_type == "text/html":
        return Kind.web_capture
    return Kind.other


def _gps_degrees(values, ref) -> float | None:  # type: ignore[no-untyped-def]
    try:
        deg, minutes, seconds = (float(v) for v in values)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = deg + minutes / 60 + seconds / 3600
    if ref in ("S", "W", b"S", b"W"):
        value = -value
    return round(value, 6)


def image_metadata(path: Path) -> ImageMetadata | None:
    """EXIF capture time, camera and GPS, as the file claims them; None if not an image."""
    from PIL import ExifTags, Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            width, height = img.size
            exif = img.getexif()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    meta = ImageMetadata(width=width, height=height)
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    when = ifd.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if isinstance(when, str):
        try:
            meta.captured_at = dt.datetime.strptime(when.strip(), "%Y:%m:%d %H:%M:%S").isoformat()
        except ValueError:
            meta.captured_at = None
    make = str(exif.get(ExifTags.Base.Make, "") or "").strip("\x00 ")
    model = str(exif.get(ExifTags.Base.Model, "") or "").strip("\x00 ")
    camera = " ".join(p for p in (make, model) if p)
    meta.camera = camera or None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    if gps:
        lat = _gps_degrees(gps.get(2), gps.get(1))
        lon = _gps_degrees(gps.get(4), gps.get(3))
        if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
            meta.lat, meta.lon = lat, lon
    return meta
