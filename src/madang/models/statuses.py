"""Statuses (posts and reblogs), their revisions, mentions, tags and per-account marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK
from madang.models.name_keys import NAME_KEY, initials_default

VISIBILITIES = ("public", "unlisted", "private", "direct")


class Status(SnowflakePK, Base):
    __tablename__ = "statuses"
    __table_args__ = (
        # One boost per account per status; NULL reblog_of_id (plain posts) never clash.
        UniqueConstraint("account_id", "reblog_of_id"),
        Index("ix_statuses_account_id_id", "account_id", "id"),
        Index("ix_statuses_local_public", "visibility", "local", "id"),
        # The public timeline of local and remote posts together, newest first, without a sort.
        Index("ix_statuses_visibility_id", "visibility", "id"),
        # A remote post is found by its ActivityPub id, and stored once (redeliveries).
        Index("ix_statuses_uri", "uri", unique=True),
    )

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    uri: Mapped[str | None] = mapped_column(String(500), default=None)
    url: Mapped[str | None] = mapped_column(String(500), default=None)
    local: Mapped[bool] = mapped_column(Boolean, default=True)
    text: Mapped[str] = mapped_column(Text, default="")  # the source as typed (NFC)
    content: Mapped[str] = mapped_column(Text, default="")  # rendered, sanitised HTML
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(10), default="ko")
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    in_reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id"), index=True, default=None)
    in_reply_to_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), default=None)
    reblog_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("statuses.id", ondelete="CASCADE"), index=True, default=None
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("oauth_applications.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime]
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    # A city's posts are public records: deletion hides, never erases.
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    replies_count: Mapped[int] = mapped_column(Integer, default=0, server_default=sql_text("0"))
    reblogs_count: Mapped[int] = mapped_column(Integer, default=0, server_default=sql_text("0"))
    favourites_count: Mapped[int] = mapped_column(Integer, default=0, server_default=sql_text("0"))
    # A remote reply whose parent is not (yet) here: the parent's ActivityPub id.
    in_reply_to_uri: Mapped[str | None] = mapped_column(String(500), default=None)
    # The custom emoji shortcodes its text, warning and poll use, space-separated (NULL: none):
    # a timeline looks emoji up only for posts that have some (federation.emoji).
    emoji_shortcodes: Mapped[str | None] = mapped_column(Text, default=None)


class StatusEdit(SnowflakePK, Base):
    """Every revision of a status, the first one included; append-only."""

    __tablename__ = "status_edits"

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    spoiler_text: Mapped[str] = mapped_column(Text, default="")
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    created_at: Mapped[datetime]
    # What the revision showed besides its text (statuses.edit records it when the next edit
    # comes): attachment ids in order, their alt text then, and the poll's options (None: no
    # poll). NULL ids: not recorded, as for a revision the status itself still shows.
    media_attachment_ids: Mapped[list | None] = mapped_column(JSON, default=None)
    media_descriptions: Mapped[list | None] = mapped_column(JSON, default=None)
    poll_options: Mapped[list | None] = mapped_column(JSON, default=None)


class Mention(SnowflakePK, Base):
    __tablename__ = "mentions"
    __table_args__ = (UniqueConstraint("status_id", "account_id"),)

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)


class Tag(SnowflakePK, Base):
    __tablename__ = "tags"

    key: Mapped[str] = mapped_column(String(200), unique=True)  # NFKC + lower case
    name: Mapped[str] = mapped_column(String(200))  # as first written
    created_at: Mapped[datetime]
    # The key's 초성 (`안양시청` → `ㅇㅇㅅㅊ`), for autocomplete (decision 0062): filled from
    # ``key`` by Core inserts, passed by the prebuilt one (statuses.composing).
    initials: Mapped[str] = mapped_column(NAME_KEY, default=initials_default, server_default="", index=True)


class StatusTag(Base):
    __tablename__ = "statuses_tags"
    __table_args__ = (Index("ix_statuses_tags_tag_id_status_id", "tag_id", "status_id"),)

    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class _AccountStatusMark(SnowflakePK):
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]


class Favourite(_AccountStatusMark, Base):
    __tablename__ = "favourites"
    __table_args__ = (UniqueConstraint("account_id", "status_id"),)

    # The Like activity's id, for a remote account's favourite (its Undo names it).
    uri: Mapped[str | None] = mapped_column(String(500), default=None)


class Bookmark(_AccountStatusMark, Base):
    __tablename__ = "bookmarks"
    __table_args__ = (UniqueConstraint("account_id", "status_id"),)


class StatusPin(_AccountStatusMark, Base):
    __tablename__ = "status_pins"
    __table_args__ = (UniqueConstraint("account_id", "status_id"),)


class IdempotencyKey(SnowflakePK, Base):
    """`Idempotency-Key` of a status create: a retried request returns the first status."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("account_id", "key"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    status_id: Mapped[int] = mapped_column(ForeignKey("statuses.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
