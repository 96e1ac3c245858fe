"""What a staff member may do with a draft now, for the pages to offer only those buttons
(the use cases check the same rules again and refuse the rest)."""

from __future__ import annotations

from madang.models.desk import StaffMember
from madang.models.office import OfficeDraft
from madang.office.roles import has_right


def draft_actions(draft: OfficeDraft, member: StaffMember, *, approval: bool) -> frozenset[str]:
    mine = draft.author_id == member.account_id
    write, approve = has_right(member, "write"), has_right(member, "approve")
    out: set[str] = set()
    if not write:
        return frozenset()
    if draft.state in ("draft", "returned") and mine:
        out |= {"edit", "cancel"}
        out.add("submit" if approval else "publish")
    if draft.state == "submitted":
        if mine:
            out |= {"edit", "cancel"}
        elif approve:
            out |= {"edit", "return", "cancel", "approve"}
        if not approval and (mine or approve):
            out.add("publish")
    if draft.state == "draft" and not mine and approve and not approval:
        out.add("publish")
    if draft.state == "scheduled" and (mine or approve):
        out |= {"move", "cancel"}
    return frozenset(out)
