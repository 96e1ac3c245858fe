"""A refused page says which role it needs (core.errors.Forbidden.needs), in the reader's
language: "이 페이지는 민원 총괄 또는 서버 관리자 권한이 필요합니다." The labels are the
domain's (desk.organisations.NEEDED_LABELS), marked here for the English catalog."""

from __future__ import annotations

from madang.web.i18n import N_, gettext_

ROLE_NAMES = {
    "office_admin": N_("민원 총괄"), "triager": N_("분류 담당"), "officer": N_("부서 담당자"), "read_only": N_("열람"),
    "publisher": N_("게시 담당"), "approver": N_("승인 담당"), "responder": N_("응대 담당"),
    "staff": N_("기관 직원"), "instance_admin": N_("서버 관리자"),
}


def roles_text(needs: tuple[str, ...]) -> str:
    return gettext_(" 또는 ").join(gettext_(ROLE_NAMES[r]) if r in ROLE_NAMES else r for r in needs)


def needs_message(needs: tuple[str, ...], *, page: bool) -> str:
    """``page``: a page was asked for (GET); otherwise an action (a form sent)."""
    if page:
        return gettext_("이 페이지는 %(roles)s 권한이 필요합니다.", roles=roles_text(needs))
    return gettext_("이 작업은 %(roles)s 권한이 필요합니다.", roles=roles_text(needs))
