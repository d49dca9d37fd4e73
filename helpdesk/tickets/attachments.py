"""Ticket attachments: stored in the database, 5 MB each, always downloaded, never rendered."""

import io

from flask import send_file
from werkzeug.utils import secure_filename

from helpdesk.auth.models import User
from helpdesk.extensions import db
from helpdesk.tickets.models import Ticket, TicketAttachment
from helpdesk.tickets.services import TicketError
from helpdesk.types import utcnow

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
# Types a browser shows without running anything; everything else is served as opaque bytes.
SAFE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
              "application/zip"}


def safe_content_type(declared: str | None) -> str:
    kind = (declared or "").split(";")[0].strip().lower()
    return kind if kind in SAFE_TYPES else "application/octet-stream"


def check_size(data: bytes) -> None:
    """Refuse an empty file or one over 5 MB, before anything is stored."""
    if not data:
        raise TicketError(422, "The file is empty.", field="file")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise TicketError(413, f"The file is over 5 MB ({len(data) / 1024 / 1024:.1f} MB read); "
                               "the limit is 5 MB.", field="file")


def add_attachment(user: User, ticket: Ticket, filename: str | None, content_type: str | None,
                   data: bytes) -> TicketAttachment:
    """Attach a file of at most 5 MB to a ticket the caller can see."""
    check_size(data)
    name = secure_filename(filename or "") or "attachment"
    row = TicketAttachment(ticket_id=ticket.id, filename=name[:255], content_type=safe_content_type(content_type),
                           size=len(data), data=data, uploaded_by_id=user.id, created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    db.session.expire(ticket, ["attachments"])
    return row


def read_upload(storage) -> bytes:
    """Read an uploaded file, stopping just past the limit so a huge upload is not held in memory."""
    return storage.stream.read(MAX_ATTACHMENT_BYTES + 1)


def download(attachment: TicketAttachment):
    """The file as a download: Content-Disposition attachment, a safe type, no sniffing."""
    response = send_file(io.BytesIO(attachment.data), mimetype=safe_content_type(attachment.content_type),
                         as_attachment=True, download_name=attachment.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
