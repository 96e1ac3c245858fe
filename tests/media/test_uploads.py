"""Uploading photos: upright, metadata-free, thumbnailed, and bad files refused leaving nothing."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import select

from madang.core.errors import Invalid, NotFound
from madang.media import LocalMediaStore, delete_media, get_own_media, update_media
from madang.media.uploads import CLEANUP_JOB, UNATTACHED_TTL
from madang.models import Job, MediaAttachment
from tests.factories import make_account
from tests.media import images
from tests.media.factories import count_media, stored_files, upload


async def test_photo_is_stored_upright_without_exif_or_gps(db, store: LocalMediaStore) -> None:
    async with db.write() as s:
        minji = await make_account(s, username="minji")
    data = images.phone_jpeg(400, 300, orientation=6)
    assert images.exif_and_gps(data)[1], "the test photo must carry GPS to begin with"
    media = await upload(db, store, minji, data, description="안양천 벚꽃길 사진", focus="0.5,-0.25")

    assert (media.type, media.content_type) == ("image", "image/jpeg")
    # Orientation 6 was applied to the pixels: 400x300 stored sideways is 300x400 upright,
    # and the red quarter moved from top-left to top-right.
    assert (media.width, media.height) == (300, 400)
    original = store.read(media.file_key)
    picture = Image.open(io.BytesIO(original)).convert("RGB")
    assert picture.size == (300, 400)
    red, blue = picture.getpixel((280, 20)), picture.getpixel((20, 20))
    assert red[0] > 180 and red[2] < 80 and blue[2] > 180 and blue[0] < 80
    for key in (media.file_key, media.small_key):
        exif, gps, other = images.exif_and_gps(store.read(key))
        assert exif == {} and gps == {} and other == {}
    assert len(original) == media.file_size
    assert media.description == "안양천 벚꽃길 사진" and (media.focus_x, media.focus_y) == (0.5, -0.25)
    assert media.blurhash and 20 <= len(media.blurhash) <= 40
    assert stored_files(store) == sorted([store.path(media.file_key), store.path(media.small_key)])
    async with db.read() as s:
        job = await s.scalar(select(Job).where(Job.name == CLEANUP_JOB))
    assert job.payload["media_id"] == media.id and job.run_at == media.created_at + UNATTACHED_TTL


async def test_thumbnail_fits_640_and_large_originals_are_scaled_to_8_megapixels(db, store) -> None:
    async with db.write() as s:
        author = await make_account(s)
    media = await upload(db, store, author, images.phone_jpeg(4000, 3000, orientation=1))
    assert media.width * media.height <= 3840 * 2160 and abs(media.width / media.height - 4 / 3) < 0.01
    assert (media.small_width, media.small_height) == (640, 480)
    small = Image.open(io.BytesIO(store.read(media.small_key)))
    assert small.size == (640, 480) and small.format == "JPEG"
    # Scaled down and turned upright (the orientation survives the scaling step).
    turned = await upload(db, store, author, images.phone_jpeg(4000, 3000, orientation=6))
    assert turned.height > turned.width and (turned.small_width, turned.small_height) == (480, 640)
    assert images.exif_and_gps(store.read(turned.file_key)) == ({}, {}, {})


@pytest.mark.parametrize("maker, content_type, small_type", [
    (images.png_with_metadata, "image/png", "image/png"),  # transparency keeps the small a PNG
    (images.webp, "image/webp", "image/webp"),
    (images.animated_gif, "image/gif", "image/jpeg"),
])
async def test_png_webp_and_animated_gif(db, store, maker, content_type, small_type) -> None:
    async with db.write() as s:
        author = await make_account(s)
    media = await upload(db, store, author, maker())
    assert (media.content_type, media.small_content_type) == (content_type, small_type)
    for key in (media.file_key, media.small_key):
        assert images.exif_and_gps(store.read(key)) == ({}, {}, {})
    if content_type == "image/gif":
        # Kept animated, as a GIF (decision 0007); the comment block is gone.
        assert Image.open(io.BytesIO(store.read(media.file_key))).n_frames == 4


BAD_FILES = [
    ("empty", lambda: b"", "File is empty"),
    ("html named .jpg", images.html_named_jpeg, "File type is not supported"),
    ("tiff", images.tiff, "File type is not supported"),
    ("truncated jpeg", lambda: images.truncated(images.phone_jpeg(600, 400)), "truncated or corrupt"),
    ("truncated png", lambda: images.truncated(images.png_with_metadata(300, 200)), "truncated or corrupt"),
    ("real bomb", images.png_bomb, "Image is too large"),
    ("lying header", lambda: images.png_claiming(60_000, 60_000), "Image is too large"),
]


@pytest.mark.parametrize("name, maker, message", BAD_FILES, ids=[b[0] for b in BAD_FILES])
async def test_bad_files_are_refused_and_leave_nothing(db, store, name, maker, message) -> None:
    async with db.write() as s:
        author = await make_account(s)
    with pytest.raises(Invalid, match=message) as error:
        await upload(db, store, author, maker(), max_pixels=4_000_000)
    assert error.value.field == "file"
    assert await count_media(db) == 0 and stored_files(store) == []
    async with db.read() as s:
        assert await s.scalar(select(Job).where(Job.name == CLEANUP_JOB)) is None


async def test_size_limit_and_bad_text_fields_leave_nothing(db, store) -> None:
    async with db.write() as s:
        author = await make_account(s)
    data = images.phone_jpeg()
    with pytest.raises(Invalid, match="File is too large"):
        await upload(db, store, author, data, max_bytes=len(data) - 1)
    # Refused inside the unit of work, after the files were written: they are removed again.
    with pytest.raises(Invalid, match="Description is too long"):
        await upload(db, store, author, data, description="가" * 1501)
    for focus in ("2,0", "0.1", "a,b", "nan,0"):
        with pytest.raises(Invalid) as error:
            await upload(db, store, author, data, focus=focus)
        assert error.value.field == "focus"
    assert await count_media(db) == 0 and stored_files(store) == []
    media = await upload(db, store, author, data, description="가" * 1500)
    assert len(media.description) == 1500


async def test_update_and_delete_own_unattached_media_only(db, store) -> None:
    async with db.write() as s:
        owner = await make_account(s)
        other = await make_account(s)
    media = await upload(db, store, owner)
    async with db.write() as s:
        await update_media(s, account_id=owner.id, media_id=media.id, description="시청 앞 분수", focus="-1,1")
    async with db.read() as s:
        stored = await get_own_media(s, account_id=owner.id, media_id=media.id)
        assert (stored.description, stored.focus_x, stored.focus_y) == ("시청 앞 분수", -1.0, 1.0)
        with pytest.raises(NotFound):
            await get_own_media(s, account_id=other.id, media_id=media.id)
    with pytest.raises(NotFound):
        async with db.write() as s:
            await update_media(s, account_id=other.id, media_id=media.id, description="남의 사진")
    with pytest.raises(NotFound):
        async with db.write() as s:
            await delete_media(s, store=store, account_id=other.id, media_id=media.id)
    assert len(stored_files(store)) == 2
    async with db.write() as s:
        await delete_media(s, store=store, account_id=owner.id, media_id=media.id)
    assert await count_media(db) == 0 and stored_files(store) == []
    async with db.read() as s:
        assert await s.get(MediaAttachment, media.id) is None
