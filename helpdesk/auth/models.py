"""People and their credentials: one users table for every role."""

import enum
import uuid

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from helpdesk.extensions import db
from helpdesk.types import Money, UTCDateTime, utcnow


class Role(enum.StrEnum):
    CLIENT = "client"
    COACH = "coach"
    TEAM_LEADER = "team_leader"
    AUDITOR = "auditor"
    SUPPORT = "support"
    ADMIN = "admin"


ROLES = tuple(r.value for r in Role)
STAFF_ROLES = tuple(r.value for r in Role if r is not Role.CLIENT)


def new_external_id(prefix: str = "u") -> str:
    """An external id for a record created on the desk rather than imported."""
    return f"{prefix}-{uuid.uuid4().hex[:16]}"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('client','coach','team_leader','auditor','support','admin')", name="role"),
        Index("ix_users_role_reports_to", "role", "reports_to_id"),
        # A team leader's team whatever its members' roles (the rankings' team filter, `rows_visible_to`):
        # the index above leads with the role, so it cannot serve `reports_to_id = ?` alone.
        Index("ix_users_reports_to", "reports_to_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(64), unique=True, default=new_external_id)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    # None means no usable password: imported users until an admin sets one.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)

    # Coaches
    reports_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    moderation_trained: Mapped[bool] = mapped_column(default=False)

    # Clients
    joined_on = mapped_column(db.Date, nullable=True)
    balance = mapped_column(Money, nullable=True)
    balance_visible_to_coach: Mapped[bool] = mapped_column(default=False)

    reports_to = relationship("User", remote_side=[id], backref="team")

    # Set at sign-in or when loaded from a session: the key of the LoginSession in use.
    session_key = None  # not a column
    # The bell's count, when the session loader fetched it with the user (saves a query per page).
    unread_notifications = None  # not a column

    def get_id(self) -> str:
        # The cookie names the server-side LoginSession, so logging out really ends it.
        return f"{self.id}:{self.session_key}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role != Role.CLIENT

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.external_id} {self.role}>"


class ApiToken(db.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[str | None] = mapped_column(String(100))
    # An ingest token may only post platform data (POST /api/v1/ingest).
    scope: Mapped[str] = mapped_column(String(20), default="full")
    created_at = mapped_column(UTCDateTime, default=utcnow)
    last_used_at = mapped_column(UTCDateTime, nullable=True)
    revoked_at = mapped_column(UTCDateTime, nullable=True)

    user = relationship(User)


class LoginSession(db.Model):
    """One signed-in browser session; logout ends it on the server, not just in the cookie, and so does
    SESSION_IDLE_MINUTES without use (`last_seen_at`, noted at most once a minute)."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, default=utcnow)
    ended_at = mapped_column(UTCDateTime, nullable=True)
    last_seen_at = mapped_column(UTCDateTime, nullable=True, default=utcnow)
