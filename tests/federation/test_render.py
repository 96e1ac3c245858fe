"""madang's own documents: actors, Notes and Questions of statuses made through the real use
cases (SQLite and PostgreSQL), and every activity; each document is read back by the parser
other servers' documents go through, and comes out with the same content, visibility and tags."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from madang.federation import render
from madang.federation.addressing import AS_PUBLIC, addressing
from madang.federation.parse import parse_actor, parse_note
from madang.models import Account, MediaAttachment, Poll, PollOption, Status, StatusTag, Tag
from madang.statuses.polls import PollSpec
from madang.text.remote_html import html_to_text
from tests.factories import SITE, make_account, make_status

BASE = SITE.base_url  # https://madang.test
HOST = SITE.domain


def public_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


PEM = public_key_pem()


def remote_account(username: str = "bob", domain: str = "other.example") -> Account:
    now = datetime.now(timezone.utc)
    return Account(username=username, domain=domain, acct_key=f"{username}@{domain}".lower(),
                   uri=f"https://{domain}/users/{username}", url=f"https://{domain}/@{username}",
                   created_at=now, updated_at=now)


async def tags_of(session: Any, status: Status) -> list[Tag]:
    rows = await session.scalars(select(Tag).join(StatusTag, StatusTag.tag_id == Tag.id)
                                 .where(StatusTag.status_id == status.id).order_by(Tag.id))
    return list(rows)


def media_url(key: str) -> str:
    return f"{BASE}/media/{key}"


def note_of(status: Status, author: Account, *, mentions: list[Account], tags: list[Tag],
            media: list[MediaAttachment] | None = None, poll: Any = None, reply_to: str | None = None) -> dict:
    return render.note(status, base_url=BASE, author=author, mentions=mentions, tags=tags, media=media or [],
                       media_url=media_url, poll=poll, in_reply_to_uri=reply_to)


# --- Round trips through the real use cases ------------------------------------------------


async def test_status_with_hangul_hashtags_and_mentions_round_trips(db) -> None:
    async with db.write() as s:
        author = await make_account(s, username="anyang_city", display_name="안양시청", organisation=True)
        minji = await make_account(s, username="minji")
    async with db.write() as s:
        status = await make_status(s, author, "@minji 평촌 도서관 휴관 안내 #안양 #도서관 #Library", language="ko")
        tags = await tags_of(s, status)
    bob = remote_account()
    document = note_of(status, author, mentions=[minji, bob], tags=tags)

    assert document["@context"] == render.CONTEXT
    assert document["id"] == f"{BASE}/users/anyang_city/statuses/{status.id}" == status.uri
    assert document["url"] == f"{BASE}/@anyang_city/{status.id}"
    assert document["type"] == "Note"
    assert document["attributedTo"] == f"{BASE}/users/anyang_city"
    assert document["to"] == [AS_PUBLIC]
    assert document["cc"] == [f"{BASE}/users/anyang_city/followers", f"{BASE}/users/minji", bob.uri]
    assert document["contentMap"] == {"ko": status.content}
    assert document["summary"] is None and document["sensitive"] is False and "updated" not in document
    # Mentions and hashtags as Mastodon links them: the actor id and @user@host; /tags/<name>.
    assert document["tag"][:2] == [
        {"type": "Mention", "href": f"{BASE}/users/minji", "name": f"@minji@{HOST}"},
        {"type": "Mention", "href": "https://other.example/users/bob", "name": "@bob@other.example"},
    ]
    hashtags = {t["name"]: t["href"] for t in document["tag"][2:]}
    assert hashtags["#안양"] == f"{BASE}/tags/%EC%95%88%EC%96%91"
    assert set(hashtags) == {"#안양", "#도서관", "#Library"}
    assert '<span class="h-card" translate="no"><a href="https://madang.test/@minji" class="u-url mention">' in (
        document["content"])
    assert document["replies"]["id"] == f"{status.uri}/replies"

    back = parse_note(document, author_followers_uri=f"{BASE}/users/anyang_city/followers")
    assert back.uri == status.uri and back.url == status.url
    assert back.attributed_to == f"{BASE}/users/anyang_city"
    assert back.visibility == "public"
    assert back.language == "ko"
    assert back.text == html_to_text(status.content) == "@minji 평촌 도서관 휴관 안내 #안양 #도서관 #Library"
    assert sorted(back.hashtags) == sorted(t.name for t in tags) == sorted(["안양", "도서관", "Library"])
    assert back.mentions == [(f"{BASE}/users/minji", f"@minji@{HOST}"), (bob.uri, "@bob@other.example")]
    # The content survives the remote sanitiser: links and classes intact, rel forced.
    assert 'class="mention hashtag"' in back.content_html and 'class="u-url mention"' in back.content_html
    assert back.published is not None and abs(back.published - status.created_at.replace(
        tzinfo=back.published.tzinfo)).total_seconds() < 1


@pytest.mark.parametrize("visibility", ["public", "unlisted", "private", "direct"])
async def test_every_visibility_round_trips(db, visibility: str) -> None:
    async with db.write() as s:
        author = await make_account(s, username=f"poster_{visibility}")
        minji = await make_account(s, username=f"reader_{visibility}")
    async with db.write() as s:
        status = await make_status(s, author, f"@reader_{visibility} 공지", visibility=visibility)
    document = note_of(status, author, mentions=[minji], tags=[])
    followers = f"{BASE}/users/poster_{visibility}/followers"
    expected_to, expected_cc = addressing(visibility, followers_uri=followers, mention_uris=[minji.uri or ""])
    assert (document["to"], document["cc"]) == (expected_to, expected_cc)
    assert parse_note(document, author_followers_uri=followers).visibility == visibility
    activity = render.create(document, f"{BASE}/users/poster_{visibility}")
    assert (activity["to"], activity["cc"]) == (document["to"], document["cc"])


async def test_reply_with_content_warning_media_and_edit(db) -> None:
    async with db.write() as s:
        author = await make_account(s, username="cw_author")
    async with db.write() as s:
        status = await make_status(s, author, "사진 설명", spoiler_text="민원 사진", sensitive=True, language="ko")
    edited = datetime(2026, 11, 2, 1, 30, tzinfo=timezone.utc)
    status.edited_at = edited
    now = datetime.now(timezone.utc)
    photos = [
        MediaAttachment(id=2, account_id=author.id, status_id=status.id, position=1, content_type="image/png",
                        file_key="b.png", file_size=1, width=10, height=20, small_key="b_s.png",
                        small_content_type="image/png", small_width=5, small_height=10, blurhash=None,
                        description=None, focus_x=0.0, focus_y=0.0, created_at=now),
        MediaAttachment(id=1, account_id=author.id, status_id=status.id, position=0, content_type="image/jpeg",
                        file_key="a.jpg", file_size=1, width=1600, height=1200, small_key="a_s.jpg",
                        small_content_type="image/jpeg", small_width=400, small_height=300,
                        blurhash="LEHV6nWB2yk8pyo0adR*.7kCMdnj", description="평촌 도서관 입구 사진",
                        focus_x=-0.25, focus_y=0.5, created_at=now),
    ]
    parent = "https://other.example/users/bob/statuses/1"
    document = note_of(status, author, mentions=[], tags=[], media=photos, reply_to=parent)
    assert document["inReplyTo"] == parent
    assert document["summary"] == "민원 사진" and document["sensitive"] is True
    assert document["updated"] == "2026-11-02T01:30:00Z"
    assert document["attachment"][0] == {
        "type": "Document", "mediaType": "image/jpeg", "url": f"{BASE}/media/a.jpg", "name": "평촌 도서관 입구 사진",
        "blurhash": "LEHV6nWB2yk8pyo0adR*.7kCMdnj", "focalPoint": [-0.25, 0.5], "width": 1600, "height": 1200,
    }
    assert document["attachment"][1]["name"] is None and "blurhash" not in document["attachment"][1]

    back = parse_note(document, author_followers_uri=None)
    assert (back.summary, back.sensitive, back.in_reply_to) == ("민원 사진", True, parent)
    assert back.updated == edited
    assert [(a.url, a.description, a.focus, a.blurhash, a.width, a.height) for a in back.attachments] == [
        (f"{BASE}/media/a.jpg", "평촌 도서관 입구 사진", (-0.25, 0.5), "LEHV6nWB2yk8pyo0adR*.7kCMdnj", 1600, 1200),
        (f"{BASE}/media/b.png", None, (0.0, 0.0), None, 10, 20),
    ]
    update = render.update(document, author.uri or "", updated_iso=document["updated"])
    assert update["type"] == "Update" and update["object"]["updated"] == "2026-11-02T01:30:00Z"
    assert update["id"] == f"{status.uri}#updates/{int(edited.timestamp())}"
    assert "@context" not in update["object"]
    # However the caller spells the time (microseconds, no zone as SQLite gives it), one form goes out.
    for spelling in ("2026-11-02T01:30:00.123456+00:00", "2026-11-02T01:30:00", "2026-11-02T10:30:00+09:00"):
        again = render.update(document, author.uri or "", updated_iso=spelling)
        assert again["object"]["updated"] == again["published"] == "2026-11-02T01:30:00Z"
        assert again["id"] == update["id"]


async def test_poll_as_question(db) -> None:
    async with db.write() as s:
        author = await make_account(s, username="poll_author")
    async with db.write() as s:
        status = await make_status(s, author, "어느 도서관?", poll=PollSpec(options=("평촌", "석수"), expires_in=3600))
        poll = await s.scalar(select(Poll).where(Poll.status_id == status.id))
        options = list(await s.scalars(select(PollOption).where(PollOption.poll_id == poll.id)))
    options[0].votes_count = 3
    poll.voters_count = 3
    document = note_of(status, author, mentions=[], tags=[], poll=(poll, options))
    assert document["type"] == "Question"
    assert document["oneOf"] == [
        {"type": "Note", "name": "평촌", "replies": {"type": "Collection", "totalItems": 3}},
        {"type": "Note", "name": "석수", "replies": {"type": "Collection", "totalItems": 0}},
    ]
    assert "closed" not in document and document["votersCount"] == 3
    back = parse_note(document, author_followers_uri=None)
    assert back.poll is not None
    assert [(o.name, o.votes) for o in back.poll.options] == [("평촌", 3), ("석수", 0)]
    assert back.poll.end_time == poll.expires_at.replace(microsecond=0, tzinfo=timezone.utc)
    assert (back.poll.multiple, back.poll.closed, back.poll.voters_count) == (False, False, 3)

    poll.multiple = True
    later = render.note(status, base_url=BASE, author=author, mentions=[], tags=[], media=[], media_url=media_url,
                        poll=(poll, options), in_reply_to_uri=None,
                        now=datetime.now(timezone.utc) + timedelta(hours=2))
    assert "anyOf" in later and "oneOf" not in later and later["closed"] == later["endTime"]
    closed = parse_note(later, author_followers_uri=None).poll
    assert closed is not None and closed.multiple and closed.closed


async def test_actor_documents_round_trip(db) -> None:
    async with db.write() as s:
        city = await make_account(s, username="anyang_city", display_name="안양시청", organisation=True,
                                  locked=True, note="안양시 공식 계정")
        bot = await make_account(s, username="anyang_bot", bot=True)
        person = await make_account(s, username="minji")
    fields = [("홈페이지", '<a href="https://www.anyang.go.kr" target="_blank">www.anyang.go.kr</a>'),
              ("민원", '<a href="https://madang.test/desk" rel="nofollow">민원 창구</a>')]
    document = render.actor_document(city, base_url=BASE, public_key_pem=PEM, avatar_url=f"{BASE}/media/av/1.png",
                                     header_url=None, fields_html=fields)
    uri = f"{BASE}/users/anyang_city"
    assert document["@context"] == render.CONTEXT
    assert document["type"] == "Organization"
    assert document["inbox"] == f"{uri}/inbox" and document["outbox"] == f"{uri}/outbox"
    assert document["featured"] == f"{uri}/collections/featured"
    assert document["featuredTags"] == f"{uri}/collections/tags"
    assert document["endpoints"] == {"sharedInbox": f"{BASE}/inbox"}
    assert document["publicKey"] == {"id": f"{uri}#main-key", "owner": uri, "publicKeyPem": PEM}
    assert document["published"] == f"{city.created_at.date().isoformat()}T00:00:00Z"
    assert document["icon"] == {"type": "Image", "url": f"{BASE}/media/av/1.png", "mediaType": "image/png"}
    assert "image" not in document
    assert document["attachment"][0]["value"] == (
        '<a href="https://www.anyang.go.kr" target="_blank" rel="me nofollow noopener noreferrer">www.anyang.go.kr</a>')
    assert document["attachment"][1]["value"] == '<a href="https://madang.test/desk" rel="me nofollow">민원 창구</a>'

    back = parse_actor(document)
    assert (back.uri, back.username, back.domain, back.actor_type) == (uri, "anyang_city", HOST, "Organization")
    assert (back.display_name, back.locked, back.bot, back.discoverable, back.indexable) == (
        "안양시청", True, False, True, True)
    assert back.note_html == city.note_html
    assert back.public_key_id == f"{uri}#main-key" and back.public_key_pem == PEM
    assert back.shared_inbox == f"{BASE}/inbox" and back.followers == f"{uri}/followers"
    assert [name for name, _ in back.fields] == ["홈페이지", "민원"]
    assert back.url == f"{BASE}/@anyang_city"

    assert render.actor_document(bot, base_url=BASE, public_key_pem=PEM, avatar_url=None, header_url=None,
                                 fields_html=[])["type"] == "Service"
    assert parse_actor(render.actor_document(bot, base_url=BASE, public_key_pem=PEM, avatar_url=None,
                                             header_url=None, fields_html=[])).bot is True
    plain = render.actor_document(person, base_url=BASE, public_key_pem=PEM, avatar_url=None, header_url=None,
                                  fields_html=[])
    assert plain["type"] == "Person" and "icon" not in plain

    person.suspended_at = datetime.now(timezone.utc)
    person.display_name = "숨길 이름"
    gone = render.actor_document(person, base_url=BASE, public_key_pem=PEM, avatar_url=f"{BASE}/a.png",
                                 header_url=None, fields_html=fields)
    assert gone["suspended"] is True and gone["name"] == "" and gone["attachment"] == [] and "icon" not in gone


def test_instance_actor() -> None:
    document = render.instance_actor_document(base_url=BASE, host=HOST, public_key_pem=PEM)
    assert document["id"] == f"{BASE}/actor" and document["type"] == "Application"
    assert document["preferredUsername"] == HOST == "madang.test"
    assert document["inbox"] == f"{BASE}/actor/inbox"
    assert document["manuallyApprovesFollowers"] is True
    assert document["publicKey"]["owner"] == f"{BASE}/actor"
    back = parse_actor(document)
    assert (back.actor_type, back.bot, back.locked) == ("Application", True, True)


# --- Activities ----------------------------------------------------------------------------

ACTOR = f"{BASE}/users/minji"
BOB = "https://other.example/users/bob"


def test_addressing_table() -> None:
    followers = f"{ACTOR}/followers"
    assert addressing("public", followers_uri=followers, mention_uris=[BOB, BOB]) == ([AS_PUBLIC], [followers, BOB])
    assert addressing("unlisted", followers_uri=followers, mention_uris=[BOB]) == ([followers], [AS_PUBLIC, BOB])
    assert addressing("private", followers_uri=followers, mention_uris=[BOB]) == ([followers], [BOB])
    assert addressing("direct", followers_uri=followers, mention_uris=[BOB]) == ([BOB], [])
    with pytest.raises(ValueError):
        addressing("everyone", followers_uri=followers, mention_uris=[])


def test_follow_accept_reject_undo() -> None:
    follow = render.follow(f"{BASE}/follows/1", ACTOR, BOB)
    assert follow == {"@context": render.CONTEXT, "id": f"{BASE}/follows/1", "type": "Follow", "actor": ACTOR,
                      "object": BOB}
    remote_follow = {"@context": "https://www.w3.org/ns/activitystreams", "id": "https://other.example/f/9",
                     "type": "Follow", "actor": BOB, "object": ACTOR}
    accept = render.accept(remote_follow, ACTOR, activity_id=f"{ACTOR}#accepts/follows/9")
    assert accept["type"] == "Accept" and accept["actor"] == ACTOR
    assert accept["object"] == {"id": "https://other.example/f/9", "type": "Follow", "actor": BOB, "object": ACTOR}
    reject = render.reject(remote_follow, ACTOR, activity_id=f"{ACTOR}#rejects/follows/9")
    assert reject["type"] == "Reject" and reject["object"]["id"] == "https://other.example/f/9"
    undo = render.undo(follow, ACTOR, activity_id=f"{BASE}/follows/1/undo")
    assert undo["type"] == "Undo" and undo["object"] == {k: v for k, v in follow.items() if k != "@context"}
    announce = render.announce(f"{ACTOR}/statuses/5/activity", ACTOR, f"{BOB}/statuses/1", to=[AS_PUBLIC],
                               cc=[BOB, f"{ACTOR}/followers"], published_iso="2026-11-02T01:20:00Z")
    undone = render.undo(announce, ACTOR, activity_id=f"{ACTOR}/statuses/5/activity#undo")
    assert undone["to"] == [AS_PUBLIC] and undone["object"]["type"] == "Announce"


def test_like_announce_block() -> None:
    like = render.like(f"{ACTOR}#likes/1", ACTOR, f"{BOB}/statuses/1")
    assert (like["type"], like["object"]) == ("Like", f"{BOB}/statuses/1")
    announce = render.announce(f"{ACTOR}/statuses/5/activity", ACTOR, f"{BOB}/statuses/1", to=[AS_PUBLIC],
                               cc=[BOB], published_iso="2026-11-02T01:20:00Z")
    assert (announce["type"], announce["published"], announce["to"], announce["cc"]) == (
        "Announce", "2026-11-02T01:20:00Z", [AS_PUBLIC], [BOB])
    block = render.block(f"{ACTOR}#blocks/1", ACTOR, BOB)
    assert (block["type"], block["object"], block["to"]) == ("Block", BOB, [BOB])


def test_create_delete_and_tombstone() -> None:
    note = {"@context": render.CONTEXT, "id": f"{ACTOR}/statuses/7", "type": "Note", "published": "2026-11-02T01:20:00Z",
            "to": [AS_PUBLIC], "cc": [f"{ACTOR}/followers"], "content": "<p>hi</p>"}
    create = render.create(note, ACTOR)
    assert create["id"] == f"{ACTOR}/statuses/7/activity"
    assert create["published"] == "2026-11-02T01:20:00Z"
    assert "@context" in create and "@context" not in create["object"]
    delete = render.delete(f"{ACTOR}/statuses/7", ACTOR, to=[AS_PUBLIC], cc=[f"{ACTOR}/followers"])
    assert delete["object"] == {"id": f"{ACTOR}/statuses/7", "type": "Tombstone"}
    assert delete["id"] == f"{ACTOR}/statuses/7#delete"


def test_profile_update_and_account_deletion() -> None:
    actor = render.instance_actor_document(base_url=BASE, host=HOST, public_key_pem=PEM)
    update = render.update_actor(actor, updated_iso="2026-11-02T00:00:00Z")
    assert update["type"] == "Update" and update["actor"] == actor["id"] and update["to"] == [AS_PUBLIC]
    assert update["object"]["id"] == actor["id"] and "@context" not in update["object"]
    assert update["id"] == f"{actor['id']}#updates/{int(datetime(2026, 11, 2, tzinfo=timezone.utc).timestamp())}"
    assert render.update_actor(actor)["id"].startswith(f"{actor['id']}#updates/")
    gone = render.delete_actor(ACTOR)
    assert (gone["type"], gone["actor"], gone["object"], gone["to"]) == ("Delete", ACTOR, ACTOR, [AS_PUBLIC])


def test_pins_reports_and_votes() -> None:
    featured = f"{ACTOR}/collections/featured"
    add = render.add(f"{ACTOR}/statuses/7", featured, ACTOR)
    remove = render.remove(f"{ACTOR}/statuses/7", featured, ACTOR)
    assert (add["type"], add["object"], add["target"]) == ("Add", f"{ACTOR}/statuses/7", featured)
    assert (remove["type"], remove["target"]) == ("Remove", featured)
    assert add["id"] != remove["id"]
    flag = render.flag(f"{BASE}/reports/3", f"{BASE}/actor", [BOB, f"{BOB}/statuses/1"], "개인정보 노출")
    assert (flag["type"], flag["actor"], flag["object"], flag["content"]) == (
        "Flag", f"{BASE}/actor", [BOB, f"{BOB}/statuses/1"], "개인정보 노출")
    vote = render.vote(f"{ACTOR}#votes/11", ACTOR, question_uri=f"{BOB}/statuses/2", poll_author_uri=BOB,
                       choice="평촌", published_iso="2026-11-02T01:20:00Z")
    assert vote["type"] == "Create" and vote["to"] == [BOB] and vote["id"] == f"{ACTOR}#votes/11/activity"
    assert vote["object"] == {"id": f"{ACTOR}#votes/11", "type": "Note", "name": "평촌", "attributedTo": ACTOR,
                              "inReplyTo": f"{BOB}/statuses/2", "to": [BOB], "published": "2026-11-02T01:20:00Z"}
    for document in (add, remove, flag, vote):
        assert document["@context"] == render.CONTEXT
