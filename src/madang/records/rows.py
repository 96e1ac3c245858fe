"""One row of each file: posts, their revisions and a case's history, as plain dicts with times
in ISO 8601 in the instance's zone (+09:00 in Seoul)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

POST_COLUMNS = ["id", "record", "account", "account_id", "created_at", "edited_at", "deleted_at", "visibility",
                "in_reply_to_id", "in_reply_to_account_id", "reblog_of_id", "language", "sensitive",
                "spoiler_text", "text", "content", "url", "uri", "media"]
REVISION_COLUMNS = ["id", "status_id", "account_id", "created_at", "language", "sensitive", "spoiler_text", "text",
                    "content", "media_attachment_ids", "media_descriptions", "poll_options"]
EVENT_COLUMNS = ["id", "case_number", "at", "action", "actor", "actor_id", "from_status", "to_status",
                 "from_department_id", "to_department_id", "from_assignee_id", "to_assignee_id", "due_at", "note"]


def iso(moment: datetime | None, zone: tzinfo) -> str | None:
    return moment.astimezone(zone).isoformat() if moment is not None else None


def _id(value: int | None) -> str | None:
    return str(value) if value is not None else None  # ids are 64-bit: strings, as in the API


def media_name(file_key: str) -> str:
    return f"media/{file_key.replace('/', '_')}"


def post_row(row: Any, *, record: str, acct: str, media: list[dict[str, Any]], zone: tzinfo) -> dict[str, Any]:
    return {
        "id": _id(row.id), "record": record, "account": acct, "account_id": _id(row.account_id),
        "created_at": iso(row.created_at, zone), "edited_at": iso(row.edited_at, zone),
        "deleted_at": iso(row.deleted_at, zone), "visibility": row.visibility,
        "in_reply_to_id": _id(row.in_reply_to_id), "in_reply_to_account_id": _id(row.in_reply_to_account_id),
        "reblog_of_id": _id(row.reblog_of_id), "language": row.language, "sensitive": row.sensitive,
        "spoiler_text": row.spoiler_text, "text": row.text, "content": row.content, "url": row.url, "uri": row.uri,
        "media": media,
    }


def media_item(row: Any) -> dict[str, Any]:
    """A photo: its file in the archive, and for another server's photo (federation) also where it
    lives there (``file`` is None when it is not kept here: link mode, or pruned)."""
    item = {"id": _id(row.id), "file": media_name(row.file_key) if row.file_key else None,
            "content_type": row.content_type, "description": row.description, "position": row.position}
    if row.remote_url:
        item["remote_url"] = row.remote_url
    return item


def post_csv(item: dict[str, Any]) -> dict[str, Any]:
    """The CSV keeps one cell for the attachments: their file names in the archive."""
    return {**item, "media": "; ".join(m["file"] or m.get("remote_url", "") for m in item["media"])}


def revision_row(row: Any, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": _id(row.id), "status_id": _id(row.status_id), "account_id": _id(row.account_id),
        "created_at": iso(row.created_at, zone), "language": row.language, "sensitive": row.sensitive,
        "spoiler_text": row.spoiler_text, "text": row.text, "content": row.content,
        "media_attachment_ids": [str(i) for i in row.media_attachment_ids] if row.media_attachment_ids is not None
        else None,
        "media_descriptions": row.media_descriptions, "poll_options": row.poll_options,
    }


def event_row(row: Any, *, case_number: str, actor: str | None, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": _id(row.id), "case_number": case_number, "at": iso(row.at, zone), "action": row.action,
        "actor": actor, "actor_id": _id(row.actor_id), "from_status": row.from_status, "to_status": row.to_status,
        "from_department_id": _id(row.from_department_id), "to_department_id": _id(row.to_department_id),
        "from_assignee_id": _id(row.from_assignee_id), "to_assignee_id": _id(row.to_assignee_id),
        "due_at": iso(row.due_at, zone), "note": row.note,
    }


def case_document(case: Any, *, names: dict[int, str], department: str | None, merged_into: str | None,
                  zone: tzinfo) -> dict[str, Any]:
    """The case as it stands, unmasked (the export is logged as a view of its personal data)."""
    return {
        "id": _id(case.id), "number": case.number, "channel": case.channel, "kind": case.kind,
        "category": case.category, "department": department, "department_id": _id(case.department_id),
        "assignee": names.get(case.assignee_id or 0), "citizen": names.get(case.citizen_id or 0),
        "guest_name": case.guest_name, "guest_email": case.guest_email, "guest_phone": case.guest_phone,
        "description": case.description, "source_status_id": _id(case.source_status_id),
        "received_at": iso(case.received_at, zone), "due_at": iso(case.due_at, zone), "status": case.status,
        "merged_into": merged_into, "answer_public": case.answer_public, "answer_private": case.answer_private,
        "answer_status_id": _id(case.answer_status_id), "answered_at": iso(case.answered_at, zone),
        "closed_at": iso(case.closed_at, zone), "rating": case.rating, "rating_comment": case.rating_comment,
        "rated_at": iso(case.rated_at, zone), "created_at": iso(case.created_at, zone),
        "updated_at": iso(case.updated_at, zone),
    }
