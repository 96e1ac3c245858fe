"""Domain errors in the reader's language: the domain speaks English (the API's dialect),
the web pages speak Korean first."""

from __future__ import annotations

import re

from madang.core.errors import DomainError
from madang.web import i18n

# (pattern of the domain's English message, Korean message with the pattern's groups)
_KOREAN: list[tuple[re.Pattern[str], str]] = [(re.compile(p), k) for p, k in [
    (r"^(.*[가-힣].*)$", "{0}"),  # the desk's domain speaks Korean already
    (r"^Text character limit of (\d+) exceeded \((\d+)\)$", "글자 수 제한({0}자)을 넘었습니다. 지금 {1}자입니다."),
    (r"^Text can't be blank$", "내용을 입력해 주세요."),
    (r"^Text is too large$", "글이 너무 깁니다."),
    (r"^Username must be", "사용자 이름은 영문 소문자, 숫자, 밑줄(_)로 1~30자여야 합니다."),
    (r"^This username is reserved$", "이 사용자 이름은 쓸 수 없습니다."),
    (r"^This username is already taken$", "이미 사용 중인 사용자 이름입니다."),
    (r"^E-mail address is not valid$", "이메일 주소 형식이 올바르지 않습니다."),
    (r"^This e-mail address is already registered$", "이미 가입된 이메일 주소입니다."),
    (r"^Password must be (\d+) to (\d+) characters", "비밀번호는 {0}~{1}자여야 합니다."),
    (r"^Display name must be at most (\d+)", "표시 이름은 {0}자까지 쓸 수 있습니다."),
    (r"^Bio must be at most (\d+)", "소개는 {0}자까지 쓸 수 있습니다."),
    (r"^Too many login attempts", "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해 주세요."),
    (r"^Wrong e-mail, username or password$", "이메일(또는 사용자 이름)이나 비밀번호가 올바르지 않습니다."),
    (r"^This login is disabled$", "사용이 중지된 계정입니다."),
    (r"^Your e-mail address is not confirmed yet$", "이메일 주소를 아직 확인하지 않았습니다. 가입할 때 받은 메일의 링크를 열어 주세요."), (r"^Current password is not correct$", "지금 비밀번호가 맞지 않습니다."), (r"^The new password must differ", "새 비밀번호가 지금 비밀번호와 같습니다."), (r"^This link is invalid or has expired$", "링크가 올바르지 않거나 만료되었습니다. 다시 요청해 주세요."), (r"^Locale is not valid$", "언어를 목록에서 골라 주세요."), (r"^File is too large \((.+)\); the limit is (.+)$", "파일이 너무 큽니다({0}). {1}까지 올릴 수 있습니다."), (r"^(Image|Animation) is too large", "사진의 픽셀 수가 너무 많습니다."), (r"^File type is not supported", "JPEG, PNG, WebP, GIF 사진만 올릴 수 있습니다."), (r"^File is (empty|truncated)", "사진 파일을 읽을 수 없습니다."), (r"^Password is not correct$", "비밀번호가 맞지 않습니다."), (r"^The username typed does not match$", "사용자 이름을 정확히 입력해 주세요."), (r"^Organisation accounts are deleted by an administrator$", "기관 계정은 관리자만 삭제할 수 있습니다."),
    (r"^You cannot follow yourself$", "자기 자신은 팔로우할 수 없습니다."),
    (r"^You cannot follow this account$", "이 계정은 팔로우할 수 없습니다."),
    (r"^You cannot block yourself$", "자기 자신은 차단할 수 없습니다."),
    (r"^You cannot mute yourself$", "자기 자신은 뮤트할 수 없습니다."),
    (r"^Record not found$|not found", "찾을 수 없습니다."),
    (r"^This action is not allowed$", "이 글에는 할 수 없는 작업입니다."),
    (r"^(.+) is not a valid language code$", "{0}은(는) 올바른 언어 코드가 아닙니다."),
    (r"^Visibility must be one of", "공개 범위가 올바르지 않습니다."),
    (r"^Search query can't be blank$", "검색어를 입력해 주세요."),
    (r"^Search query is too long \(at most (\d+)", "검색어가 너무 깁니다. {0}자까지 입력할 수 있습니다."),
    (r"^Unknown property: (.+) \((\w+): takes (.+)\)$", "{1}: 뒤에는 {2} 중 하나를 쓸 수 있습니다. ({0}은(는) 알 수 없습니다.)"),
    (r"^Invalid language: (.+)$", "{0}은(는) 올바른 언어 코드가 아닙니다. (예: language:ko)"),
    (r"^Invalid date '(.+)' for (\w+): ", "{1}: 뒤의 날짜 {0}이(가) 올바르지 않습니다. (예: 2026-11-25)"),
    (r"^Invalid account for from: '(.+)'$", "from: 뒤의 계정 {0}이(가) 올바르지 않습니다. (예: from:anyanglove)"),
    (r"^Image has no pixels$", "사진으로 읽을 수 없는 파일입니다."),
    (r"^Description is too long \((\d+) characters, at most (\d+)\)$", "사진 설명이 너무 깁니다. {1}자까지 쓸 수 있습니다(지금 {0}자)."),
    (r"^You cannot attach more than (\d+) files$", "사진은 {0}장까지 올릴 수 있습니다."),
    (r"(?i)media", "첨부한 사진을 처리할 수 없습니다."),
]]


def describe(exc: DomainError | str) -> str:
    """The message to show next to a field or at the top of a form."""
    message = exc.message if isinstance(exc, DomainError) else exc
    if i18n.current_locale() != "ko":
        return message
    for pattern, korean in _KOREAN:
        match = pattern.search(message)
        if match:
            return korean.format(*match.groups())
    return f"요청을 처리할 수 없습니다. ({message})"
