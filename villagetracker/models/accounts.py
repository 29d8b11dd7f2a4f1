"""Accounts, their logins and the audit trail of what they do."""

import enum
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    String,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .base import utcnow
from .regions import Region


class Role(enum.StrEnum):
    ADMIN = "admin"  # the whole country
    REVIEWER = "reviewer"  # the labour office (Disnaker) of one regency/city
    OFFICER = "officer"  # a field officer in one regency/city, maybe some kecamatan


user_district = db.Table(
    "user_district",
    db.Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    db.Column("district_code", ForeignKey("region.code"), primary_key=True),
)


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(10))
    region_code: Mapped[str | None] = mapped_column(
        ForeignKey("region.code"), index=True
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session id: raising it (password reset, disabling) ends every session.
    session_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    region: Mapped[Region | None] = relationship()
    districts: Mapped[list[Region]] = relationship(
        secondary=user_district, order_by=Region.code
    )

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        self.password_hash = generate_password_hash(password, method)
        self.session_version += 1

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @staticmethod
    def by_username(username: str):
        return select(User).where(User.username == username.strip().lower())


class AuditEvent(db.Model):
    """Who did what, when, with the values before and after. Append-only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(40))
    # The region the change belongs to, so that an audit trail can be scoped like data.
    region_code: Mapped[str | None] = mapped_column(String(13), index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[User | None] = relationship()

    __table_args__ = (Index("ix_audit_event_entity", "entity_type", "entity_id"),)


class LoginFailure(db.Model):
    """A failed login, kept to throttle guessing (throttles.py). ``address`` is what
    the failures count by besides the account: an address, an IPv6 /64, or a known
    browser ("device:...")."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(50), index=True)
    address: Mapped[str] = mapped_column(String(45), index=True)
