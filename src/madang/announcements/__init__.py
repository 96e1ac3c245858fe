"""Instance announcements (Mastodon's /api/v1/announcements): a notice to everyone on the
server for a while — a heat wave, a road closed — written by the instance's admins or an
office admin, shown at the top of the web and in apps, with reactions and dismissals."""

from madang.announcements.managing import (
    AnnouncementForm, create_announcement, delete_announcement, list_all_announcements, may_manage,
    parse_form, publish_announcement, require_manager, unpublish_announcement, update_announcement,
)
from madang.announcements.reading import (
    AnnouncementView, Reaction, active_announcements, dismiss_announcement, forget_active, none_active, react,
    unreact,
)

__all__ = [
    "AnnouncementForm", "AnnouncementView", "Reaction", "active_announcements", "create_announcement",
    "delete_announcement", "dismiss_announcement", "forget_active", "list_all_announcements", "may_manage", "none_active", "parse_form",
    "publish_announcement", "react", "require_manager", "unpublish_announcement", "unreact", "update_announcement",
]
