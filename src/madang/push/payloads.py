"""The JSON a phone receives, as Mastodon's Web::NotificationSerializer writes it.

Titles are Mastodon's ``notification_mailer.<type>.subject`` strings of the recipient's
locale (Korean unless they chose English); the body is the post's content warning or text,
or the sender's bio, cut to 140 characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from madang.models import Account, Notification, Status

TITLES = {
    "ko": {
        "mention": "{name} 님의 멘션",
        "status": "{name} 님이 방금 게시물을 올렸습니다",
        "reblog": "{name} 님이 내 게시물을 부스트 했습니다",
        "follow": "{name} 님이 나를 팔로우했습니다",
        "follow_request": "{name} 님이 보낸 팔로우 요청",
        "favourite": "{name} 님이 내 게시물을 마음에 들어했습니다",
        "poll": "{name}의 설문이 종료됨",
        "update": "{name} 님이 게시물을 수정했습니다",
        "admin.sign_up": "{name} 님이 가입했습니다",
        "admin.report": "{name} 님이 신고를 제출했습니다",
    },
    "en": {
        "mention": "You were mentioned by {name}",
        "status": "{name} just posted",
        "reblog": "{name} boosted your post",
        "follow": "{name} is now following you",
        "follow_request": "Pending follower: {name}",
        "favourite": "{name} favorited your post",
        "poll": "A poll by {name} has ended",
        "update": "{name} edited a post",
        "admin.sign_up": "{name} signed up",
        "admin.report": "{name} submitted a report",
    },
}
DEFAULT_LOCALE = "ko"
BODY_LENGTH = 140
MISSING_AVATAR = "avatars/original/missing.png"


@dataclass(frozen=True)
class PushContext:
    """Everything a payload is made of, read in the job's unit of work."""

    notification: Notification
    sender: Account
    status: Status | None
    locale: str
    access_token: str


def title_for(notification_type: str, name: str, locale: str) -> str:
    table = TITLES.get(locale, TITLES[DEFAULT_LOCALE])
    template = table.get(notification_type, TITLES[DEFAULT_LOCALE].get(notification_type, "{name}"))
    return template.format(name=name)


def truncate(text: str, length: int = BODY_LENGTH) -> str:
    """Rails' truncate: at most ``length`` characters, the cut marked with "..."."""
    text = text.strip()
    return text if len(text) <= length else text[: length - 3] + "..."


def icon_url(base_url: str, account: Account) -> str:
    path = account.avatar_path
    if not path:
        return f"{base_url}/{MISSING_AVATAR}"
    return path if path.startswith(("http://", "https://")) else f"{base_url}/media/{path}"


def push_payload(context: PushContext, *, base_url: str) -> dict[str, Any]:
    sender, status = context.sender, context.status
    name = sender.display_name.strip() or sender.username
    source = (status.spoiler_text or status.text) if status is not None else sender.note
    return {
        "access_token": context.access_token,
        "preferred_locale": context.locale,
        # A number, as Mastodon sends it: native clients decode it as an integer.
        "notification_id": context.notification.id,
        "notification_type": context.notification.type,
        "icon": icon_url(base_url, sender),
        "title": title_for(context.notification.type, name, context.locale),
        "body": truncate(source or ""),
    }
