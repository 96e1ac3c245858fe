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
from madang.models.search import SearchIndexState, StatusSearchTerm
from madang.models.timelines import HomeFeedEntry, ReadTimeAuthor

__all__ = [
    "AccessToken", "Account", "Application", "AuthorizationCode", "Base", "Block", "Bookmark",
    "Favourite", "Follow", "FollowRequest", "HomeFeedEntry", "IdempotencyKey", "Job", "Marker",
    "MediaAttachment", "Mention", "Mute", "Notification", "Status", "StatusEdit", "StatusPin",
    "SearchIndexState", "StatusSearchTerm", "StatusTag", "Tag", "User",
    "ReadTimeAuthor",
]
__all__ += ["List", "ListAccount"]
from madang.models.push import PushServerKey, WebPushSubscription  # noqa: E402
__all__ += ["PushServerKey", "WebPushSubscription"]
from madang.models.polls import Poll, PollOption, PollVote  # noqa: E402
__all__ += ["Poll", "PollOption", "PollVote"]
from madang.models.scheduled import ScheduledStatus, ScheduledStatusMedia  # noqa: E402
__all__ += ["ScheduledStatus", "ScheduledStatusMedia"]
from madang.models.trends import TagDayUse, TrendingStatus, TrendingTag  # noqa: E402
from madang.models.moderation import Report  # noqa: E402
from madang.models.conversations import AccountConversation  # noqa: E402
from madang.models.featured_tags import FeaturedTag, SuggestionDismissal, TagFollow  # noqa: E402
__all__ += ["AccountConversation", "FeaturedTag", "Report", "SuggestionDismissal", "TagDayUse", "TagFollow", "TrendingStatus",
            "TrendingTag"]
from madang.models.filters import Filter, FilterKeyword, FilterStatus  # noqa: E402
__all__ += ["Filter", "FilterKeyword", "FilterStatus"]
from madang.models.mail_tokens import MailToken  # noqa: E402
__all__ += ["MailToken"]
from madang.models.desk import (  # noqa: E402
    Case, CaseCounter, CaseEvent, Closure, Department, InboxItem, PersonalDataView, StaffMember,
)
__all__ += ["Case", "CaseCounter", "CaseEvent", "Closure", "Department", "InboxItem", "PersonalDataView",
            "StaffMember"]
from madang.models.desk_canned import CannedAnswer, CannedAnswerChange  # noqa: E402
__all__ += ["CannedAnswer", "CannedAnswerChange"]
from madang.models.desk_suggestions import AutoReply, FaqCategory, SuggestionDoc  # noqa: E402
__all__ += ["AutoReply", "FaqCategory", "SuggestionDoc"]
from madang.models.open311 import ApiKey as Open311ApiKey, Service as Open311Service  # noqa: E402
from madang.models.open311 import ServiceRequest as Open311Request  # noqa: E402
__all__ += ["Open311ApiKey", "Open311Request", "Open311Service"]
from madang.models.short_links import ShortLink, ShortLinkDay  # noqa: E402
__all__ += ["ShortLink", "ShortLinkDay"]
# Issue 7 [office]: one models module per part; each is filled in by its part.
from madang.models import office, monitor, moderation_admin, records, analytics, blog  # noqa: E402, F401
from madang.models.federation import ActorKey, DomainBlock, FederatedDomain, RemoteTombstone  # noqa: E402
__all__ += ["ActorKey", "DomainBlock", "FederatedDomain", "RemoteTombstone"]
from madang.models.account_domain_blocks import AccountDomainBlock  # noqa: E402
__all__ += ["AccountDomainBlock"]
from madang.models.domain_allows import DomainAllow  # noqa: E402
__all__ += ["DomainAllow"]
from madang.models.federation_delivery import OutgoingActivity  # noqa: E402
__all__ += ["OutgoingActivity"]
from madang.models.two_factor import RecoveryCode, SecurityKey, TwoFactor  # noqa: E402
__all__ += ["RecoveryCode", "SecurityKey", "TwoFactor"]
from madang.models.custom_emojis import CustomEmoji  # noqa: E402
__all__ += ["CustomEmoji"]
from madang.models.announcements import Announcement, AnnouncementDismissal, AnnouncementReaction  # noqa: E402
__all__ += ["Announcement", "AnnouncementDismissal", "AnnouncementReaction"]
from madang.models.imports import BulkImport, BulkImportRow  # noqa: E402
__all__ += ["BulkImport", "BulkImportRow"]
from madang.models.tag_families import TagFamily, TagFamilyEvent, TagFamilyMember  # noqa: E402
__all__ += ["TagFamily", "TagFamilyEvent", "TagFamilyMember"]
