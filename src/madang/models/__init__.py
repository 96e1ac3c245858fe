"""Tables, one module per aggregate; a leaf that imports only the foundation."""

from madang.models.accounts import Account, User
from madang.models.base import Base
from madang.models.jobs import Job
from madang.models.lists import List, ListAccount
from madang.models.media import MediaAttachment
from madang.models.notifications import Marker, Notification
from madang.models.oauth import AccessToken, Application, AuthorizationCode
from madang.models.relationships import Block, Follow, FollowRequest, Mute
from madang.models.statuses import (
    Bookmark,
    Favourite,
    IdempotencyKey,
    Mention,
    Status,
    StatusEdit,
    StatusPin,
    StatusTag,
    Tag,
)
from madang.models.search import StatusSearchTerm
from madang.models.timelines import HomeFeedEntry

__all__ = [
    "AccessToken", "Account", "Application", "AuthorizationCode", "Base", "Block", "Bookmark",
    "Favourite", "Follow", "FollowRequest", "HomeFeedEntry", "IdempotencyKey", "Job", "Marker",
    "MediaAttachment", "Mention", "Mute", "Notification", "Status", "StatusEdit", "StatusPin",
    "StatusSearchTerm", "StatusTag", "Tag", "User",
]
__all__ += ["List", "ListAccount"]
from madang.models.push import PushServerKey, WebPushSubscription  # noqa: E402
__all__ += ["PushServerKey", "WebPushSubscription"]
