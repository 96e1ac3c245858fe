"""Photos and other media: checking, processing, storing and attaching uploads."""

from madang.media.attach import attach_media, check_media_ids, count_attached_media
from madang.media.queries import (
    delete_media,
    get_own_media,
    has_media,
    load_media_for_statuses,
    update_media,
)
from madang.media.rules import DESCRIPTION_LIMIT, MAX_ATTACHMENTS
from madang.media.storage import LocalMediaStore, MediaStore, open_store, store_of
from madang.media.uploads import (
    CLEANUP_JOB,
    UNATTACHED_TTL,
    create_media_attachment,
    stored_upload,
)

__all__ = [
    "CLEANUP_JOB", "DESCRIPTION_LIMIT", "MAX_ATTACHMENTS", "UNATTACHED_TTL", "LocalMediaStore", "MediaStore",
    "attach_media", "check_media_ids", "count_attached_media", "create_media_attachment", "delete_media",
    "get_own_media", "has_media", "load_media_for_statuses", "open_store", "store_of", "stored_upload", "update_media",
]
