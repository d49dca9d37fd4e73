"""Where an email goes: an SMTP server (`MAIL_URL`), or with none set, a .eml file under instance/mail/."""

import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app


class FileTransport:
    """Writes each message to `folder/<message id>.eml`, so the embedded default shows what would be sent."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_at_").replace("/", "_")
        (self.folder / f"{name}.eml").write_bytes(bytes(message))


class SmtpTransport:
    """`smtp://[user:password@]host[:port][?starttls=1]` or `smtps://...` (TLS from the start)."""

    def __init__(self, url: str, timeout: float = 10):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("MAIL_URL must look like smtp://host:port or smtps://user:password@host:port")
        self.tls = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.host, self.port = parts.hostname, parts.port or (465 if self.tls else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        if self.tls:
            server = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with server:
            if self.starttls:
                server.starttls(context=ssl.create_default_context())
            if self.user:
                server.login(self.user, self.password or "")
            server.send_message(message)


def configured_transport():
    """The transport the app's settings name."""
    url = current_app.config.get("MAIL_URL")
    if url:
        return SmtpTransport(url)
    return FileTransport(Path(current_app.instance_path) / "mail")
