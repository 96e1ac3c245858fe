"""Photos in the composer: each asks for its description; refused posts store nothing."""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select

from madang.db.database import Database
from madang.models import MediaAttachment, Status
from tests.support.server import running_server
from tests.web.client import WebClient
from tests.web.test_profiles import citizen

MAKE, MODEL = 271, 272


def jpeg_with_exif(size: tuple[int, int] = (640, 480)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 160))
    exif = Image.Exif()
    exif[MAKE], exif[MODEL] = "MadangCam", "GPS-Leaker 3000"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif()[MAKE] == "MadangCam"  # the test photo really carries EXIF
    return data


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (50, 40), (10, 20, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def stored_rows(database_url: str) -> tuple[int, int]:
    """(statuses, media attachments) in the database: what a refused form must not add."""
    async def go() -> tuple[int, int]:
        db = Database(database_url)
        try:
            async with db.read() as s:
                return (int(await s.scalar(select(func.count()).select_from(Status)) or 0),
                        int(await s.scalar(select(func.count()).select_from(MediaAttachment)) or 0))
        finally:
            await db.dispose()
    return asyncio.run(go())


def files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_photo_with_alt_text_is_shown_with_it_and_without_its_exif(web_base: str, tmp_path: Path) -> None:
    web = citizen(web_base, "photographer")
    answer = web.post("/statuses", {"status": "안양천 벚꽃이 피었습니다", "visibility": "public", "form_key": "p1",
                                    "media_0_description": "안양천 둑길에 분홍 벚꽃이 핀 모습"},
                      files={"media_0": ("벚꽃.jpg", jpeg_with_exif(), "image/jpeg")})
    assert answer.status_code == 303, answer.text[:1000]
    home = web.follow(answer)
    assert "게시했습니다." in home.text
    img = re.search(r'<a href="(/media/[^"]+)"><img src="(/media/[^"]+)" alt="안양천 둑길에 분홍 벚꽃이 핀 모습"', home.text)
    assert img, "the photo is shown with its description as alt text"
    for url in img.groups():
        served = WebClient(web_base).get(url)
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        exif = Image.open(io.BytesIO(served.content)).getexif()
        assert MAKE not in exif and MODEL not in exif
    # The same form sent twice (a double click) posts once and keeps one copy of the files.
    web.post("/statuses", {"status": "안양천 벚꽃이 피었습니다", "visibility": "public", "form_key": "p1",
                           "media_0_description": "안양천 둑길에 분홍 벚꽃이 핀 모습"},
             files={"media_0": ("벚꽃.jpg", jpeg_with_exif(), "image/jpeg")})
    assert len(files_in(tmp_path / "media")) == 2  # the original and its preview
    media_tab = WebClient(web_base).get("/@photographer/media").text
    assert media_tab.count('alt="안양천 둑길에 분홍 벚꽃이 핀 모습"') == 1


def test_a_photo_without_description_is_refused_with_the_text_kept(sqlite_web_base: str, sqlite_url: str,
                                                                  tmp_path: Path) -> None:
    web = citizen(sqlite_web_base, "hurried")
    before = stored_rows(sqlite_url)
    answer = web.post("/statuses", {"status": "사진 한 장 올립니다", "visibility": "unlisted",
                                    "media_1_description": "두 번째 사진 설명"},
                      files={"media_0": ("a.jpg", jpeg_with_exif(), "image/jpeg"),
                             "media_1": ("b.png", png(), "image/png")})
    assert answer.status_code == 422
    assert ">사진 한 장 올립니다</textarea>" in answer.text
    assert re.search(r'id="media-0-description"[^>]*aria-describedby="media-0-description-hint '
                     r'media-0-description-error"[^>]*aria-invalid="true"', answer.text, re.S)
    assert re.search(r'<p class="field-error" id="media-0-description-error">사진 설명을 적어 주세요.', answer.text)
    assert ">두 번째 사진 설명</textarea>" in answer.text and "media-1-description-error" not in answer.text
    assert '<option value="unlisted" selected>' in answer.text
    assert "사진은 보안상 다시 선택해야 합니다." in answer.text
    assert stored_rows(sqlite_url) == before and files_in(tmp_path / "media") == []

    # Ticking "설명 없이 올리기" posts it, with an empty alt (a decorative image to a screen reader).
    ok = web.post("/statuses", {"status": "사진 한 장 올립니다", "media_0_no_description": "1"},
                  files={"media_0": ("a.jpg", jpeg_with_exif(), "image/jpeg")})
    assert ok.status_code == 303
    assert re.search(r'<img src="/media/[^"]+" alt=""', web.follow(ok).text)

    # A description whose photo was not chosen again is pointed out, not silently dropped.
    lost = web.post("/statuses", {"status": "다시 보냄", "media_2_description": "설명만 남은 사진"})
    assert lost.status_code == 422 and 'id="media-2-error">사진 파일을 선택해 주세요.' in lost.text


def test_bad_files_are_refused_next_to_their_field_and_leave_nothing(sqlite_url: str, tmp_path: Path) -> None:
    media = tmp_path / "media"
    with running_server(sqlite_url, media_path=media, media_max_bytes=60_000) as base:
        web = citizen(base, "careful")
        before = stored_rows(sqlite_url)
        cases = [
            (("notes.jpg", "이건 사진이 아닙니다".encode() * 10, "image/jpeg"), "JPEG, PNG, WebP, GIF 사진만 올릴 수 있습니다."),
            (("cut.jpg", jpeg_with_exif()[:2700], "image/jpeg"), "사진 파일을 읽을 수 없습니다."),
            (("huge.png", b"\x89PNG" + b"0" * 70_000, "image/png"), "파일이 너무 큽니다"),
        ]
        for upload, message in cases:
            answer = web.post("/statuses", {"status": "사진 올리기", "media_0_description": "좋은 사진"},
                              files={"media_0": ("ok.png", png(), "image/png"), "media_3": upload}
                              | {"media_3_description": (None, "나쁜 파일")})
            assert answer.status_code == 422, upload[0]
            assert re.search(r'id="media-3"[^>]*aria-invalid="true" aria-describedby="media-3-error"', answer.text)
            assert f'<p class="field-error" id="media-3-error">{message}' in answer.text, upload[0]
            assert ">사진 올리기</textarea>" in answer.text
        # A post refused after its photos were processed (too long) removes them again.
        too_long = web.post("/statuses", {"status": "가" * 141, "media_0_description": "좋은 사진"},
                            files={"media_0": ("ok.png", png(), "image/png")})
        assert too_long.status_code == 422 and "글자 수 제한(140자)을 넘었습니다." in too_long.text
        assert stored_rows(sqlite_url) == before and files_in(media) == []
