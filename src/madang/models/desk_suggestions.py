"""Answers suggested at the desk (issue 17, decision 0064): the lemmas of each answered case's
masked question and answer, the categories an office marks as frequently asked (with an
automatic first reply above a score it sets), and the automatic replies sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base, SnowflakePK


class SuggestionDoc(SnowflakePK, Base):
    """An answered case as the suggestion index reads it: lemmas of its masked texts only. The
    id is given when the case is indexed (not when it was opened), so a process's index knows
    what is new by the largest id it has read."""

    __tablename__ = "desk_suggestion_docs"
    __table_args__ = (Index("ix_desk_suggestion_docs_organisation_id_id", "organisation_id", "id"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("desk_cases.id", ondelete="CASCADE"), unique=True)
    lemmas: Mapped[str] = mapped_column(Text)  # space-separated
    # SimHash of the masked answer (terms.answer_hash): the same answer with another greeting is
    # suggested once.
    answer_hash: Mapped[int] = mapped_column(BigInteger, default=0)
    indexed_at: Mapped[datetime]


class FaqCategory(SnowflakePK, Base):
    """A category (Open311 service code) the office marks as frequently asked; with
    ``auto_reply`` on, a new case of it gets an automatic first reply when the best suggestion's
    score reaches ``threshold`` (0–1)."""

    __tablename__ = "desk_faq_categories"
    __table_args__ = (UniqueConstraint("organisation_id", "category"),)

    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(50))
    auto_reply: Mapped[bool] = mapped_column(Boolean, default=False)
    threshold: Mapped[float] = mapped_column(Float, default=0.8)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), default=None)
    updated_at: Mapped[datetime]


class AutoReply(Base):
    """The automatic first reply of a case: one row per case, written in the job's unit with
    what it sent, so a job run twice sends once."""

    __tablename__ = "desk_auto_replies"

    case_id: Mapped[int] = mapped_column(ForeignKey("desk_cases.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(40))  # case:<id> | canned:<id> | none
    score: Mapped[float] = mapped_column(Float)
    sent: Mapped[bool] = mapped_column(Boolean)
    how: Mapped[str] = mapped_column(String(60))
    status_id: Mapped[int | None] = mapped_column(ForeignKey("statuses.id", ondelete="SET NULL"), index=True,
                                                  default=None)
    at: Mapped[datetime]
