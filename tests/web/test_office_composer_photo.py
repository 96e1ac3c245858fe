"""The office composer: a live character counter (the citizen composer's script and rules) and a
photo through the media pipeline (re-encoded without GPS), on a post published at once and on a
draft, which keeps it until it goes out: the approver sees it first, and it is on the post."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy import func, select

from madang.models import Status
from madang.models.media import MediaAttachment
from madang.models.office import OfficeDraft, OfficeDraftMedia
from tests.media.images import exif_and_gps, phone_jpeg
from tests.support.server import running_server
from tests.web.test_desk_pages import ok, person, query
from tests.web.test_office_publish import draft_id_of, office_of


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_composer_counts_and_publishes_a_photo_without_gps(sqlite_url: str, tmp_path: Path) -> None:
    office_of(sqlite_url, approval=False)
    media = tmp_path / "media"
    with running_server(sqlite_url, media_path=media) as base:
        dongwook = person(base, "dongwook_seo")
        form = ok(dongwook.get("/office/publish"), 200).text
        # The same counter markup the citizen composer has: counter.js finds and fills it.
        assert re.search(r'<textarea id="f-text" name="text"[^>]* data-counter-input aria-describedby="f-text-counter', form)
        assert '<span data-counter-remaining>140</span>' in form and 'enctype="multipart/form-data"' in form
        assert 'name="photo" type="file"' in form

        fields = {"organisation": "anyanglove", "category": "events", "visibility": "public",
                  "text": "벚꽃 축제 현장입니다", "photo_description": "안양천 벚꽃길"}
        photo = {"photo": ("festival.jpg", phone_jpeg(), "image/jpeg")}
        # Not an image: refused next to the photo field.
        page = ok(dongwook.post("/office/publish", {**fields, "action": "publish"},
                                files={"photo": ("x.jpg", b"GIF89a no", "image/jpeg")}), 422).text
        assert 'id="f-photo-error"' in page
        assert query(sqlite_url, select(func.count()).select_from(OfficeDraft))[0][0] == 0
        assert query(sqlite_url, select(func.count()).select_from(MediaAttachment))[0][0] == 0
        assert files_under(media) == []

        ok(dongwook.post("/office/publish", {**fields, "action": "publish"}, files=photo))
        [(status_id, account_id)] = query(sqlite_url, select(Status.id, Status.account_id))
        [(file_key, description, owner)] = query(sqlite_url, select(
            MediaAttachment.file_key, MediaAttachment.description, MediaAttachment.account_id)
            .where(MediaAttachment.status_id == status_id))
        assert description == "안양천 벚꽃길" and owner == account_id
        stored = httpx.get(f"{base}/media/{file_key}")
        assert stored.status_code == 200
        exif, gps, info = exif_and_gps(stored.content)
        assert gps == {} and "MadangCam" not in str(exif) and "comment" not in info
        public = httpx.get(f"{base}/@anyanglove/{status_id}").text
        assert file_key.split("/")[-1].split(".")[0] in public and "안양천 벚꽃길" in public


def test_a_draft_keeps_its_photo_for_the_approver_and_the_post_carries_it(sqlite_url: str, tmp_path: Path) -> None:
    """With approval on (as in the demo city) every post is a draft first: the photo was refused
    there, so the office could not post a photo at all (issue 13)."""
    office_of(sqlite_url, approval=True)
    with running_server(sqlite_url, media_path=tmp_path / "media") as base:
        dongwook, seojin = person(base, "dongwook_seo"), person(base, "seojin_park")
        sent = ok(dongwook.post("/office/publish", {
            "organisation": "anyanglove", "action": "submit", "category": "events", "visibility": "public",
            "text": "벚꽃 축제 현장입니다", "photo_description": "안양천 벚꽃길"},
            files={"photo": ("festival.jpg", phone_jpeg(), "image/jpeg")}))
        draft = draft_id_of(sent)
        [(media_id, file_key)] = query(sqlite_url, select(MediaAttachment.id, MediaAttachment.file_key))
        assert query(sqlite_url, select(OfficeDraftMedia.draft_id))[0][0] == draft
        page = ok(seojin.get(f"/office/publish/drafts/{draft}"), 200).text
        assert 'alt="안양천 벚꽃길"' in page and file_key.split("/")[-1].split(".")[0] in page
        ok(seojin.post(f"/office/publish/drafts/{draft}/approve"))
        [(status_id,)] = query(sqlite_url, select(Status.id))
        assert query(sqlite_url, select(MediaAttachment.status_id).where(MediaAttachment.id == media_id)) == [(status_id,)]
        assert query(sqlite_url, select(func.count()).select_from(OfficeDraftMedia))[0][0] == 0
        public = httpx.get(f"{base}/@anyanglove/{status_id}").text
        assert "안양천 벚꽃길" in public
