"""Local changes going out: job handlers (enqueued by name by the domain packages below, in the
change's own transaction) render the activity from committed rows and write delivery jobs."""

from __future__ import annotations


from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.federation import render
from madang.federation.addressing import addressing
from madang.federation.config import FederationConfig, config_of
from madang.federation.delivery import enqueue_delivery, followers_sync_headers
from madang.federation.documents import actor_of, status_parts
from madang.federation.keys import get_or_create_actor_key
from madang.federation.reach import reach_inboxes
from madang.jobs import handler
from madang.models import Account, Follow, FollowRequest, Mention, Status


def _uri(account: Account, config: FederationConfig) -> str:
    return account.uri or f"{config.base_url}/users/{account.username}"


def _inbox(account: Account) -> str | None:
    return account.shared_inbox_url or account.inbox_url


async def _send(session: AsyncSession, config: FederationConfig, activity: dict, sender: Account,
                inboxes: list[str | None], *, sync_followers: bool = False) -> None:
    wanted = [i for i in inboxes if i]
    if not wanted or not config.enabled:
        return
    await get_or_create_actor_key(session, sender.id)
    sync = None
    if sync_followers and sender.followers_count < SYNC_FOLLOWERS_MAX:
        # FEP-8fcf, as Mastodon sends it with followers-only posts: each server can check that
        # its list of this account's followers there matches ours, and repair it.
        actor = _uri(sender, config)
        sync = followers_sync_headers(collection_id=f"{actor}/followers", url=f"{actor}/followers_synchronization",
                                      follower_uris=await remote_follower_uris(session, sender.id), inboxes=wanted)
    await enqueue_delivery(session, activity=activity, account_id=sender.id, inboxes=wanted,
                           local_prefix=config.base_url, followers_sync=sync)


SYNC_FOLLOWERS_MAX = 25_000  # Mastodon's limit for sending the header


async def remote_follower_uris(session: AsyncSession, account_id: int, domain: str | None = None) -> list[str]:
    query = (select(Account.uri).join(Follow, Follow.account_id == Account.id)
             .where(Follow.target_account_id == account_id, Follow.remote.is_(True), Account.uri.is_not(None)))
    if domain is not None:
        query = query.where(Account.domain == domain)
    return [u for u in await session.scalars(query) if u]


async def follower_inboxes(session: AsyncSession, account_id: int) -> list[str]:
    rows = await session.execute(
        select(Account.shared_inbox_url, Account.inbox_url).join(Follow, Follow.account_id == Account.id)
        .where(Follow.target_account_id == account_id, Follow.remote.is_(True), Account.domain.is_not(None)))
    return sorted({shared or inbox for shared, inbox in rows if shared or inbox})


async def _mentioned(session: AsyncSession, status_id: int) -> list[Account]:
    return list(await session.scalars(select(Account).join(Mention, Mention.account_id == Account.id)
                                      .where(Mention.status_id == status_id, Account.domain.is_not(None))))


async def audience(session: AsyncSession, status: Status) -> list[str]:
    """Where a post goes: remote followers (not for direct posts), remote mentioned accounts,
    and the remote author it replies to."""
    inboxes = [] if status.visibility == "direct" else await follower_inboxes(session, status.account_id)
    inboxes += [a.inbox_url for a in await _mentioned(session, status.id) if a.inbox_url]
    if status.in_reply_to_account_id is not None:
        parent_author = await session.get(Account, status.in_reply_to_account_id)
        if parent_author is not None and parent_author.domain is not None and status.visibility != "direct":
            inboxes.append(parent_author.inbox_url or "")
    return [i for i in inboxes if i]


async def answer_follow(session: AsyncSession, config: FederationConfig, *, target: Account, follower: Account,
                        follow: dict, accepted: bool) -> None:
    """Accept or Reject of a remote Follow, carrying the Follow as it came (Mastodon matches by it)."""
    kind, make = ("accepts", render.accept) if accepted else ("rejects", render.reject)
    actor = _uri(target, config)
    activity = make(_follow_doc(follow), actor, activity_id=f"{actor}#{kind}/follows/{new_id()}")
    await _send(session, config, activity, target, [follower.inbox_url])


async def send_accept_follow(session: AsyncSession, config: FederationConfig, *, target: Account,
                             follower: Account, follow: dict) -> None:
    await answer_follow(session, config, target=target, follower=follower, follow=follow, accepted=True)


async def send_reject_follow(session: AsyncSession, config: FederationConfig, *, target: Account,
                             follower: Account, follow: dict) -> None:
    await answer_follow(session, config, target=target, follower=follower, follow=follow, accepted=False)


def _follow_doc(follow: dict) -> dict:
    return {k: follow[k] for k in ("id", "type", "actor", "object") if k in follow}


@handler("federation.status_created")
async def status_created(session: AsyncSession, payload: dict) -> None:
    config = config_of(session)
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or status.deleted_at is not None or not status.local:
        return
    author = await session.get(Account, status.account_id)
    if author is None:
        return
    if status.reblog_of_id is not None:
        original = await session.get(Status, status.reblog_of_id)
        if original is None:
            return
        followers = f"{_uri(author, config)}/followers"
        to, cc = addressing(status.visibility, followers_uri=followers, mention_uris=[])
        original_author = await session.get(Account, original.account_id)
        cc = [*cc, *([original_author.uri] if original_author and original_author.uri else [])]
        activity = render.announce(status.uri or "", _uri(author, config), original.uri or "", to=to, cc=cc,
                                   published_iso=status.created_at.isoformat().replace("+00:00", "Z"))
        inboxes = await follower_inboxes(session, author.id)
        if original_author is not None and original_author.domain is not None:
            inboxes.append(original_author.inbox_url or "")
        await _send(session, config, activity, author, inboxes)
        return
    note = await status_parts(session, status, author, config)
    await _send(session, config, render.create(note, _uri(author, config)), author, await audience(session, status),
                sync_followers=status.visibility == "private")


@handler("federation.status_updated")
async def status_updated(session: AsyncSession, payload: dict) -> None:
    config = config_of(session)
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or status.deleted_at is not None or not status.local or status.edited_at is None:
        return
    author = await session.get(Account, status.account_id)
    note = await status_parts(session, status, author, config)  # type: ignore[arg-type]
    activity = render.update(note, _uri(author, config), updated_iso=status.edited_at.isoformat().replace("+00:00", "Z"))  # type: ignore[arg-type]
    # Everyone who saw it sees the edit: boosters, favouriters and repliers too (decision 0042).
    inboxes = await audience(session, status) + await reach_inboxes(session, status, unsafe=False)
    await _send(session, config, activity, author, inboxes)  # type: ignore[arg-type]


@handler("federation.status_deleted")
async def status_deleted(session: AsyncSession, payload: dict) -> None:
    config = config_of(session)
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or not status.local:
        return
    author = await session.get(Account, status.account_id)
    if author is None:
        return
    actor = _uri(author, config)
    if status.reblog_of_id is not None:
        original = await session.get(Status, status.reblog_of_id)
        announce = render.announce(status.uri or "", actor, (original.uri if original else "") or "",
                                   to=[], cc=[], published_iso=status.created_at.isoformat().replace("+00:00", "Z"))
        activity = render.undo(announce, actor, activity_id=f"{status.uri}#undo")
    else:
        to, cc = addressing(status.visibility, followers_uri=f"{actor}/followers",
                            mention_uris=[a.uri for a in await _mentioned(session, status.id) if a.uri])
        activity = render.delete(status.uri or "", actor, to=to, cc=cc)
    inboxes = await audience(session, status)
    if status.reblog_of_id is None:
        # Every server that saw the post (decision 0042); its boosts are gone by now, so the
        # deletion's unit named their authors in the payload.
        inboxes += await reach_inboxes(session, status, unsafe=True,
                                       booster_ids=[int(i) for i in payload.get("booster_ids") or []])
    await _send(session, config, activity, author, inboxes)


@handler("federation.follow")
async def follow(session: AsyncSession, payload: dict) -> None:
    """A local account asks to follow a remote one: the request's id is the Follow's id."""
    config = config_of(session)
    request = await session.get(FollowRequest, int(payload["follow_request_id"]))
    if request is None:
        return
    follower = await session.get(Account, request.account_id)
    target = await session.get(Account, request.target_account_id)
    if follower is None or target is None or target.domain is None:
        return
    request.uri = request.uri or f"{config.base_url}/follows/{request.id}"
    activity = render.follow(request.uri, _uri(follower, config), target.uri or "")
    await _send(session, config, activity, follower, [target.inbox_url])


@handler("federation.unfollow")
async def unfollow(session: AsyncSession, payload: dict) -> None:
    config = config_of(session)
    follower = await session.get(Account, int(payload["account_id"]))
    target = await session.get(Account, int(payload["target_id"]))
    if follower is None or target is None or target.domain is None:
        return
    follow_uri = payload.get("uri") or f"{config.base_url}/follows/{new_id()}"
    follow_doc = render.follow(follow_uri, _uri(follower, config), target.uri or "")
    activity = render.undo(follow_doc, _uri(follower, config), activity_id=f"{follow_uri}/undo")
    await _send(session, config, activity, follower, [target.inbox_url])


@handler("federation.follow_answered")
async def follow_answered(session: AsyncSession, payload: dict) -> None:
    """A local locked account accepted or rejected a remote account's request."""
    config = config_of(session)
    target = await session.get(Account, int(payload["account_id"]))
    requester = await session.get(Account, int(payload["requester_id"]))
    if target is None or requester is None or requester.domain is None:
        return
    follow_doc = render.follow(payload.get("uri") or f"{requester.uri}#follows/{new_id()}", requester.uri or "",
                               _uri(target, config))
    await answer_follow(session, config, target=target, follower=requester, follow=follow_doc,
                        accepted=bool(payload.get("accepted")))


@handler("federation.favourited")
async def favourited(session: AsyncSession, payload: dict) -> None:
    config = config_of(session)
    account = await session.get(Account, int(payload["account_id"]))
    status = await session.get(Status, int(payload["status_id"]))
    if account is None or status is None or status.local:
        return
    author = await session.get(Account, status.account_id)
    like_id = f"{_uri(account, config)}#likes/{payload.get('favourite_id') or new_id()}"
    activity = render.like(like_id, _uri(account, config), status.uri or "")
    if payload.get("undo"):
        activity = render.undo(activity, _uri(account, config), activity_id=f"{like_id}/undo")
    await _send(session, config, activity, account, [author.inbox_url if author else None])


@handler("federation.profile_updated")
async def profile_updated(session: AsyncSession, payload: dict) -> None:
    config = config_of(session)
    account = await session.get(Account, int(payload["account_id"]))
    if account is None or account.domain is not None:
        return
    key = await get_or_create_actor_key(session, account.id)
    document = actor_of(account, config, key.public_pem)
    await _send(session, config, render.update_actor(document), account, await follower_inboxes(session, account.id))


@handler("federation.blocked")
async def blocked(session: AsyncSession, payload: dict) -> None:
    config = config_of(session)
    account = await session.get(Account, int(payload["account_id"]))
    target = await session.get(Account, int(payload["target_id"]))
    if account is None or target is None or target.domain is None:
        return
    block_id = f"{_uri(account, config)}#blocks/{payload['target_id']}"
    activity = render.block(block_id, _uri(account, config), target.uri or "")
    if payload.get("undo"):
        activity = render.undo(activity, _uri(account, config), activity_id=f"{block_id}/undo")
    await _send(session, config, activity, account, [target.inbox_url])




@handler("federation.unboosted")
async def unboosted(session: AsyncSession, payload: dict) -> None:
    """A local boost undone (its row is gone): Undo Announce to where the Announce went."""
    config = config_of(session)
    account = await session.get(Account, int(payload["account_id"]))
    original = await session.get(Status, int(payload["original_id"]))
    if account is None or original is None or not payload.get("boost_uri"):
        return
    actor = _uri(account, config)
    announce = render.announce(payload["boost_uri"], actor, original.uri or "", to=[], cc=[],
                               published_iso=original.created_at.isoformat().replace("+00:00", "Z"))
    inboxes = await follower_inboxes(session, account.id)
    if not original.local:
        author = await session.get(Account, original.account_id)
        inboxes.append(author.inbox_url if author and author.inbox_url else "")
    await _send(session, config, render.undo(announce, actor, activity_id=f"{payload['boost_uri']}#undo"),
                account, inboxes)


@handler("federation.account_deleted")
async def account_deleted(session: AsyncSession, payload: dict) -> None:
    """A local account deleted itself: one Delete of the actor to every server that knew it."""
    config = config_of(session)
    account = await session.get(Account, int(payload["account_id"]))
    if account is None:
        return
    await _send(session, config, render.delete_actor(_uri(account, config)), account, list(payload.get("inboxes") or []))


@handler("federation.flag")
async def flag(session: AsyncSession, payload: dict) -> None:
    """A report forwarded to the reported account's server, as a Flag from the instance actor
    (the reporter stays unnamed): the account and the reported posts, and the comment."""
    from madang.models import Report

    config = config_of(session)
    report = await session.get(Report, int(payload["report_id"]))
    if report is None or not report.forwarded:
        return
    target = await session.get(Account, report.target_account_id)
    if target is None or target.domain is None or not target.inbox_url:
        return
    uris = [target.uri or ""]
    if report.status_ids:
        uris += [u for u in await session.scalars(select(Status.uri).where(Status.id.in_(report.status_ids))) if u]
    activity = render.flag(f"{config.base_url}/reports/{report.id}", config.instance_actor_uri, uris,
                           report.comment or "")
    await get_or_create_actor_key(session, None)
    await enqueue_delivery(session, activity=activity, account_id=None, inboxes=[target.inbox_url],
                           local_prefix=config.base_url)


@handler("federation.vote")
async def vote(session: AsyncSession, payload: dict) -> None:
    """A local vote on a remote poll: one Note per chosen option, to the poll's author only."""
    from madang.models import Poll, PollOption

    config = config_of(session)
    poll = await session.get(Poll, int(payload["poll_id"]))
    account = await session.get(Account, int(payload["account_id"]))
    if poll is None or account is None:
        return
    status = await session.get(Status, poll.status_id)
    author = await session.get(Account, poll.account_id)
    if status is None or author is None or author.domain is None or not author.inbox_url:
        return
    titles = dict((await session.execute(select(PollOption.position, PollOption.title)
                                         .where(PollOption.poll_id == poll.id))).all())
    voter = _uri(account, config)
    for choice in payload.get("choices") or []:
        if choice not in titles:
            continue
        activity = render.vote(f"{voter}#votes/{poll.id}/{choice}", voter, question_uri=status.uri or "",
                               poll_author_uri=author.uri or "", choice=titles[choice],
                               published_iso=render.iso(status.created_at))
        await _send(session, config, activity, account, [author.inbox_url])


@handler("federation.poll_counts")
async def poll_counts(session: AsyncSession, payload: dict) -> None:
    """A local poll's new counts, as an Update of the Question, to its audience and the remote
    voters' servers."""
    from madang.models import PollVote, Poll

    config = config_of(session)
    status = await session.get(Status, int(payload["status_id"]))
    if status is None or status.deleted_at is not None or not status.local:
        return
    author = await session.get(Account, status.account_id)
    if author is None:
        return
    note = await status_parts(session, status, author, config)
    poll = await session.scalar(select(Poll).where(Poll.status_id == status.id))
    voters = [] if poll is None else list(await session.execute(
        select(Account.shared_inbox_url, Account.inbox_url).join(PollVote, PollVote.account_id == Account.id)
        .where(PollVote.poll_id == poll.id, Account.domain.is_not(None)).distinct()))
    inboxes = await audience(session, status) + [shared or inbox for shared, inbox in voters if shared or inbox]
    activity = render.update(note, _uri(author, config), updated_iso=render.iso(utcnow()))
    await _send(session, config, activity, author, inboxes)
