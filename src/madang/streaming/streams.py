"""The streams a client can open, as Mastodon names them, and who may open which."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.errors import Invalid, NotFound
from madang.lists import find_list
from madang.text.tags import normalize_tag

PUBLIC = ("public", "public:local", "public:remote")
HASHTAG = ("hashtag", "hashtag:local")
# Streams that are someone's own: they need a signed-in user.
PERSONAL = ("user", "user:notification", "direct", "list")
NAMES = (*PERSONAL, *PUBLIC, *HASHTAG)


@dataclass(frozen=True)
class Stream:
    name: str
    # For hashtag streams: the key matched against posts' tags (`#Anyang` is `#anyang`) …
    tag_key: str | None = None
    list_id: str | None = None
    # … and the tag as the client wrote it, echoed back in each event's `stream` array.
    tag: str | None = field(default=None, compare=False)

    def label(self) -> list[str]:
        """The `stream` array of a WebSocket event: ["hashtag", "안양"], ["user"]."""
        if self.tag is not None:
            return [self.name, self.tag]
        if self.list_id is not None:
            return [self.name, self.list_id]
        return [self.name]

    @property
    def personal(self) -> bool:
        return self.name in PERSONAL

    @property
    def scope(self) -> str:
        """The OAuth scope reading it needs (``read`` covers both)."""
        return "read:notifications" if self.name == "user:notification" else "read:statuses"


def parse_stream(name: str | None, *, tag: str | None = None, list_id: str | None = None) -> Stream:
    """Raises Invalid for a name Mastodon does not know or a stream missing its tag or list."""
    if not name or name not in NAMES:
        raise Invalid("Unknown stream type", field="stream")
    if name in HASHTAG:
        tag = (tag or "").strip().lstrip("#＃")
        if not tag:
            raise Invalid("No tag for stream provided", field="tag")
        return Stream(name, tag_key=normalize_tag(tag), tag=tag)
    if name == "list":
        if not list_id:
            raise Invalid("No list for stream provided", field="list")
        return Stream(name, list_id=list_id)
    return Stream(name)


async def check_target(session: AsyncSession, stream: Stream, viewer_id: int) -> None:
    """After the caller is known: a list stream names one of the viewer's own lists
    (NotFound otherwise, as Mastodon answers for someone else's list)."""
    if stream.name != "list":
        return
    list_id = stream.list_id or ""
    if not (list_id.isascii() and list_id.isdigit() and int(list_id) < 2**63) or await find_list(
            session, owner_id=viewer_id, list_id=int(list_id)) is None:
        raise NotFound("List not found")


def may_open(stream: Stream, *, signed_in: bool, public_timelines_open: bool) -> bool:
    """Personal streams need a user; public and hashtag streams are open to anyone while
    the instance's public timelines are."""
    if stream.personal:
        return signed_in
    return signed_in or public_timelines_open
