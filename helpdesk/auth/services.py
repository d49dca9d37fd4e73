"""Passwords (argon2id), server-side login sessions and API tokens."""

import functools
import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import bindparam, func, select, update

from helpdesk.auth.models import ApiToken, LoginSession, User
from helpdesk.extensions import db
from helpdesk.types import utcnow

_hashers: dict = {}
TOUCH_EVERY = timedelta(minutes=1)  # how often a login session's last use is written down


def _hasher() -> PasswordHasher:
    """argon2id with the library's recommended parameters (cheaper ones may be set for tests)."""
    params = tuple(sorted((current_app.config.get("ARGON2_PARAMS") or {}).items()))
    if params not in _hashers:
        _hashers[params] = PasswordHasher(**dict(params))
    return _hashers[params]
MIN_PASSWORD_LENGTH = 10


class PasswordTooShort(ValueError):
    pass


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def set_password(user: User, password: str) -> None:
    """Hash and store a new password, ending every session the user had."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordTooShort(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = _hasher().hash(password)
    end_all_sessions(user)


def change_password(user: User, password: str) -> int:
    """A password change: the new password, every session ended and every API token revoked (a token made
    with the old password must not outlive it). Returns how many tokens were revoked."""
    set_password(user, password)
    return revoke_tokens(user)


def authenticate(login: str, password: str) -> User | None:
    """Return the active user whose email or external id and password match, else None."""
    login = login.strip()
    user = db.session.scalar(select(User).where((User.email == login.lower()) | (User.external_id == login)))
    if user is None or not user.password_hash:
        # Spend the same time as a real check, so timing does not tell which logins exist.
        _hasher().hash(password)
        return None
    try:
        _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    return user


def start_session(user: User) -> str:
    """Open a server-side login session for `user` and return its key (kept in the cookie)."""
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=_sha256(key)))
    user.session_key = key
    return key


# Values other features load with the signed-in user, in the same query (the bell's count: notifications),
# so every page costs one round trip without auth importing those features: attribute -> SQL column of a
# user id. A feature registers its own when the app is built (helpdesk/notifications/__init__.py).
USER_EXTRAS: dict[str, object] = {}


def load_with_user(attribute: str, column_for_user_id) -> None:
    """Load `column_for_user_id(User.id)` with every signed-in user, as `user.<attribute>`."""
    USER_EXTRAS[attribute] = column_for_user_id
    _session_user_stmt.cache_clear()


@functools.cache
def _session_user_stmt():
    """The statement of load_session_user, built once (its values are bound parameters): building it and
    its cache key again on every request was a third of the sign-in's cost (issue #15)."""
    return (select(User, LoginSession.id, func.coalesce(LoginSession.last_seen_at, LoginSession.created_at),
                   *(column(User.id) for column in USER_EXTRAS.values()))
            .join(LoginSession, LoginSession.user_id == User.id)
            .where(LoginSession.key_hash == bindparam("key_hash"), LoginSession.ended_at.is_(None),
                   User.id == bindparam("user_id")))


def load_session_user(session_id: str) -> User | None:
    """The user behind a Flask-Login id "USER_ID:KEY", if that login session is still open."""
    user_id, _, key = session_id.partition(":")
    if not user_id.isdigit() or not key:
        return None
    # One round trip for what every page needs: the session, its user and what features load with it.
    fresh = not db.session().in_transaction()
    row = db.session.execute(_session_user_stmt(), {"key_hash": _sha256(key), "user_id": int(user_id)}).first()
    if row is None or not row[0].active:
        return None
    user, login_session_id, last_seen, *values = row
    now = utcnow()
    idle_minutes = current_app.config.get("SESSION_IDLE_MINUTES")
    if idle_minutes and last_seen is not None and now - last_seen > timedelta(minutes=idle_minutes):
        return None  # idle too long: signed out on the server, whatever the cookie says
    if last_seen is None or now - last_seen > TOUCH_EVERY:
        _note_use(login_session_id, now, commit=fresh)
    for attribute, value in zip(USER_EXTRAS, values, strict=True):
        setattr(user, attribute, value)
    user.session_key = key
    return user


def _note_use(login_session_id: int, now, commit: bool) -> None:
    """Note that a login session was used. Committed at once when nothing else happened yet in this request
    (pages that only read never commit); otherwise it is saved with the request's own work, if any."""
    db.session.execute(update(LoginSession).where(LoginSession.id == login_session_id).values(last_seen_at=now))
    if commit:
        db.session.commit()


def end_session(user: User) -> None:
    """End the login session `user` is signed in with."""
    if user.session_key:
        db.session.execute(
            update(LoginSession).where(LoginSession.key_hash == _sha256(user.session_key)).values(ended_at=utcnow())
        )
        user.session_key = None


def end_all_sessions(user: User) -> None:
    if user.id is not None:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
            .values(ended_at=utcnow())
        )


def create_token(user: User, label: str | None = None, scope: str = "full") -> str:
    """Create an API token for `user`; the token itself is returned once and only its hash is kept."""
    token = "hd_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user_id=user.id, token_hash=_sha256(token), prefix=token[:10], label=label, scope=scope))
    return token


def revoke_tokens(user: User, prefix: str | None = None) -> int:
    """Revoke the user's live tokens (only the one starting with `prefix` if given); return how many."""
    stmt = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if prefix:
        stmt = stmt.where(ApiToken.prefix == prefix[:10])
    return db.session.execute(stmt.values(revoked_at=utcnow())).rowcount


def user_for_token(token: str) -> tuple[User, ApiToken] | None:
    """The active user and token row behind a bearer token, or None."""
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _sha256(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    row.last_used_at = utcnow()
    return row.user, row
