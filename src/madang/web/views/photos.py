"""The composer's photo fields: each file with its own description, asked for unless declined."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData, UploadFile

from madang.core.errors import Invalid
from madang.media import MAX_ATTACHMENTS
from madang.media.rules import check_description
from madang.web.csrf import text_field
from madang.web.i18n import gettext_
from madang.web.messages import describe


@dataclass
class PhotoField:
    index: int
    file: UploadFile | None
    description: str
    no_description: bool
    error: str | None = None  # next to the description
    file_error: str | None = None  # next to the file input

    def row(self) -> dict[str, Any]:
        """What the re-rendered composer keeps (the file itself cannot be put back into a page)."""
        return {"description": self.description, "no_description": self.no_description, "error": self.error,
                "file_error": self.file_error}


def _chosen(value: object) -> UploadFile | None:
    # An empty file input is still sent, as a part with no file name and no bytes.
    if isinstance(value, UploadFile) and (value.filename or (value.size or 0) > 0):
        return value
    return None


def read_photos(form: FormData) -> list[PhotoField]:
    return [PhotoField(index=i, file=_chosen(form.get(f"media_{i}")),
                       description=text_field(form, f"media_{i}_description", limit=5000),
                       no_description=form.get(f"media_{i}_no_description") == "1")
            for i in range(MAX_ATTACHMENTS)]


def check_photos(photos: list[PhotoField]) -> bool:
    """Mark what is missing or wrong, before any file is decoded; True when all is well."""
    for photo in photos:
        try:
            described = check_description(photo.description)
        except Invalid as exc:
            photo.error = describe(exc)
            continue
        if photo.file is None:
            if described:
                # A description without its photo: after a refused form the files must be
                # chosen again, and posting without them would silently drop the photo.
                photo.file_error = gettext_("사진 파일을 선택해 주세요. 사진 없이 올리려면 설명을 지워 주세요.")
            continue
        if not described and not photo.no_description:
            photo.error = gettext_("사진 설명을 적어 주세요. 설명 없이 올리려면 '설명 없이 올리기'를 선택하세요.")
    return not any(p.error or p.file_error for p in photos)


def attached(photos: list[PhotoField]) -> list[PhotoField]:
    return [p for p in photos if p.file is not None]
