"""Processing an accepted activity (the ``federation.receive`` job): origin checks, then the same
domain use cases the other surfaces call. Idempotent by activity and object id: a redelivery
changes nothing. Unit-free: fetching an author or a parent happens with no unit open."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select

from madang.accounts.follows import create_follow, remove_follow
from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.federation import fetching, followers_sync, forwarding, moves, outgoing, pins
from madang.federation.config import FederationConfig, config_of
from madang.federation.domain_policy import blocked_by_account, covered_by, suspended_hosts
from madang.federation.emoji import store_status_emojis
from madang.federation.parse import ParseError, RemoteNote, as_list, first_id, parse_note, same_origin
from madang.federation.remote_posts import MAX_ANCESTORS, NOTE_TYPES, local_account, post_of, status_for, store_post
from madang.federation.resolve import NotResolved, account_for_uri, fetch_object
from madang.federation.uris import local_status_id
from madang.text.lemmas import index_terms
from madang.jobs import batch_handler, enqueue, handler
from madang.models import Account, Favourite, Follow, FollowRequest, RemoteTombstone, Status
from madang.statuses.create import Site
from madang.statuses.delivery import INLINE_FOLLOWERS
from madang.statuses.remote import (
    delete_remote_status,
    find_status_by_uri,
    refresh_remote_poll,
    update_remote_status,
)

log = logging.getLogger(__name__)



class Dropped(Exception):
    """The activity is not taken (origin, relevance, shape); logged, never retried."""


@handler("federation.receive", unit=False)
async def receive(db: Any, payload: dict) -> None:
    [outcome] = await receive_batch(db, [payload])
    if outcome is not None:
        raise outcome


@batch_handler("federation.receive")
async def receive_batch(db: Any, payloads: list[dict]) -> list[BaseException | None]:
    """Several accepted activities in arrival order (decision 0041). A run of Creates of embedded
    Notes (the bulk of what arrives) is checked with one read and stored in one write unit;
    anything else goes through ``dispatch`` one by one, after the Creates before it."""
    config = config_of(db)
    outcomes: list[BaseException | None] = [None] * len(payloads)
    async with db.read() as session:
        ids = {int(p["signer_id"]) for p in payloads}
        signers = {a.id: a for a in await session.scalars(select(Account).where(Account.id.in_(ids)))}
    suspended = await suspended_hosts(db)  # a block made after the inbox took the activity
    creates: list[tuple[int, dict, Account]] = []
    for index, payload in enumerate(payloads):
        activity, signer = payload["activity"], signers.get(int(payload["signer_id"]))
        if signer is None:
            continue
        if covered_by(suspended, signer.domain):
            _dropped(activity, signer, Dropped("its domain is suspended here"))
            continue
        if not payload.get("sync") and not payload.get("forwarded") and _plain_create(activity, signer):
            creates.append((index, activity, signer))
            continue
        if creates:
            await _create_many(db, config, creates, outcomes)
            creates = []
        try:
            if payload.get("sync"):
                await followers_sync.check_header(db, config, signer, payload["sync"])
            if payload.get("forwarded"):
                await forwarding.receive_forwarded(db, config, activity, dispatch)
            else:
                await dispatch(db, config, activity, signer)
        except Dropped as exc:
            _dropped(activity, signer, exc)
        except Exception as exc:
            outcomes[index] = exc
    if creates:
        await _create_many(db, config, creates, outcomes)
    return outcomes


def _dropped(activity: dict, signer: Account, exc: Exception) -> None:
    log.info("activity %s from %s dropped: %s", activity.get("id"), signer.uri, exc)


async def dispatch(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    kind = activity.get("type")
    handlers = {"Follow": _follow, "Accept": _accept, "Reject": _reject, "Undo": _undo, "Create": _create,
                "Update": _update, "Delete": _delete, "Like": _like, "Announce": _announce, "Block": _block,
                "Flag": _flag, "Add": pins.receive_add, "Remove": pins.receive_remove, "Move": moves.receive_move}
    if actor.suspended_at is not None and kind not in ("Delete", "Undo", "Reject", "Update"):
        raise Dropped("the actor is suspended here")
    fn = handlers.get(kind)  # type: ignore[arg-type]
    if fn is not None:  # anything else was answered 202 and is ignored, as Mastodon does
        await fn(db, config, activity, actor)


# ---------------------------------------------------------------- follows

async def _follow(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    from madang.accounts.policies import blocked_either_way

    follow_id = activity.get("id")
    async with db.write() as session:
        target = await local_account(session, config, first_id(activity.get("object")))
        if target is None:
            raise Dropped("Follow of an unknown or non-local account")
        if target.suspended_at is not None or await blocked_either_way(session, actor.id, target.id) \
                or await blocked_by_account(session, target.id, actor.domain):
            await outgoing.send_reject_follow(session, config, target=target, follower=actor, follow=activity)
            return
        existing = await session.scalar(select(Follow).where(Follow.account_id == actor.id,
                                                             Follow.target_account_id == target.id))
        if existing is not None:
            existing.uri = follow_id  # a repeat Follow is accepted again (Mastodon)
            await outgoing.send_accept_follow(session, config, target=target, follower=actor, follow=activity)
            return
        if target.locked:
            request = await session.scalar(select(FollowRequest).where(FollowRequest.account_id == actor.id,
                                                                       FollowRequest.target_account_id == target.id))
            if request is None:
                request = FollowRequest(id=new_id(), account_id=actor.id, target_account_id=target.id,
                                        created_at=utcnow(), uri=follow_id)
                session.add(request)
                await session.flush()
                await enqueue(session, "notifications.follow_requested", {"follow_request_id": request.id})
            else:
                request.uri = follow_id
            return
        follow, created = await create_follow(session, follower=actor, target=target, show_reblogs=True, notify=False)
        follow.uri, follow.remote = follow_id, True
        await session.flush()
        if created:
            await enqueue(session, "notifications.followed", {"follow_id": follow.id})
        await outgoing.send_accept_follow(session, config, target=target, follower=actor, follow=activity)


async def _find_outgoing_follow(session: Any, config: FederationConfig, activity: dict,
                                actor: Account) -> tuple[Account | None, FollowRequest | Follow | None]:
    """The local account whose Follow of ``actor`` this Accept/Reject answers (by the Follow's
    id, or by the embedded Follow's actor, as Mastodon matches)."""
    obj = activity.get("object")
    follow_id = first_id(obj)
    row = None
    if follow_id:
        row = await session.scalar(select(FollowRequest).where(FollowRequest.uri == follow_id,
                                                               FollowRequest.target_account_id == actor.id))
        if row is None:
            row = await session.scalar(select(Follow).where(Follow.uri == follow_id,
                                                            Follow.target_account_id == actor.id))
    if row is None and isinstance(obj, dict):
        follower = await local_account(session, config, first_id(obj.get("actor")))
        if follower is not None:
            row = await session.scalar(select(FollowRequest).where(FollowRequest.account_id == follower.id,
                                                                   FollowRequest.target_account_id == actor.id))
    if row is None:
        return None, None
    return await session.get(Account, row.account_id), row


async def _accept(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    async with db.write() as session:
        follower, row = await _find_outgoing_follow(session, config, activity, actor)
        if not isinstance(row, FollowRequest) or follower is None:
            return
        follow, created = await create_follow(session, follower=follower, target=actor,
                                              show_reblogs=row.show_reblogs, notify=row.notify)
        follow.uri = row.uri
        await session.flush()
        if created:
            await enqueue(session, "timelines.merge_account", {"account_id": follower.id, "target_id": actor.id})


async def _reject(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    async with db.write() as session:
        follower, row = await _find_outgoing_follow(session, config, activity, actor)
        if follower is None:
            return
        await session.execute(delete(FollowRequest).where(FollowRequest.account_id == follower.id,
                                                          FollowRequest.target_account_id == actor.id))
        await remove_follow(session, follower=follower, target=actor)


async def _undo(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    obj = activity.get("object")
    kind = obj.get("type") if isinstance(obj, dict) else None
    undone_id = first_id(obj)
    async with db.write() as session:
        if kind == "Follow" or (kind is None and undone_id):
            target = await local_account(session, config, first_id(obj.get("object")) if isinstance(obj, dict) else None)
            if target is None and undone_id:
                row = await session.scalar(select(Follow).where(Follow.uri == undone_id, Follow.account_id == actor.id))
                target = await session.get(Account, row.target_account_id) if row else None
            if target is not None:
                await remove_follow(session, follower=actor, target=target)
                await session.execute(delete(FollowRequest).where(FollowRequest.account_id == actor.id,
                                                                  FollowRequest.target_account_id == target.id))
        if kind in ("Like", None) and undone_id:
            fav = await session.scalar(select(Favourite).where(Favourite.uri == undone_id,
                                                               Favourite.account_id == actor.id))
            if fav is None and isinstance(obj, dict):
                status_id = local_status_id(config.base_url, first_id(obj.get("object")) or "")
                if status_id:
                    fav = await session.scalar(select(Favourite).where(Favourite.account_id == actor.id,
                                                                       Favourite.status_id == status_id))
            if fav is not None:
                from madang.statuses.interactions import unfavourite_status

                status = await session.get(Status, fav.status_id)
                if status is not None:
                    await unfavourite_status(session, account=actor, status=status)
        if kind in ("Announce", None) and undone_id:
            boost = await find_status_by_uri(session, undone_id)
            if boost is not None and boost.account_id == actor.id and boost.reblog_of_id is not None:
                from madang.statuses.interactions import unreblog_status

                original = await session.get(Status, boost.reblog_of_id)
                if original is not None:
                    await unreblog_status(session, account=actor, status=original)
        if kind == "Block":
            target = await local_account(session, config, first_id(obj.get("object")))
            if target is not None:
                from madang.accounts.blocks import unblock_account

                await unblock_account(session, account=actor, target=target)


# ---------------------------------------------------------------- posts

async def _note_of(db: Any, config: FederationConfig, obj: Any, actor: Account) -> dict:
    """The object of a Create/Update: embedded when it comes from the actor's own server,
    else fetched from its origin (never trusted embedded, reference §6.3)."""
    uri = first_id(obj)
    if not uri:
        raise Dropped("no object id")
    if not same_origin(uri, actor.uri or ""):
        raise Dropped("the object is not on the actor's server")
    if isinstance(obj, dict) and obj.get("type"):
        return obj
    try:
        return await fetch_object(db, config, uri)
    except (NotResolved, fetching.FetchError) as exc:
        raise Dropped(str(exc)) from None


async def _relevant(db: Any, config: FederationConfig, note: RemoteNote, actor: Account,
                    has_follower: bool | None = None) -> bool:
    """Mastodon's rule: kept if a local account follows the author, is addressed or mentioned,
    or is replied to; anything else is not stored (spam stays out). ``has_follower``: already
    known by the caller."""
    if has_follower if has_follower is not None else await _has_local_follower(db, actor):
        return True
    addressed = [*note.to, *note.cc, *(h for h, _ in note.mentions)]
    if any(config.is_local(uri) for uri in addressed):
        return True
    if note.in_reply_to and config.is_local(note.in_reply_to):
        return True
    return await forwarding.responds_to_followed_account(db, note.in_reply_to)


async def _create(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    obj = activity.get("object")
    if isinstance(obj, list):  # GoToSocial puts a multiple-choice vote's Notes in one Create
        for item in obj[:20]:
            await _create(db, config, {**activity, "object": item}, actor)
        return
    if await _vote(db, config, obj, actor):
        return
    document = await _note_of(db, config, obj, actor)
    if document.get("type") not in NOTE_TYPES:
        return
    if first_id(document.get("attributedTo")) != actor.uri:
        raise Dropped("attributedTo is not the actor")
    async with db.read() as session:
        if await session.scalar(select(RemoteTombstone.id).where(RemoteTombstone.uri == document["id"])):
            raise Dropped("deleted before it arrived")
        if await find_status_by_uri(session, document["id"]) is not None:
            return
    try:
        note = parse_note(document, author_followers_uri=actor.followers_url)
    except ParseError as exc:
        raise Dropped(str(exc)) from None
    if not await _relevant(db, config, note, actor):
        raise Dropped("nobody here follows, is addressed or is replied to")
    post = await post_of(db, config, note)
    async with db.write() as session:
        status = await store_post(session, config, actor, post)
        await forwarding.forward_reply(session, config, activity, actor, status)


def _plain_create(activity: dict, actor: Account) -> bool:
    """A Create of one embedded Note-like object by a signer that is not suspended, and not a
    poll vote: the batched path (``_create_many``); anything else takes ``dispatch``."""
    obj = activity.get("object")
    return (activity.get("type") == "Create" and actor.suspended_at is None and isinstance(obj, dict)
            and obj.get("type") in NOTE_TYPES and isinstance(obj.get("id"), str)
            and not (obj.get("type") == "Note" and isinstance(obj.get("name"), str)))


@dataclass
class _Ready:
    index: int
    activity: dict
    actor: Account
    post: Any  # statuses.remote.RemotePost
    terms: frozenset[str]


async def _create_many(db: Any, config: FederationConfig, creates: list[tuple[int, dict, Account]],
                       outcomes: list[BaseException | None]) -> None:
    """``_create`` for a run of plain Creates: one read for what is tombstoned, already stored
    and followed here; each post prepared with no unit open; then one write unit for all. If
    that unit fails, each post is stored alone in its own unit, so one bad post neither loses
    the others nor (the uri being unique and checked) stores any of them twice."""
    checked: list[tuple[int, dict, Account]] = []
    for index, activity, actor in creates:
        document = activity["object"]
        if not same_origin(document["id"], actor.uri or ""):
            _dropped(activity, actor, Dropped("the object is not on the actor's server"))
        elif first_id(document.get("attributedTo")) != actor.uri:
            _dropped(activity, actor, Dropped("attributedTo is not the actor"))
        else:
            checked.append((index, activity, actor))
    if not checked:
        return
    uris = list({activity["object"]["id"] for _, activity, _ in checked})
    actor_ids = list({actor.id for _, _, actor in checked})
    async with db.read() as session:
        gone = set(await session.scalars(select(RemoteTombstone.uri).where(RemoteTombstone.uri.in_(uris))))
        known = set(await session.scalars(select(Status.uri).where(Status.uri.in_(uris))))
        followers = dict((await session.execute(
            select(Follow.target_account_id, func.count()).join(Account, Account.id == Follow.account_id)
            .where(Follow.target_account_id.in_(actor_ids), Account.domain.is_(None))
            .group_by(Follow.target_account_id))).all())
    ready: list[_Ready] = []
    for index, activity, actor in checked:
        uri = activity["object"]["id"]
        if uri in gone:
            _dropped(activity, actor, Dropped("deleted before it arrived"))
            continue
        if uri in known:
            continue  # a redelivery (or a second copy in this batch): stored once
        known.add(uri)
        try:
            note = parse_note(activity["object"], author_followers_uri=actor.followers_url)
            if not await _relevant(db, config, note, actor, has_follower=bool(followers.get(actor.id))):
                raise Dropped("nobody here follows, is addressed or is replied to")
            post = await post_of(db, config, note)
        except ParseError as exc:
            _dropped(activity, actor, Dropped(str(exc)))
            continue
        except Dropped as exc:
            _dropped(activity, actor, exc)
            continue
        except Exception as exc:
            outcomes[index] = exc
            continue
        ready.append(_Ready(index, activity, actor, post, frozenset(index_terms(post.text, post.spoiler_text))))

    async def store(session: Any, item: _Ready) -> None:
        status = await store_post(session, config, item.actor, item.post,
                                  small_audience=followers.get(item.actor.id, 0) <= INLINE_FOLLOWERS, terms=item.terms)
        await forwarding.forward_reply(session, config, item.activity, item.actor, status)

    try:
        async with db.write() as session:
            for item in ready:
                await store(session, item)
    except Exception as exc:
        if len(ready) == 1:
            outcomes[ready[0].index] = exc
            return
        log.warning("a batch of %d incoming posts failed to store; storing each alone", len(ready), exc_info=True)
        for item in ready:
            try:
                async with db.write() as session:
                    await store(session, item)
            except Exception as exc:
                outcomes[item.index] = exc


async def _update(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    obj = activity.get("object")
    if isinstance(obj, dict) and obj.get("type") in ("Person", "Service", "Organization", "Group", "Application"):
        if first_id(obj) != actor.uri:
            raise Dropped("an actor updates only itself")
        await account_for_uri(db, config, actor.uri or "", refresh=True)
        return
    document = await _note_of(db, config, obj, actor)
    if document.get("type") not in NOTE_TYPES or first_id(document.get("attributedTo")) != actor.uri:
        return
    try:
        note = parse_note(document, author_followers_uri=actor.followers_url)
    except ParseError as exc:
        raise Dropped(str(exc)) from None
    post = await post_of(db, config, note)
    async with db.write() as session:
        status = await find_status_by_uri(session, note.uri)
        if status is not None and status.account_id == actor.id:
            await update_remote_status(session, status=status, post=post)
            await store_status_emojis(session, config, author=actor, status=status, tags=post.emojis,
                                      poll_options=[t for t, _ in post.poll.options] if post.poll else ())
            if post.poll is not None:
                await refresh_remote_poll(session, status=status, spec=post.poll)
            await forwarding.forward_reply(session, config, activity, actor, status)


async def _delete(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    uri = first_id(activity.get("object"))
    if not uri or not same_origin(uri, actor.uri or ""):
        raise Dropped("a Delete of something on another server")
    async with db.write() as session:
        if uri == actor.uri:
            from madang.federation.remote_accounts import remove_remote_account

            await remove_remote_account(session, actor)
            return
        status = await find_status_by_uri(session, uri)
        if status is not None:
            if status.account_id != actor.id:
                raise Dropped("only the author deletes a post")
            await delete_remote_status(session, status=status)
            await forwarding.forward_reply(session, config, activity, actor, status)
        if await session.scalar(select(RemoteTombstone.id).where(RemoteTombstone.uri == uri)) is None:
            session.add(RemoteTombstone(id=new_id(), uri=uri, account_uri=actor.uri, created_at=utcnow()))


# ---------------------------------------------------------------- interactions

async def _like(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    status_id = local_status_id(config.base_url, first_id(activity.get("object")) or "")
    if status_id is None:
        return  # only likes of local posts matter here
    from madang.statuses.interactions import favourite_status

    async with db.write() as session:
        status = await session.get(Status, status_id)
        if status is None or status.deleted_at is not None or status.visibility == "direct":
            return
        exists = await session.scalar(select(Favourite).where(Favourite.account_id == actor.id,
                                                              Favourite.status_id == status.id))
        if exists is not None:
            return
        await favourite_status(session, account=actor, status=status)
        fav = await session.scalar(select(Favourite).where(Favourite.account_id == actor.id,
                                                           Favourite.status_id == status.id))
        if fav is not None:
            fav.uri = activity.get("id")


async def _announce(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    boost_uri = activity.get("id")
    object_uri = first_id(activity.get("object"))
    if not isinstance(boost_uri, str) or not object_uri:
        raise Dropped("an Announce needs an id and an object")
    original = await status_for(db, config, object_uri, depth=MAX_ANCESTORS)  # known or local only
    if original is None:
        if not any(config.is_local(u) for u in as_list(activity.get("to")) + as_list(activity.get("cc"))) and \
                not await _has_local_follower(db, actor):
            raise Dropped("nobody here follows the booster")
        original = await status_for(db, config, object_uri, depth=0)
    if original is None or original.visibility not in ("public", "unlisted") or original.deleted_at is not None:
        return
    from madang.statuses.interactions import reblog_status

    async with db.write() as session:
        if await find_status_by_uri(session, boost_uri) is not None:
            return
        original = await session.get(Status, original.id)
        boost = await reblog_status(session, site=Site(base_url=config.base_url, domain=config.host),
                                    account=actor, status=original, visibility="public")
        boost.uri, boost.url, boost.local = boost_uri, boost_uri, False


async def _has_local_follower(db: Any, actor: Account) -> bool:
    async with db.read() as session:
        return bool(await session.scalar(select(Follow.id).join(Account, Account.id == Follow.account_id)
                                         .where(Follow.target_account_id == actor.id, Account.domain.is_(None))
                                         .limit(1)))


async def _block(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    from madang.accounts.blocks import block_account

    async with db.write() as session:
        target = await local_account(session, config, first_id(activity.get("object")))
        if target is not None:
            await block_account(session, account=actor, target=target)


async def _flag(db: Any, config: FederationConfig, activity: dict, actor: Account) -> None:
    """A report from another server about a local account (and its posts): filed for the
    moderators as from that server's actor, unless its reports are rejected here."""
    from madang.moderation.domain_blocks import domain_block_for
    from madang.moderation.reports import MAX_COMMENT, file_report

    objects = [first_id(o) for o in as_list(activity.get("object"))]
    async with db.write() as session:
        block = await domain_block_for(session, actor.domain)
        if block is not None and (block.reject_reports or block.severity == "suspend"):
            raise Dropped("reports from this domain are rejected")
        target = None
        status_ids: list[int] = []
        for uri in objects:
            if not uri:
                continue
            account = await local_account(session, config, uri)
            if account is not None and target is None:
                target = account
            status_id = local_status_id(config.base_url, uri)
            if status_id is not None:
                status_ids.append(status_id)
        if target is None:
            raise Dropped("a Flag about no local account")
        content = activity.get("content") if isinstance(activity.get("content"), str) else ""
        await file_report(session, reporter=actor, target_account_id=target.id, status_ids=status_ids,
                          comment=content[:MAX_COMMENT], category="other")


async def _vote(db: Any, config: FederationConfig, obj: Any, actor: Account) -> bool:
    """A vote on a local poll: a Note with the option's ``name``, in reply to the Question, and
    no content (reference §3.5); counted once per voter and option, only before the end."""
    if not isinstance(obj, dict) or obj.get("type") != "Note" or not isinstance(obj.get("name"), str):
        return False
    status_id = local_status_id(config.base_url, first_id(obj.get("inReplyTo")) or "")
    if status_id is None or (isinstance(obj.get("content"), str) and obj["content"].strip()):
        return False
    if first_id(obj.get("attributedTo")) not in (None, actor.uri):
        raise Dropped("a vote is cast by its own actor only")
    from madang.core.errors import Invalid
    from madang.models import Poll, PollOption
    from madang.statuses.polls import vote_in_poll

    async with db.write() as session:
        poll = await session.scalar(select(Poll).where(Poll.status_id == status_id))
        if poll is None:
            return False
        position = await session.scalar(select(PollOption.position).where(
            PollOption.poll_id == poll.id, PollOption.title == obj["name"]))
        if position is None:
            raise Dropped("a vote for no option of the poll")
        try:
            await vote_in_poll(session, poll=poll, account=actor, choices=[position])
        except Invalid as exc:
            raise Dropped(str(exc)) from None
    return True
