"""Email choices and the two sweeps that turn notifications into emails.

Instant: `queue_instant()` reads the notifications stored since its cursor (a row it locks, so two sweeps
never read the same stretch) and queues one email for each whose recipient wants that kind right away.
Digest: `queue_digests(day)` queues one email per user with that day's notifications of the kinds they
chose to get as a digest. `deliver_queued()` then sends what is queued. Each notification and each
(user, day) digest is queued at most once (unique columns), so a sweep run twice, or two at once, sends
nothing twice; a send that fails is retried up to MAX_ATTEMPTS times; one whose worker died while sending
is taken up again after CLAIM_TIMEOUT (so delivery is at least once, and the Message-ID is stable for the
receiving server to drop a repeat).
"""

import logging
import smtplib
from datetime import UTC, date, datetime, time, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from helpdesk.auth.models import User
from helpdesk.errors import Refusal
from helpdesk.extensions import db
from helpdesk.mail.kinds import DIGEST, INSTANT, KINDS, MODES, OFF, default_mode, label
from helpdesk.mail.models import MailCursor, MailDelivery, MailPreference
from helpdesk.notifications.models import Notification
from helpdesk.types import utcnow
from helpdesk.upsert import locked_row

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_TIMEOUT = timedelta(minutes=10)
SWEEP_BATCH = 5000


class MailRefused(Refusal):
    """A refused email setting (unknown kind or mode, a bad unsubscribe link)."""


# -- choices -----------------------------------------------------------------------------------------------

def modes_of(user_ids, kinds) -> dict[tuple[int, str], str]:
    """The chosen mode of each (user, kind) that has a row; others take the kind's default."""
    if not user_ids:
        return {}
    rows = db.session.execute(select(MailPreference.user_id, MailPreference.kind, MailPreference.mode)
                              .where(MailPreference.user_id.in_(set(user_ids)), MailPreference.kind.in_(set(kinds))))
    return {(u, k): m for u, k, m in rows}


def mode_for(user_id: int, kind: str) -> str:
    """How `kind` is emailed to the user."""
    return modes_of([user_id], [kind]).get((user_id, kind)) or default_mode(kind)


def preferences(user: User) -> list[dict]:
    """Every kind with its label and the user's mode, for the settings page."""
    chosen = modes_of([user.id], KINDS)
    return [{"kind": kind, "label": label(kind), "mode": chosen.get((user.id, kind)) or default_mode(kind)}
            for kind in KINDS]


def set_mode(user: User, kind: str, mode: str) -> None:
    """Choose how `kind` is emailed to `user` (a second choice replaces the first, also when two tabs save
    at once)."""
    if kind not in KINDS:
        raise MailRefused(422, "Unknown kind of notification.", field="kind")
    if mode not in MODES:
        raise MailRefused(422, f"Choose one of: {', '.join(MODES)}.", field=kind)
    changed = db.session.execute(update(MailPreference).where(MailPreference.user_id == user.id,
                                                              MailPreference.kind == kind).values(mode=mode)).rowcount
    if changed:
        return
    try:
        with db.session.begin_nested():
            db.session.add(MailPreference(user_id=user.id, kind=kind, mode=mode))
    except IntegrityError:  # the other tab inserted it first: update that row
        db.session.execute(update(MailPreference).where(MailPreference.user_id == user.id,
                                                        MailPreference.kind == kind).values(mode=mode))
    log.info("mail.preference user=%s kind=%s mode=%s", user.id, kind, mode)


def set_modes(user: User, choices: dict[str, str]) -> None:
    """Save the settings form: every kind's mode, all checked before any is stored."""
    for kind, mode in choices.items():
        if kind not in KINDS:
            raise MailRefused(422, "Unknown kind of notification.", field="kind")
        if mode not in MODES:
            raise MailRefused(422, f"Choose one of: {', '.join(MODES)}.", field=kind)
    for kind, mode in choices.items():
        set_mode(user, kind, mode)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-unsubscribe")


def unsubscribe_token(user_id: int, kind: str) -> str:
    """The signed part of an unsubscribe link: it names one user and one kind, and nothing else."""
    return _serializer().dumps({"u": user_id, "k": kind})


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The user and kind an unsubscribe link names; 404 for a link that was not made here."""
    try:
        data = _serializer().loads(token)
        user = db.session.get(User, int(data["u"]))
        kind = str(data["k"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise MailRefused(404, "This unsubscribe link is not valid.") from None
    if user is None or kind not in KINDS:
        raise MailRefused(404, "This unsubscribe link is not valid.")
    return user, kind


# -- queueing ----------------------------------------------------------------------------------------------

def _absolute(link: str | None) -> str:
    base = current_app.config.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return base + (link if link and link.startswith("/") else "/notifications/")


def _footer(user_id: int, kind: str) -> str:
    return ("\n\n--\nYou get this email because of your notification settings: "
            f"{_absolute('/settings/email')}\nStop emails about \u201c{label(kind)}\u201d: "
            f"{_absolute('/mail/unsubscribe/' + unsubscribe_token(user_id, kind))}\n")


def _cursor(name: str) -> MailCursor:
    """The sweep's cursor row, locked until the transaction ends (created on first use)."""
    return locked_row(MailCursor, name=name, last_id=0)


def queue_instant(limit: int = SWEEP_BATCH) -> int:
    """Queue an email for each notification stored since the last sweep whose recipient wants its kind
    right away and has an address; return how many were queued. Flushes; the caller commits."""
    cursor = _cursor("instant")
    rows = db.session.execute(
        select(Notification.id, Notification.user_id, Notification.kind, Notification.text, Notification.link)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id > cursor.last_id, User.email.is_not(None), User.active.is_(True))
        .order_by(Notification.id).limit(limit)).all()
    last_seen = db.session.scalar(select(Notification.id).where(Notification.id > cursor.last_id)
                                  .order_by(Notification.id.desc()).limit(1)) if len(rows) < limit else None
    chosen = modes_of([r.user_id for r in rows], [r.kind for r in rows])
    queued = 0
    for r in rows:
        if (chosen.get((r.user_id, r.kind)) or default_mode(r.kind)) != INSTANT:
            continue
        db.session.add(MailDelivery(user_id=r.user_id, notification_id=r.id, kind=r.kind, subject=r.text[:300],
                                    body=f"{r.text}\n\nOpen it: {_absolute(r.link)}" + _footer(r.user_id, r.kind)))
        queued += 1
    cursor.last_id = max([r.id for r in rows] + [last_seen or 0, cursor.last_id])
    db.session.flush()
    return queued


def queue_digests(day: date) -> int:
    """Queue one email per user with `day`'s notifications (UTC) of the kinds they get as a digest; return
    how many. A user's digest of a day is queued once, however often this runs. Flushes."""
    start = datetime.combine(day, time(), tzinfo=UTC)
    rows = db.session.execute(
        select(Notification.user_id, Notification.kind, Notification.text, Notification.link)
        .join(User, User.id == Notification.user_id)
        .where(Notification.created_at >= start, Notification.created_at < start + timedelta(days=1),
               User.email.is_not(None), User.active.is_(True))
        .order_by(Notification.user_id, Notification.id)).all()
    chosen = modes_of([r.user_id for r in rows], [r.kind for r in rows])
    per_user: dict[int, list] = {}
    for r in rows:
        if (chosen.get((r.user_id, r.kind)) or default_mode(r.kind)) == DIGEST:
            per_user.setdefault(r.user_id, []).append(r)
    done = set(db.session.scalars(select(MailDelivery.digest_key).where(
        MailDelivery.digest_key.in_([f"{u}:{day.isoformat()}" for u in per_user]))))
    queued = 0
    for user_id, items in per_user.items():
        key = f"{user_id}:{day.isoformat()}"
        if key in done:
            continue
        lines = "\n".join(f"- {r.text}\n  {_absolute(r.link)}" for r in items)
        kinds = sorted({r.kind for r in items})
        footer = "".join(_footer(user_id, k) for k in kinds)
        try:
            with db.session.begin_nested():
                db.session.add(MailDelivery(
                    user_id=user_id, digest_key=key, kind="digest",
                    subject=f"Your day on the desk, {day:%d %B %Y}: {len(items)} notification"
                            f"{'' if len(items) == 1 else 's'}",
                    body=f"What happened on {day:%A %d %B %Y}:\n\n{lines}" + footer))
            queued += 1
        except IntegrityError:  # another digest sweep queued it first
            continue
    return queued


# -- sending -----------------------------------------------------------------------------------------------

def _sendable(now: datetime):
    return or_(MailDelivery.status == "queued",
               (MailDelivery.status == "failed") & (MailDelivery.attempts < MAX_ATTEMPTS),
               (MailDelivery.status == "sending") & (MailDelivery.claimed_at < now - CLAIM_TIMEOUT))


def message_for(delivery: MailDelivery, to_address: str, to_name: str) -> EmailMessage:
    """The email of a delivery, with a stable Message-ID and a one-click unsubscribe header."""
    # Lines up to RFC 5322's 998: a long link in a header must stay a plain link, not an encoded word.
    message = EmailMessage(policy=policy.SMTP.clone(max_line_length=998))
    message["From"] = current_app.config.get("MAIL_FROM", "Success Coach Client Center <desk@localhost>")
    message["To"] = formataddr((to_name, to_address))
    message["Subject"] = delivery.subject
    message["Message-ID"] = f"<delivery-{delivery.id}@helpdesk>"
    if delivery.kind in KINDS:
        link = _absolute("/mail/unsubscribe/" + unsubscribe_token(delivery.user_id, delivery.kind))
        message["List-Unsubscribe"] = f"<{link}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(delivery.body)
    return message


def deliver_queued(transport, now: datetime | None = None, limit: int = 500) -> dict:
    """Send what is queued; return {"sent": n, "failed": m}.

    Commits: each email is claimed (a conditional UPDATE, so two senders never take the same one) and
    committed before it is sent, and its outcome committed after, so what was sent is never forgotten."""
    now = now or utcnow()
    ids = db.session.scalars(select(MailDelivery.id).where(_sendable(now)).order_by(MailDelivery.id).limit(limit)).all()
    db.session.commit()
    sent = failed = 0
    for delivery_id in ids:
        claimed = db.session.execute(
            update(MailDelivery).where(MailDelivery.id == delivery_id, _sendable(now))
            .values(status="sending", claimed_at=now, attempts=MailDelivery.attempts + 1)
            .returning(MailDelivery.id)).scalar()
        db.session.commit()
        if claimed is None:
            continue  # another sender has it
        delivery = db.session.get(MailDelivery, delivery_id)
        user = db.session.get(User, delivery.user_id)
        try:
            transport.send(message_for(delivery, user.email, user.name))
        except (smtplib.SMTPException, OSError) as exc:
            delivery.status, delivery.error = "failed", f"{type(exc).__name__}: {exc}"[:500]
            failed += 1
            log.warning("mail.failed delivery=%s user=%s error=%s", delivery.id, user.id, delivery.error)
        else:
            delivery.status, delivery.sent_at, delivery.error = "sent", utcnow(), None
            sent += 1
            log.info("mail.sent delivery=%s user=%s kind=%s", delivery.id, user.id, delivery.kind)
        db.session.commit()
    return {"sent": sent, "failed": failed}


__all__ = ["DIGEST", "INSTANT", "OFF", "deliver_queued", "mode_for", "preferences", "queue_digests",
           "queue_instant", "set_mode", "set_modes"]
