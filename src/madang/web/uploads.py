"""Files sent with a form: the one a field holds (an empty file input sends nothing) and its size."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import UploadFile


def uploaded_file(form: Any, name: str) -> UploadFile | None:
    value = form.get(name)
    if isinstance(value, UploadFile) and value.filename and (value.size is None or value.size > 0):
        return value
    return None


def upload_size(upload: UploadFile | None) -> int:
    if upload is None:
        return 0
    if upload.size is not None:
        return upload.size
    upload.file.seek(0, 2)
    size = upload.file.tell()
    upload.file.seek(0)
    return size
