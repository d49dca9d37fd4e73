"""Listing photos: checked by content with Pillow, re-encoded without metadata, thumbnailed, served safely."""

import io

from flask import send_file
from PIL import Image, ImageOps, UnidentifiedImageError

from helpdesk.moderation.services import ModerationError
from helpdesk.uploads import MAX_IMAGE_BYTES, too_big

MAX_IMAGES = 4
MAX_PIXELS = 40_000_000  # refuse decompression bombs well before Pillow's own warning
THUMBNAIL = (320, 320)
# What Pillow found in the bytes (never the file's name or declared type) -> the type it is served as.
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}


def read_upload(storage) -> bytes:
    """Read an uploaded file; over 5 MB is refused in plain words ("The file is 6.0 MB; the limit is 5 MB"),
    counting the rest without keeping it."""
    data = storage.stream.read(MAX_IMAGE_BYTES + 1)
    if len(data) <= MAX_IMAGE_BYTES:
        return data
    size = len(data)
    while chunk := storage.stream.read(1024 * 1024):
        size += len(chunk)
    raise ModerationError(413, too_big(size), field="images")


def clean_image(data: bytes) -> dict:
    """A real PNG, JPEG or WebP, re-encoded so no metadata (EXIF, GPS, text chunks) survives, with a thumbnail.

    Returns content_type, data, thumbnail, width, height, size. Anything else (an HTML file named .png, a GIF,
    a truncated file) is a 422 naming `images`."""
    if not data:
        raise ModerationError(422, "The file is empty.", field="images")
    if len(data) > MAX_IMAGE_BYTES:
        raise ModerationError(413, too_big(len(data)), field="images")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in FORMATS:
                raise ModerationError(422, "Only PNG, JPEG or WebP photos can be added.", field="images")
            if probe.width * probe.height > MAX_PIXELS:
                raise ModerationError(422, "The photo is too large in pixels (over 40 megapixels).", field="images")
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            upright = ImageOps.exif_transpose(img)  # keep how the photo looks, then drop the EXIF itself
    except ModerationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise ModerationError(422, "This file is not a PNG, JPEG or WebP photo.", field="images") from exc
    pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())  # pixels only: no info, no exif
    if upright.mode == "P" and upright.getpalette():
        pixels.putpalette(upright.getpalette())
    out = io.BytesIO()
    if kind == "JPEG":
        pixels.convert("RGB").save(out, "JPEG", quality=88)
    elif kind == "WEBP":
        pixels.save(out, "WEBP", quality=88)
    else:
        pixels.save(out, "PNG", optimize=True)
    thumb = pixels.convert("RGBA") if pixels.mode not in ("RGB", "RGBA") else pixels.copy()
    thumb.thumbnail(THUMBNAIL)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, "WEBP", quality=80)
    return {"content_type": FORMATS[kind], "data": out.getvalue(), "thumbnail": thumb_out.getvalue(),
            "width": pixels.width, "height": pixels.height, "size": len(out.getvalue())}


def serve(data: bytes, content_type: str):
    """The bytes as an inline image of a type that cannot run script; no sniffing, no scripts, private cache."""
    response = send_file(io.BytesIO(data), mimetype=content_type if content_type in FORMATS.values() else
                         "application/octet-stream", max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
