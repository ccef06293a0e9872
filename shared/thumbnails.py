"""Thumbnails with Pillow, pure: image bytes (or a path) in, thumbnail bytes out. No AWS here.

Rules (contract, "The S3 conversion"): jpg/jpeg/png/gif only, checked by the key's extension *and* by what
Pillow detects in the bytes; at most 320 px on the long side, aspect kept, never upscaled; same format as the
input; EXIF orientation applied; the first frame of an animated GIF; oversized images refused before decoding.
Output is deterministic for a given input, so a repeated S3 event rewrites the same bytes (idempotent).
"""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:  # pragma: no cover - typing only
    from PIL import Image

# Pillow is imported where images are decoded, not here: the attachment handlers import this module only for
# ``extension`` and would otherwise pay ~35 ms of cold start for a library they never call (bench/cold_import.py).

MAX_SIDE = 320
# A 12 MP phone photo is 12e6 pixels; 50 MP covers current flagship cameras. Above that we refuse without
# decoding: a tiny PNG can declare 100k x 100k pixels and would need tens of GB to decode (decompression bomb).
MAX_PIXELS = 50_000_000

FORMAT_BY_EXTENSION = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF"}
CONTENT_TYPE = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}


class UnsupportedImage(ValueError):
    """The file is not an image we convert: wrong extension, not an image, a different format, or too big.
    ``reason`` is for the seller (the attachment's rejection); the message adds Pillow's detail for the log."""

    def __init__(self, reason: str, detail: object = None) -> None:
        super().__init__(reason if detail is None else f"{reason}: {detail}")
        self.reason = reason


def extension(key: str) -> str:
    """Lower-case extension without the dot ('' if none)."""
    return PurePosixPath(key).suffix.lower().lstrip(".")


def format_for_key(key: str) -> str:
    """Pillow format name the key's extension promises; raises ``UnsupportedImage`` for anything else."""
    fmt = FORMAT_BY_EXTENSION.get(extension(key))
    if fmt is None:
        raise UnsupportedImage(f"unsupported file type {extension(key) or '(none)'!r} for {key}; "
                               f"expected one of {', '.join(FORMAT_BY_EXTENSION)}")
    return fmt


def _open(source: bytes | Path | BinaryIO, expected: str) -> Image.Image:
    from PIL import Image, UnidentifiedImageError

    stream = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        # ``formats`` limits Pillow's sniffing to the declared format: a PNG named .jpg is refused here.
        image = Image.open(stream, formats=[expected])
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError) as exc:
        raise UnsupportedImage(f"not a readable {expected} image", exc) from exc
    width, height = image.size
    if width * height > MAX_PIXELS:
        image.close()
        raise UnsupportedImage(f"image of {width}x{height} pixels is over the {MAX_PIXELS:,} pixel limit")
    return image


def _encodable(image: Image.Image, fmt: str) -> Image.Image:
    """JPEG has no alpha or palette; everything else keeps its mode."""
    if fmt == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        return image.convert("RGB")
    return image


def make_thumbnail(source: bytes | Path | BinaryIO, fmt: str, max_side: int = MAX_SIDE) -> bytes:
    """Thumbnail of ``source`` in format ``fmt`` (``JPEG``/``PNG``/``GIF``), at most ``max_side`` px long."""
    from PIL import ImageOps

    with _open(source, fmt) as image:
        # JPEG only: decode at 1/2, 1/4 or 1/8 scale straight from the DCT; a 12 MP photo then never exists
        # in memory at full size. ``draft`` keeps both sides >= the request, so quality is unaffected.
        image.draft(image.mode, (max_side, max_side))
        try:
            image.seek(0)  # first frame of an animated GIF
            frame = ImageOps.exif_transpose(image)  # a copy, rotated as the camera meant
            frame.thumbnail((max_side, max_side))  # keeps aspect, never enlarges
        except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data surfaces at load time
            raise UnsupportedImage(f"cannot decode {fmt} image", exc) from exc
        frame = _encodable(frame, fmt)
        out = io.BytesIO()
        options = {"quality": 85, "optimize": True} if fmt == "JPEG" else {}
        if fmt == "GIF" and "transparency" in frame.info:
            options["transparency"] = frame.info["transparency"]
        frame.save(out, format=fmt, **options)
        return out.getvalue()
