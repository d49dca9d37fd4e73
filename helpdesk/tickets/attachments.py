"""Screenshots on tickets and questions: images only (checked by content with Pillow), 5 MB each, 5 per ticket.

Kept in the database rather than under instance/: a refused or rolled-back filing then leaves nothing
behind (no orphan file to sweep), a merge or an escalation moves a screenshot with one UPDATE, and backups
and the per-ticket visibility rule cover the files with the rows. 25 MB a ticket at most keeps that cheap.
"""

import io

from flask import send_file
from sqlalchemy import func, select
from werkzeug.utils import secure_filename

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.tickets.access import TicketError
from helpdesk.tickets.models import Question, Ticket, TicketAttachment
from helpdesk.types import utcnow
from helpdesk.uploads import MAX_IMAGE_BYTES, image_format, too_big

MAX_ATTACHMENT_BYTES = MAX_IMAGE_BYTES
MAX_PER_TICKET = 5
# Pillow's format -> the only content types served: images a browser shows without running anything.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}


def image_type(data: bytes) -> str:
    """The content type of an accepted image, from its bytes (never the name or the declared type)."""
    if not data:
        raise TicketError(422, "The file is empty.", field="file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise TicketError(413, too_big(len(data)), field="file")
    kind = image_format(data)
    if kind not in IMAGE_TYPES:
        raise TicketError(415, "Only images can be attached: PNG, JPEG, WebP or GIF.", field="file")
    return IMAGE_TYPES[kind]


def check_images(files: list[tuple[str, bytes]], already: int = 0) -> list[str]:
    """Check every chosen file before anything is stored; return their content types."""
    if already + len(files) > MAX_PER_TICKET:
        raise TicketError(422, f"At most {MAX_PER_TICKET} screenshots per ticket.", field="file")
    return [image_type(data) for _, data in files]


def _store(user: User, filename: str | None, data: bytes, kind: str, **owner) -> TicketAttachment:
    name = secure_filename(filename or "") or "screenshot"
    row = TicketAttachment(filename=name[:255], content_type=kind, size=len(data), data=data,
                           uploaded_by_id=user.id, created_at=utcnow(), **owner)
    db.session.add(row)
    return row


def add_attachment(user: User, ticket: Ticket, filename: str | None, content_type: str | None,
                   data: bytes) -> TicketAttachment:
    """Attach an image to a ticket the caller can see; the ticket's row lock makes the limit of 5 hold when
    two uploads arrive at once. `content_type` (the browser's claim) is ignored: the bytes decide."""
    kind = image_type(data)
    db.session.execute(select(Ticket.id).where(Ticket.id == ticket.id).with_for_update())
    count = db.session.scalar(select(func.count()).where(TicketAttachment.ticket_id == ticket.id))
    if count >= MAX_PER_TICKET:
        raise TicketError(422, f"At most {MAX_PER_TICKET} screenshots per ticket.", field="file")
    row = _store(user, filename, data, kind, ticket_id=ticket.id)
    db.session.flush()
    db.session.expire(ticket, ["attachments"])
    return row


def add_to_question(user: User, question: Question, files: list[tuple[str, bytes]]) -> None:
    """Attach already-read images to a question (they go with it if it becomes a ticket)."""
    for (name, data), kind in zip(files, check_images(files), strict=True):
        _store(user, name, data, kind, question_id=question.id)
    db.session.flush()


def read_upload(storage) -> bytes:
    """Read an uploaded file; one over 5 MB is refused by its real size without being read into memory."""
    stream = storage.stream
    try:
        size = stream.seek(0, 2)
        stream.seek(0)
    except (AttributeError, OSError):  # a stream that cannot seek: read just past the limit
        size = None
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise TicketError(413, too_big(size), field="file")
    return stream.read(MAX_ATTACHMENT_BYTES + 1)


def read_uploads(storages) -> list[tuple[str, bytes]]:
    """(filename, bytes) of each chosen file (empty file inputs skipped)."""
    return [(s.filename, read_upload(s)) for s in storages if s and s.filename]


def download(attachment: TicketAttachment):
    """The image with its checked type, as a download (an <img> still shows it), never sniffed or scripted."""
    kind = attachment.content_type if attachment.content_type in IMAGE_TYPES.values() else "application/octet-stream"
    response = send_file(io.BytesIO(attachment.data), mimetype=kind, as_attachment=True,
                         download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
