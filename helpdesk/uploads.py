"""Uploaded images, as every feature takes them: 5 MB at most, said in plain words, and the format read from
the bytes with Pillow (never from the file's name or declared type)."""

import io

from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 5 * 1024 * 1024


def size_text(n: int) -> str:
    """A size as people read it: "6.0 MB"."""
    return f"{n / 1024 / 1024:.1f} MB"


def too_big(n: int) -> str:
    """The refusal of a file of `n` bytes: "The file is 6.0 MB; the limit is 5 MB."."""
    return f"The file is {size_text(n)}; the limit is {MAX_IMAGE_BYTES // 1024 // 1024} MB."


def image_format(data: bytes) -> str | None:
    """Pillow's name of the image format in `data` ("PNG", "JPEG", "WEBP", "GIF", ...) once the file checks
    out whole; None when it is not an image Pillow can read (an HTML file named .png, a truncated file)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return kind
