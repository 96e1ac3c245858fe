"""Reading what other servers send: real actors and posts from Mastodon, GoToSocial, Misskey,
Pleroma, Pixelfed, Lemmy, PeerTube, Bridgy Fed and Threads' shape (fixtures/README.md says
where each came from), and the refusals that keep spoofed or broken documents out."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madang.federation.addressing import AS_PUBLIC, visibility_from
from madang.federation.parse import (
    ParseError,
    as_list,
    clean_display_name,
    first_id,
    host_of,
    parse_actor,
    parse_note,
    same_origin,
)
from madang.text.remote_html import REL

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text())


def note_of(name: str) -> dict[str, Any]:
    document = load(name)
    return document["object"] if document.get("type") == "Create" else document


def followers_of(note: dict[str, Any]) -> str:
    return f"{first_id(note['attributedTo'])}/followers"


# --- Actors --------------------------------------------------------------------------------


def test_mastodon_actor() -> None:
    actor = parse_actor(load("mastodon_actor_gargron.json"))
    assert (actor.uri, actor.username, actor.domain, actor.actor_type) == (
        "https://mastodon.social/users/Gargron", "Gargron", "mastodon.social", "Person")
    assert actor.display_name == "Eugen"
    assert actor.note_html.startswith("<p>Developer of Mastodon")
    assert actor.url == "https://mastodon.social/@Gargron"
    assert actor.inbox == "https://mastodon.social/users/Gargron/inbox"
    assert actor.shared_inbox == "https://mastodon.social/inbox"
    assert actor.outbox == "https://mastodon.social/users/Gargron/outbox"
    assert actor.followers == "https://mastodon.social/users/Gargron/followers"
    assert actor.following == "https://mastodon.social/users/Gargron/following"
    assert actor.featured == "https://mastodon.social/users/Gargron/collections/featured"
    assert actor.featured_tags == "https://mastodon.social/users/Gargron/collections/tags"
    assert actor.public_key_id == "https://mastodon.social/users/Gargron#main-key"
    assert actor.public_key_pem is not None and actor.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----\nMIIB")
    assert (actor.locked, actor.bot, actor.discoverable, actor.suspended) == (False, False, True, False)
    # FEP-5feb: Gargron's document predates `indexable`, so his posts are not searchable.
    assert actor.indexable is False
    assert actor.avatar_url and actor.avatar_url.endswith("d96d39a0abb45b92.jpg")
    assert actor.header_url and actor.header_url.endswith("c91b871f294ea63e.png")
    assert actor.also_known_as == ["https://tooting.ai/users/Gargron"]
    # Two PropertyValues; the IdentityProof attachment is not a field.
    assert [name for name, _ in actor.fields] == ["Patreon", "Homepage"]
    assert actor.fields[0][1] == (
        f'<a href="https://www.patreon.com/mastodon" rel="{REL}"><span class="invisible">https://www.</span>'
        '<span>patreon.com/mastodon</span><span class="invisible"></span></a>'
    )


def test_mastodon_actor_published_is_a_date() -> None:
    actor = parse_actor(load("mastodon_actor.json"))
    assert actor.published == datetime(2022, 10, 3, tzinfo=timezone.utc)
    assert actor.domain == "masto.qa.urbanwildlife.biz"


def test_gotosocial_actor() -> None:
    actor = parse_actor(load("gotosocial_actor.json"))
    assert (actor.username, actor.domain) == ("the_mighty_zork", "localhost:8080")
    # GoToSocial's key id is `…/main-key`, a path, not a fragment: same host, so accepted.
    assert actor.public_key_id == "http://localhost:8080/users/the_mighty_zork/main-key"
    assert actor.shared_inbox is None  # GoToSocial has no shared inbox
    assert actor.display_name == "original zork (he/they)"
    assert actor.note_html == "<p>hey yo this is my profile!</p>"
    assert actor.emojis == [("rainbow", "http://localhost:8080/fileserver/01AY6P665V14JJR0AFVRT7311Y/emoji/"
                                        "original/01F8MH9H8E4VG3KDYJR9EGPXCQ.png")]
    assert actor.published == datetime(2022, 5, 20, 11, 9, 18, tzinfo=timezone.utc)


def test_misskey_actor_with_nulls() -> None:
    actor = parse_actor(load("misskey_actor.json"))
    assert actor.username == "misskey"
    assert actor.display_name == "misskey's nickname"
    assert (actor.note_html, actor.avatar_url, actor.header_url) == ("", None, None)
    assert actor.url == "https://misskey.tinax.local/@misskey"
    assert actor.shared_inbox == "https://misskey.tinax.local/inbox"


def test_pleroma_actor() -> None:
    actor = parse_actor(load("pleroma_actor.json"))
    assert actor.display_name == "Haelwenn /элвэн/ :bzh:"
    assert {code for code, _ in actor.emojis} == {"anarchy", "bzh", "gentoo"}
    assert "<br />Politics: Anarchist" in actor.note_html
    assert f'<a class="hashtag" href="https://queer.hacktivis.me/tag/nobot" rel="{REL}">#nobot</a>' in actor.note_html


def test_lemmy_person_without_collections() -> None:
    actor = parse_actor(load("lemmy_person.json"))
    assert (actor.username, actor.domain, actor.followers, actor.url) == (
        "picard", "enterprise.lemmy.ml", None, None)
    assert actor.note_html == "<p>Captain of the starship <strong>Enterprise</strong>.</p>\n"


def test_threads_actor_shape() -> None:
    actor = parse_actor(load("threads_actor_shape.json"))
    assert (actor.username, actor.domain) == ("mosseri", "www.threads.net")
    assert (actor.outbox, actor.followers) == (None, None)
    assert actor.inbox == "https://www.threads.net/ap/users/mosseri/inbox/"


def test_bots_and_organisations() -> None:
    base = load("gotosocial_actor.json")
    for kind, bot in (("Service", True), ("Application", True), ("Organization", False), ("Group", False)):
        actor = parse_actor({**base, "type": kind})
        assert (actor.actor_type, actor.bot) == (kind, bot)


def test_public_key_as_a_list() -> None:
    base = load("mastodon_actor_gargron.json")
    stranger = {"id": "https://evil.example/keys/1", "owner": "https://evil.example/users/x",
                "publicKeyPem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}
    actor = parse_actor({**base, "publicKey": [stranger, base["publicKey"]]})
    assert actor.public_key_id == "https://mastodon.social/users/Gargron#main-key"


def test_suspended_actor_shows_nothing() -> None:
    actor = parse_actor({**load("mastodon_actor_gargron.json"), "suspended": True})
    assert actor.suspended is True
    assert (actor.avatar_url, actor.header_url, actor.fields) == (None, None, [])


def test_display_names_lose_disguises() -> None:
    assert clean_display_name("Admin\u202e\u2066nimda") == "Adminnimda"
    assert clean_display_name("a\u200bb\u200cc\ufeffd\u2060e\u200ef") == "abcdef"
    assert clean_display_name("  안양\n시청\t ") == "안양 시청"
    # A zero-width joiner stays inside an emoji sequence (family), goes between letters.
    assert clean_display_name("👨\u200d👩\u200d👧 가\u200d족") == "👨\u200d👩\u200d👧 가족"
    assert clean_display_name(None) == ""
    assert len(clean_display_name("가" * 300)) == 100
    actor = parse_actor({**load("gotosocial_actor.json"), "name": "\u202eevil\u200b"})
    assert actor.display_name == "evil"


REFUSED_ACTORS = [
    ("not an object", lambda a: ["list"]),
    ("a Note", lambda a: {**a, "type": "Note"}),
    ("no id", lambda a: {k: v for k, v in a.items() if k != "id"}),
    ("ftp id", lambda a: {**a, "id": "ftp://mastodon.social/users/Gargron"}),
    ("no inbox", lambda a: {k: v for k, v in a.items() if k != "inbox"}),
    ("inbox elsewhere", lambda a: {**a, "inbox": "https://evil.example/inbox"}),
    ("no username", lambda a: {k: v for k, v in a.items() if k != "preferredUsername"}),
    ("username with @", lambda a: {**a, "preferredUsername": "Gargron@evil.example"}),
    ("username with space", lambda a: {**a, "preferredUsername": "Gar gron"}),
    ("username homoglyph", lambda a: {**a, "preferredUsername": "Gаrgron"}),  # Cyrillic а
    ("username too long", lambda a: {**a, "preferredUsername": "g" * 31}),
    ("key of another actor", lambda a: {**a, "publicKey": {**a["publicKey"],
                                                           "owner": "https://mastodon.social/users/other"}}),
    ("key on another host", lambda a: {**a, "publicKey": {**a["publicKey"],
                                                          "id": "https://evil.example/users/Gargron#main-key"}}),
    ("key without PEM", lambda a: {**a, "publicKey": {**a["publicKey"], "publicKeyPem": "hello"}}),
]


@pytest.mark.parametrize(("reason", "change"), REFUSED_ACTORS, ids=[r for r, _ in REFUSED_ACTORS])
def test_unusable_actors_are_refused(reason: str, change: Any) -> None:
    with pytest.raises(ParseError) as error:
        parse_actor(change(copy.deepcopy(load("mastodon_actor_gargron.json"))))
    assert str(error.value)


def test_collections_on_other_hosts_are_dropped() -> None:
    actor = parse_actor({**load("mastodon_actor_gargron.json"), "followers": "https://evil.example/f",
                         "endpoints": {"sharedInbox": "https://evil.example/inbox"}})
    assert (actor.followers, actor.shared_inbox) == (None, None)


# --- Posts ---------------------------------------------------------------------------------


def test_mastodon_reply_unlisted() -> None:
    obj = load("mastodon_note_reply_unlisted.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.visibility == "unlisted"
    assert note.in_reply_to == obj["inReplyTo"]
    assert note.mentions == [("https://mamot.fr/users/retiolus", "@retiolus@mamot.fr")]
    assert note.language == "en"
    assert note.text.startswith("@retiolus i have never been disappointed by a thinkpad.")
    assert note.attributed_to == obj["attributedTo"]


def test_mastodon_media_with_alt_text() -> None:
    obj = load("mastodon_note_media_alt.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.visibility == "public"
    [media] = note.attachments
    assert media.description == ("The KDE dragons Katie and Konqi stand on either side of a pot filling up with "
                                 "gold coins. Donate!")
    assert (media.media_type, media.width, media.height, media.focus) == ("image/jpeg", 1500, 1095, (0.0, 0.0))
    assert media.blurhash == "USQv:h-W-qI-^,W;RPs=^-R%NZxbo#sDobSc"
    assert media.url.startswith("https://cdn.masto.host/floss/media_attachments/")
    assert "kde.org/donate/" in note.text


def test_mastodon_content_warning() -> None:
    obj = load("mastodon_note_cw.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.summary == "reading: Punishment and Reward in the Corporate University"
    assert note.sensitive is True
    assert note.language == "en"
    assert note.published == datetime(2022, 4, 15, 23, 49, 37, tzinfo=timezone.utc)
    assert note.url == "http://fossbros-anonymous.io/@foss_satan/108138763199405167"
    assert note.text.startswith("> So we have to examine")


def test_mastodon_hashtags_and_emoji() -> None:
    obj = note_of("mastodon_create_hashtags_emoji.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.visibility == "unlisted"
    assert note.hashtags == ["tags", "emoji"]
    assert [code for code, _ in note.emojis] == ["party_parrot", "amaze", "blobsunglasses"]
    assert f'class="mention hashtag" rel="{REL}">#<span>tags</span></a>' in note.content_html


def test_gotosocial_image_with_summary_alt_text() -> None:
    obj = load("gotosocial_note_image_hashtag.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.to == [AS_PUBLIC] and note.cc == ["http://localhost:8080/users/admin/followers"]
    assert note.visibility == "public"
    [media] = note.attachments
    assert media.description == "Black and white image of some 50's style text saying: Welcome On Board"
    assert media.focus == (-0.5, 0.5)
    assert media.media_type == "image/jpeg"
    assert note.hashtags == ["welcome"]
    assert note.summary is None  # "" is no content warning


def test_gotosocial_reply_with_a_single_mention_object() -> None:
    obj = load("gotosocial_note_reply_mention.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.mentions == [("http://localhost:8080/users/the_mighty_zork", "@the_mighty_zork@localhost:8080")]
    assert note.in_reply_to == "http://localhost:8080/users/the_mighty_zork/statuses/01F8MHAMCHF6Y650WCRSCP4WMY"
    assert note.text == "hi @the_mighty_zork welcome to the instance!"


def test_gotosocial_content_warning_with_offset_time() -> None:
    obj = load("gotosocial_note_cw.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert (note.summary, note.sensitive) == ("introduction post", True)
    assert note.published == datetime(2021, 10, 20, 10, 40, 37, tzinfo=timezone.utc)


def test_misskey_reply_ignores_misskey_content() -> None:
    obj = note_of("misskey_create_note_reply.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.visibility == "unlisted"
    assert note.mentions == [("https://calckey.jp/users/9bu1xzwjyb", "@trapezial@calckey.jp")]
    assert note.in_reply_to == "https://calckey.jp/notes/9f2i7ymf1d"
    # The text is the HTML `content`'s, not the MFM source.
    assert note.text.startswith("@trapezial@calckey.jp いやそういうこと")
    assert "_misskey" not in note.content_html


def test_misskey_followers_only_and_direct() -> None:
    obj = note_of("misskey_create_note_reply.json")
    followers = followers_of(obj)
    private = parse_note({**obj, "to": [followers], "cc": ["https://calckey.jp/users/9bu1xzwjyb"]},
                         author_followers_uri=followers)
    assert private.visibility == "private"
    direct = parse_note({**obj, "to": ["https://calckey.jp/users/9bu1xzwjyb"], "cc": []},
                        author_followers_uri=followers)
    assert direct.visibility == "direct"


def test_quotes_in_every_spelling() -> None:
    obj = load("bridgyfed_note_quote.json")
    target = "https://bsky.brid.gy/convert/ap/at://did:plc:hf7ezrajxadu7v3tzcyij424/app.bsky.feed.post/3mhg4guilx225"
    note = parse_note(obj, author_followers_uri=None)
    assert note.quote_uri == target
    assert note.in_reply_to == target  # inReplyTo given as an object
    assert note.url == ("https://bsky.brid.gy/r/https://bsky.app/profile/did:plc:hf7ezrajxadu7v3tzcyij424/post/"
                        "3mhg4lxsz2s25")
    assert note.language == "en"  # no contentMap entry equals content: the first is taken
    base = {k: v for k, v in obj.items() if k not in ("_misskey_quote", "quoteUrl", "tag")}
    assert parse_note(base, author_followers_uri=None).quote_uri is None
    for fragment in load("pasture_inputs.json")["quotes"]:
        variant = {**base, **{k: v for k, v in fragment.items() if k != "content"}}
        for key in ("quote", "quoteUri", "quoteUrl", "_misskey_quote"):
            if key in fragment:
                variant[key] = target
        if "tag" in fragment:
            variant["tag"] = [{**fragment["tag"][0], "href": target}]
        assert parse_note(variant, author_followers_uri=None).quote_uri == target, fragment


def test_pleroma_reply() -> None:
    obj = load("pleroma_note_reply.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.visibility == "unlisted"
    assert note.sensitive is False  # null
    assert note.summary is None  # ""
    assert note.mentions == [("https://pleroma.popolon.org/users/popolon", "@popolon@pleroma.popolon.org")]
    assert 'data-user' not in note.content_html and 'rel="ugc"' not in note.content_html


def test_pixelfed_photo() -> None:
    obj = note_of("pixelfed_create_note.json")
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.visibility == "public"
    assert note.hashtags == ["streetphotography", "colorphotography"]
    [media] = note.attachments
    assert media.description == "Stickers on the glass from the stairs, casting long and colourful shadows from the sun."
    assert (media.width, media.height, media.blurhash) == (1620, 1080, "U9AmM5?GIp9b~UNGoeRk4=E2oeax4;ofxtWB")
    assert 'title=' not in note.content_html


def test_lemmy_page_converted_as_mastodon_does() -> None:
    obj = load("lemmy_page.json")
    note = parse_note(obj, author_followers_uri=None)
    assert note.object_type == "Page"
    assert note.content_html.startswith("<p><strong>Post title</strong></p><p>This is a post")
    assert note.content_html.endswith(
        f'<p><a href="https://enterprise.lemmy.ml/post/55143" rel="{REL}">https://enterprise.lemmy.ml/post/55143</a></p>')
    assert note.language == "fr"
    assert note.attachments == []  # a link post's Link is not a media file


def test_peertube_video_as_title_and_link() -> None:
    obj = load("peertube_video.json")
    note = parse_note(obj, author_followers_uri=None)
    # attributedTo lists the account and its channel: the Person is the author.
    assert note.attributed_to == "https://tilvids.com/accounts/thelinuxexperiment"
    assert note.text.startswith("Mesa, Wayland & X.org in trouble")
    assert "squarespace" not in note.text  # the Markdown description is left out
    assert note.text.endswith("https://tilvids.com/videos/watch/e7946124-7b72-4ad7-9d22-844a84bb2de1")


def test_poll() -> None:
    obj = load("funfedi_question.json")
    note = parse_note(obj, author_followers_uri=None)
    assert note.poll is not None
    assert [(o.name, o.votes) for o in note.poll.options] == [("Answer 1", 0), ("Answer 2", 0)]
    assert note.poll.multiple is False and note.poll.closed is False
    assert note.poll.end_time == datetime(2026, 1, 14, 12, tzinfo=timezone.utc)
    counted = {**obj, "anyOf": [{"type": "Note", "name": "사과", "replies": {"type": "Collection", "totalItems": 3}},
                                {"type": "Note", "name": "배", "_misskey_votes": 2}],
               "votersCount": 4, "closed": "2026-01-14T12:00:00Z"}
    del counted["oneOf"]
    poll = parse_note(counted, author_followers_uri=None).poll
    assert poll is not None
    assert [(o.name, o.votes) for o in poll.options] == [("사과", 3), ("배", 2)]
    assert (poll.multiple, poll.closed, poll.voters_count) == (True, True, 4)
    too_many = {**obj, "oneOf": [{"type": "Note", "name": f"{i}"} for i in range(21)]}
    assert parse_note(too_many, author_followers_uri=None).poll is None


def test_pasture_hashtags_mentions_and_alt_text() -> None:
    inputs = load("pasture_inputs.json")
    base = {"id": "http://pasture-one-actor/objects/1", "type": "Note", "attributedTo": "http://pasture-one-actor/actor",
            "to": [AS_PUBLIC], "content": "text"}
    names = [parse_note({**base, **example}, author_followers_uri=None).hashtags for example in inputs["hashtags"]]
    assert names == [["test"], ["nohash"], ["with-dash_under"], [], ["with(subtag)"], ["with123"], ["1234"],
                     ["CamelCase"], ["ümläütß"], ["🐄"], ["❤️"], ["牛"], ["test"]]
    mentions = [parse_note({**base, **example}, author_followers_uri=None).mentions for example in inputs["mentions"]]
    assert mentions[0] == [("http://pasture-one-actor/actor", "@actor@test_server")]
    assert mentions[1] == [("http://pasture-one-actor/actor", "@actor@test_server")]  # a single object
    assert mentions[3] == [("http://pasture-one-actor/actor", "")]  # no name: the href still counts
    assert mentions[8] == []  # no type: not a Mention
    descriptions = [[a.description for a in parse_note({**base, **example}, author_followers_uri=None).attachments]
                    for example in inputs["image_description"]]
    assert descriptions == [[None], ["name"], ["name"], [None]]


def test_tag_and_attachment_caps() -> None:
    base = load("gotosocial_note_image_hashtag.json")
    many_tags = [{"type": "Hashtag", "name": f"#t{i}"} for i in range(80)]
    many_media = [{"type": "Document", "mediaType": "image/png", "url": f"http://localhost:8080/m/{i}.png"}
                  for i in range(30)]
    note = parse_note({**base, "tag": many_tags, "attachment": many_media}, author_followers_uri=None)
    assert len(note.hashtags) == 50
    assert len(note.attachments) == 16


def test_hangul_hashtags_are_nfc() -> None:
    base = load("gotosocial_note_image_hashtag.json")
    decomposed = "#\u1103\u1169\u1109\u1165\u1100\u116a\u11ab"  # 도서관 as conjoining jamo
    note = parse_note({**base, "tag": [{"type": "Hashtag", "name": decomposed}, {"type": "Hashtag", "name": "#안양"}]},
                      author_followers_uri=None)
    assert note.hashtags == ["도서관", "안양"]


REFUSED_NOTES = [
    ("not an object", lambda o: "a string"),
    ("an actor", lambda o: {**o, "type": "Person"}),
    ("an unknown type", lambda o: {**o, "type": "ChatMessage"}),
    ("no id", lambda o: {k: v for k, v in o.items() if k != "id"}),
    ("no author", lambda o: {k: v for k, v in o.items() if k != "attributedTo"}),
    ("id on another host than the author", lambda o: {**o, "attributedTo": "https://evil.example/users/admin"}),
    ("content over 100 kB", lambda o: {**o, "content": "<p>" + "가" * 100_001 + "</p>"}),
]


@pytest.mark.parametrize(("reason", "change"), REFUSED_NOTES, ids=[r for r, _ in REFUSED_NOTES])
def test_unusable_posts_are_refused(reason: str, change: Any) -> None:
    with pytest.raises(ParseError):
        parse_note(change(copy.deepcopy(load("gotosocial_note_image_hashtag.json"))), author_followers_uri=None)


def test_remote_post_html_is_sanitised() -> None:
    obj = {**load("gotosocial_note_cw.json"),
           "content": '<p onclick="x">hi<script>alert(1)</script><a href="javascript:alert(1)">x</a></p>',
           "summary": "<b>cw</b><script>alert(1)</script>"}
    note = parse_note(obj, author_followers_uri=None)
    assert note.content_html == "<p>hix</p>"
    assert note.summary == "cw"


ACTOR_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.json")
                        if any(k in p.name for k in ("actor", "person")))
NOTE_FIXTURES = sorted(p.name for p in FIXTURES.glob("*.json")
                       if p.name not in ACTOR_FIXTURES and p.name != "pasture_inputs.json")


@pytest.mark.parametrize("name", ACTOR_FIXTURES)
def test_every_actor_fixture_parses(name: str) -> None:
    actor = parse_actor(load(name))
    assert actor.username and actor.inbox and actor.domain == host_of(actor.uri)
    assert actor.public_key_pem and actor.public_key_pem.startswith("-----BEGIN PUBLIC KEY-----")


@pytest.mark.parametrize("name", NOTE_FIXTURES)
def test_every_post_fixture_parses(name: str) -> None:
    obj = note_of(name)
    note = parse_note(obj, author_followers_uri=followers_of(obj))
    assert note.uri == obj["id"] and note.text
    assert note.visibility in {"public", "unlisted", "private", "direct"}
    assert "<script" not in note.content_html


# --- Helpers and addressing ----------------------------------------------------------------


def test_origin_helpers() -> None:
    assert same_origin("https://Example.COM/a", "https://example.com:443/b")
    assert same_origin("https://bücher.example/users/a", "https://xn--bcher-kva.example/inbox")
    assert not same_origin("https://example.com/a", "http://example.com/a")
    assert not same_origin("https://example.com/a", "https://example.com.evil/a")
    assert not same_origin("https://example.com/a", "https://example.com:8443/a")
    assert not same_origin("https://example.com/a", "not a uri")
    assert host_of("https://Bücher.Example/users/a") == "xn--bcher-kva.example"
    assert host_of("http://localhost:8080/users/x") == "localhost:8080"
    with pytest.raises(ParseError):
        host_of("mailto:a@b.example")
    assert as_list(None) == [] and as_list("a") == ["a"] and as_list(["a"]) == ["a"] and as_list({"a": 1}) == [{"a": 1}]
    assert first_id("https://a.example") == "https://a.example"
    assert first_id({"id": "https://a.example", "type": "Person"}) == "https://a.example"
    assert first_id([{"type": "Group"}, {"id": "https://b.example"}]) == "https://b.example"
    assert first_id({"type": "Person"}) is None and first_id(None) is None and first_id("") is None


FOLLOWERS = "https://a.example/users/x/followers"
BOB = "https://b.example/users/bob"


@pytest.mark.parametrize(("to", "cc", "expected"), [
    ([AS_PUBLIC], [FOLLOWERS], "public"),
    (["as:Public"], [], "public"),
    (["Public"], [], "public"),
    ([FOLLOWERS], [AS_PUBLIC, BOB], "unlisted"),
    ([FOLLOWERS], ["as:Public"], "unlisted"),
    ([FOLLOWERS], [BOB], "private"),
    ([BOB], [], "direct"),
    ([BOB, "https://c.example/users/carol"], [], "private"),  # Mastodon's "limited"
    ([], [], "direct"),
])
def test_visibility_from_addressing(to: list[str], cc: list[str], expected: str) -> None:
    assert visibility_from(to, cc, followers_uri=FOLLOWERS, mentioned_uris={BOB}) == expected


# --- Whatever arrives, the parser answers or refuses: it never crashes --------------------

_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 10**12) | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from([AS_PUBLIC, "https://a.example/users/x", "https://a.example/users/x/followers",
                       "http://localhost:8080/x", "javascript:alert(1)", "Note", "Mention", "Hashtag", "Emoji",
                       "Document", "Link", "PropertyValue", "-----BEGIN PUBLIC KEY-----"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(
        st.sampled_from(["id", "type", "href", "url", "name", "mediaType", "owner", "publicKeyPem", "totalItems",
                         "content", "value", "icon", "replies", "identifier"]), children, max_size=5),
    max_leaves=12,
)
_NOTE_KEYS = ["id", "type", "attributedTo", "content", "contentMap", "summary", "sensitive", "to", "cc", "tag",
              "attachment", "url", "inReplyTo", "published", "updated", "oneOf", "anyOf", "endTime", "closed",
              "votersCount", "quote", "quoteUrl", "_misskey_quote", "name", "language", "mediaType"]
_ACTOR_KEYS = ["id", "type", "inbox", "preferredUsername", "publicKey", "name", "summary", "url", "icon", "image",
               "attachment", "endpoints", "followers", "featured", "alsoKnownAs", "movedTo", "published", "tag",
               "manuallyApprovesFollowers", "discoverable", "indexable", "suspended"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(NOTE_FIXTURES), st.dictionaries(st.sampled_from(_NOTE_KEYS), _JSON, max_size=4))
def test_posts_with_any_values_parse_or_are_refused(name: str, changes: dict[str, Any]) -> None:
    obj = {**note_of(name), **changes}
    try:
        note = parse_note(obj, author_followers_uri=None)
    except ParseError:
        return
    assert isinstance(note.content_html, str) and isinstance(note.text, str)
    assert "<script" not in note.content_html


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ACTOR_FIXTURES), st.dictionaries(st.sampled_from(_ACTOR_KEYS), _JSON, max_size=4))
def test_actors_with_any_values_parse_or_are_refused(name: str, changes: dict[str, Any]) -> None:
    try:
        actor = parse_actor({**load(name), **changes})
    except ParseError:
        return
    assert same_origin(actor.inbox, actor.uri)
    if actor.public_key_id is not None:
        assert same_origin(actor.public_key_id, actor.uri)


def test_deep_nesting_is_not_a_crash() -> None:
    deep: Any = "https://a.example/x"
    for _ in range(5000):
        deep = [deep]
    obj = {**load("gotosocial_note_cw.json"), "url": deep, "inReplyTo": deep, "to": deep, "attachment": [{"type": "Document", "url": deep}]}
    note = parse_note(obj, author_followers_uri=None)
    assert note.url is None and note.in_reply_to is None
