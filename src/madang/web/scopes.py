"""What each OAuth scope lets an app do, in the reader's words, for the consent page."""

from __future__ import annotations

from madang.web import i18n
from madang.web.i18n import N_

_WHOLE = {
    "read": N_("계정 정보와 글 읽기"),
    "write": N_("글 쓰기와 계정 정보 바꾸기"),
    "follow": N_("팔로우, 차단, 뮤트 관리"),
    "push": N_("푸시 알림 받기"),
    "profile": N_("내 프로필 정보만 읽기"),
    "admin:read": N_("서버 관리 정보 읽기"),
    "admin:write": N_("서버 관리 작업하기"),
}
# The object of a granular scope (`read:statuses`, `write:media`…).
_OBJECTS = {
    "accounts": N_("계정 정보"), "blocks": N_("차단 목록"), "bookmarks": N_("북마크 목록"),
    "conversations": N_("개인 메시지 대화"), "favourites": N_("좋아요 표시"), "filters": N_("필터 설정"),
    "follows": N_("팔로우 관계"), "lists": N_("리스트 설정"), "media": N_("사진과 첨부 파일"), "mutes": N_("뮤트 목록"),
    "notifications": N_("받은 알림"), "reports": N_("신고 기록"), "search": N_("검색 결과"), "statuses": N_("게시물"),
}
_SENTENCES = {"read": N_("%(what)s 읽기"), "write": N_("%(what)s 쓰기와 바꾸기")}


def describe_scope(scope: str) -> str:
    """The scope in words; one not known here shows as it was asked (never hidden)."""
    if scope in _WHOLE:
        return i18n.gettext_(_WHOLE[scope])
    kind, _, what = scope.partition(":")
    sentence = _SENTENCES.get(kind)
    if sentence is not None and what in _OBJECTS:
        return i18n.gettext_(sentence, what=i18n.gettext_(_OBJECTS[what]))
    return scope


def describe_scopes(scopes: list[str]) -> list[tuple[str, str]]:
    return [(s, describe_scope(s)) for s in scopes]
