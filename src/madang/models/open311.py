"""Open311 GeoReport v2: an organisation's services (request types), the API keys that may post
requests, and what an Open311 request carries beyond its desk case (location, media, attributes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")


class Service(SnowflakePK, Base):
    """A request type; its code is the category of the cases it opens."""

    __tablename__ = "open311_services"
    __table_args__ = (UniqueConstraint("organisation_id", "service_code"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    service_code: Mapped[str] = mapped_column(String(50), index=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("desk_departments.id"), default=None)
    keywords: Mapped[str] = mapped_column(String(300), default="")  # comma separated, as the spec shows them
    group: Mapped[str] = mapped_column(String(100), default="")
    # Shown with each request of this service (the spec's service_notice).
    notice: Mapped[str] = mapped_column(Text, default="")
    # metadata = "this service has attributes": kept as a flag so a service can announce a
    # definition before its attributes are written.
    metadata_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    # [{code, datatype, required, description, order, values: [{key, name}]}]
    attributes: Mapped[list] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class ApiKey(SnowflakePK, Base):
    """A key that may post requests; only its SHA-256 is kept (the key is shown once, at creation)."""

    __tablename__ = "open311_api_keys"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class ServiceRequest(Base):
    """The Open311 side of a desk case (one row per case opened by Open311). The requester's
    e-mail and phone live on the case (guest_email, guest_phone) like any guest's."""

    __tablename__ = "open311_requests"

    case_id: Mapped[int] = mapped_column(ForeignKey("desk_cases.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    service_id: Mapped[int] = mapped_column(ForeignKey("open311_services.id"), index=True)
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("open311_api_keys.id"), default=None)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    lat: Mapped[float | None] = mapped_column(Float, default=None)
    long: Mapped[float | None] = mapped_column(Float, default=None)
    address_string: Mapped[str | None] = mapped_column(String(500), default=None)
    address_public: Mapped[str | None] = mapped_column(String(500), default=None)  # masked when written
    address_id: Mapped[str | None] = mapped_column(String(100), default=None)
    media_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    first_name: Mapped[str | None] = mapped_column(String(100), default=None)
    last_name: Mapped[str | None] = mapped_column(String(100), default=None)
    device_id: Mapped[str | None] = mapped_column(String(200), default=None)
    account_id: Mapped[str | None] = mapped_column(String(200), default=None)
    attribute_values: Mapped[dict] = mapped_column(JSON, default=dict)
    requested_at: Mapped[datetime] = mapped_column(index=True)


class ServiceChange(SnowflakePK, Base):
    """One change of a service by an office admin (added, edited, retired, restored, moved):
    append-only, with the service as it was before and after, so nothing an office wrote is lost."""

    __tablename__ = "open311_service_changes"
    __table_args__ = (Index("ix_open311_service_changes_organisation_id_at", "organisation_id", "at"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("open311_services.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(20))
    changed: Mapped[list] = mapped_column(JSON, default=list)
    before: Mapped[dict | None] = mapped_column(JSON, default=None)
    after: Mapped[dict | None] = mapped_column(JSON, default=None)
