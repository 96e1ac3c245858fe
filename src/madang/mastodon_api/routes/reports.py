"""Reports: a user tells the moderators about an account and some of its statuses."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from madang import moderation
from madang.core.errors import NotFound
from madang.mastodon_api.auth import require_user
from madang.mastodon_api.params import Params, read_params
from madang.mastodon_api.problems import ApiProblem, UnprocessableEntity
from madang.mastodon_api.responses import JSON
from madang.mastodon_api.routes.common import base_url, ctx
from madang.mastodon_api.serializers.reports import report_json

router = APIRouter()


def _ids(params: Params, name: str) -> list[int]:
    """An id that is not a number names no record, as Mastodon's find answers: 404."""
    try:
        return params.ids(name)
    except ApiProblem:
        raise NotFound("Record not found") from None


@router.post("/api/v1/reports")
async def create(request: Request) -> Response:
    _, me = await require_user(request, "write:reports")
    params = await read_params(request)
    if params.raw("account_id") in (None, ""):
        raise UnprocessableEntity("account_id is missing", field="account_id")
    account_id = _ids(params, "account_id")
    if len(account_id) != 1:
        raise UnprocessableEntity("account_id must be one id", field="account_id")
    try:
        rule_ids = params.ids("rule_ids")
    except ApiProblem:
        raise UnprocessableEntity("Rule ids are invalid", field="rule_ids") from None
    fields = {"status_ids": _ids(params, "status_ids"), "comment": params.str("comment"),
              "category": params.str("category"), "rule_ids": rule_ids, "forward": bool(params.bool("forward"))}
    async with ctx(request).db.write() as session:
        report, target = await moderation.file_report(session, reporter=me, target_account_id=account_id[0], **fields)
    return JSON(report_json(report, target, base_url(request)))
