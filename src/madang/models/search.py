"""The search index of statuses: one row per (term, status), kept by statuses.search_index."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from madang.models.base import Base


class StatusSearchTerm(Base):
    """An inverted index that both databases hold alike (decision 0008). The primary key
    (term, status_id) answers "newest statuses with this term" by walking one B-tree
    backwards. No foreign key: statuses are never erased (deletion removes their terms in
    the same transaction), and a cascade would want a second index on status_id."""

    __tablename__ = "status_search_terms"
    __table_args__ = {"sqlite_with_rowid": False}

    term: Mapped[str] = mapped_column(String(32), primary_key=True)
    status_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)


class SearchIndexState(Base):
    """How far the index is built with today's terms (decision 0061): ``version`` is the
    `search_terms.VERSION` the rows up to ``last_id`` were written with, ``finished_at`` set once
    every post was. `madang search reindex` resumes from ``last_id`` after a stop."""

    __tablename__ = "search_index_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "statuses"
    version: Mapped[int] = mapped_column(Integer)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
