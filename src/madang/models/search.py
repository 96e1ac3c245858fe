"""The search index of statuses: one row per (term, status), kept by statuses.search_index."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
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
