"""Domain errors in the reader's language: the domain speaks English (the API's dialect),
the web pages speak Korean first."""

from __future__ import annotations

import re

from madang.core.errors import DomainError
from madang.text.particles import resolve_particles
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
    (r"^Scheduled at The scheduled date must be in the future$", "예약 시각은 지금부터 5분 뒤보다 늦어야 합니다."), (r"^Scheduled at is not a valid date$", "예약 시각이 올바르지 않습니다."), (r"limit of (\d+) scheduled toots for today", "하루에 {0}개까지 예약할 수 있습니다."), (r"limit of (\d+) scheduled toots$", "예약 글은 {0}개까지 둘 수 있습니다."),
    (r"^Your login is currently pending approval$", "가입 신청을 관리자가 아직 승인하지 않았습니다. 승인되면 로그인할 수 있습니다."), (r"^Your login is currently disabled$", "관리자가 정지한 계정입니다. 로그인하거나 글을 쓸 수 없습니다."), (r"^E-mail uses a disallowed e-mail provider$", "이 이메일 도메인으로는 가입할 수 없습니다. 다른 주소를 써 주세요."), (r"^Reason is too long \(maximum is (\d+)", "사유는 {0}자까지 쓸 수 있습니다."), (r"^A reason is required$", "사유를 적어 주세요."),
    (r"^This action is allowed to administrators only$", "관리자만 할 수 있습니다."), (r"^This report is already resolved$", "이미 처리한 신고입니다."), (r"^You cannot moderate your own account$", "자기 계정에는 조치할 수 없습니다."), (r"^Administrators cannot be limited or suspended$", "관리자 계정은 제한하거나 정지할 수 없습니다."), (r"^This account is already (limited|suspended)$", "이미 조치된 계정입니다."), (r"^This account is not (limited|suspended)$", "조치되지 않은 계정입니다."), (r"^This account was deleted by its owner$", "주인이 삭제한 계정입니다."),
    (r"^Domain is not valid$", "도메인 형식이 올바르지 않습니다. (예: spam.example)"), (r"^This domain is already blocked$", "이미 차단한 도메인입니다."), (r"^Character limit must be a whole number from (\d+) to (\d+)$", "글자 수 제한은 {0}~{1} 사이의 정수여야 합니다."), (r"^Title can't be blank$", "서버 이름을 입력해 주세요."), (r"^(Title|Short description|Description|Contact email|Contact username) is too long \(maximum is (\d+)", "{1}자까지 쓸 수 있습니다."), (r"^Contact account not found$", "그 사용자 이름의 계정이 없습니다."), (r"^At most (\d+) rules$", "규칙은 {0}개까지 쓸 수 있습니다."), (r"^A rule is too long \(maximum is (\d+)", "규칙 하나는 {0}자까지 쓸 수 있습니다."), (r"^Registrations must be", "가입 방식을 골라 주세요."),
    (r"^Comment is too long \(maximum is (\d+)", "전할 말은 {0}자까지 쓸 수 있습니다."), (r"^Category must be one of", "문제의 종류를 골라 주세요."), (r"^Rule ids are invalid$", "규칙을 목록에서 골라 주세요."), (r"^You cannot report yourself$", "자기 자신은 신고할 수 없습니다."), (r"^A report can name at most (\d+) statuses$", "글은 {0}개까지 고를 수 있습니다."),
    # Profile fields, featured hashtags and pins (issue 15's profile pages)
    (r"^At most (\d+) profile fields$", "추가 정보는 {0}개까지 넣을 수 있습니다."),
    (r"^Profile fields must be at most (\d+) characters$", "추가 정보의 이름과 내용은 각각 {0}자까지 쓸 수 있습니다."),
    (r"^Profile fields must be text$", "추가 정보는 글자로 입력해 주세요."),
    (r"^Name is not a valid hashtag$", "올바른 해시태그가 아닙니다. 글자, 숫자, 밑줄(_)만 쓸 수 있습니다."),
    (r"^Name has already been taken$", "이미 추천한 해시태그입니다."),
    (r"^You cannot feature more than (\d+) hashtags$", "추천 해시태그는 {0}개까지 둘 수 있습니다."),
    (r"^You can pin at most (\d+) posts$", "글은 {0}개까지 고정할 수 있습니다. 다른 글의 고정을 먼저 풀어 주세요."),
    (r"^You can only pin your own posts$", "자신의 글만 고정할 수 있습니다."),
    (r"^Direct posts cannot be pinned$", "개인 메시지는 고정할 수 없습니다."),
    (r"^You cannot follow yourself$", "자기 자신은 팔로우할 수 없습니다."),
    (r"^You cannot follow this account$", "이 계정은 팔로우할 수 없습니다."),
    (r"^You cannot block yourself$", "자기 자신은 차단할 수 없습니다."),
    (r"^You cannot mute yourself$", "자기 자신은 뮤트할 수 없습니다."),
    (r"^Record not found$|not found", "찾을 수 없습니다."),
    (r"^This action is not allowed$", "이 글에는 할 수 없는 작업입니다."),
    (r"^(.+) is not a valid language code$", "{0}은(는) 올바른 언어 코드가 아닙니다."),
    (r"^Visibility must be one of", "공개 범위가 올바르지 않습니다."),
    (r"^Poll options can't be blank$", "투표 항목을 비워 둘 수 없습니다."), (r"^Poll options must have more than one item$", "투표 항목은 두 개 이상이어야 합니다."), (r"^Poll options can't contain more than (\d+) items$", "투표 항목은 {0}개까지 둘 수 있습니다."), (r"^Poll options cannot be longer than (\d+) characters each$", "투표 항목 하나는 {0}자까지 쓸 수 있습니다."), (r"^Poll options contain duplicate items$", "같은 투표 항목이 두 번 있습니다."), (r"^Poll expires at is too (soon|far)", "투표 기간을 목록에서 골라 주세요."), (r"^Cannot attach both files and a poll to one post$", "사진과 투표는 한 글에 함께 올릴 수 없습니다."), (r"^The poll has already ended$", "이미 끝난 투표입니다."), (r"^The chosen vote option does not exist$", "투표할 항목을 골라 주세요."), (r"^You cannot vote in your own polls$", "자신의 투표에는 참여할 수 없습니다."), (r"^You have already voted on this poll$", "이미 투표했습니다."), (r"^A reblog cannot be edited$", "부스트는 수정할 수 없습니다."),
    (r"^Validation failed: Name is not a recognized emoji$", "이모지 하나나 이 서버의 커스텀 이모지만 반응으로 남길 수 있습니다."),
    (r"^Validation failed: Limit of different reactions reached$", "이 공지에는 다른 반응을 더 남길 수 없습니다. 이미 있는 반응을 골라 주세요."),
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
            # 이(가) and 은(는) after the message's words become the forms those words take.
            return resolve_particles(korean.format(*match.groups()))
    return f"요청을 처리할 수 없습니다. ({message})"
