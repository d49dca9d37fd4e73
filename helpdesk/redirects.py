"""Where a form or sign-in may send the browser next: only to a page on this site."""

from urllib.parse import urlsplit

from flask import request


def safe_next(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None.

    Refused: anything with a scheme or host (`https://evil.example`, `//evil.example`), and the forms
    browsers rewrite into one: a backslash anywhere (`/\\evil.example` is followed as `//evil.example`),
    control characters and white space (`/\\t/evil.example`, `\\n`), and a path that does not start with
    exactly one slash.
    """
    if not target or not isinstance(target, str):
        return None
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def same_site_referrer() -> str | None:
    """The page the request came from, as a path, when it is on this site (for 'go back' after a refusal)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path)
