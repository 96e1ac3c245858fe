"""Polls: the rules of a poll, writing it with its status, voting, and loading results to show."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from madang.accounts.remote_followers import has_remote_followers
from madang.core.clock import utcnow
from madang.core.errors import Invalid, NotFound
from madang.core.ids import new_id
from madang.db.fast_select import FastSelect
from madang.jobs import enqueue
from madang.models import Account, Status
from madang.models.polls import Poll, PollOption, PollVote
from madang.statuses.queries import get_visible_status
from madang.text.counting import _graphemes
from madang.text.normalizing import normalize

# Mastodon's limits, as GET /api/v2/instance advertises them.
MAX_OPTIONS = 4
MAX_OPTION_CHARACTERS = 50
MIN_EXPIRATION = 300
MAX_EXPIRATION = 2_629_746
POLL_ENDED_JOB = "notifications.poll_ended"  # handled in madang.notifications, above this package


@dataclass(frozen=True)
class PollSpec:
    """A poll as its author asked for it (Mastodon's ``poll[...]`` parameters)."""

    options: tuple[str, ...]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False

    def as_params(self) -> dict[str, Any]:
        return {"options": list(self.options), "expires_in": self.expires_in, "multiple": self.multiple,
                "hide_totals": self.hide_totals}

    @classmethod
    def from_params(cls, data: dict[str, Any]) -> PollSpec:
        return cls(options=tuple(data["options"]), expires_in=int(data["expires_in"]),
                   multiple=bool(data.get("multiple")), hide_totals=bool(data.get("hide_totals")))


def check_poll(spec: PollSpec, *, media_ids: list[int] | None = None) -> PollSpec:
    """Mastodon's PollValidator, with its messages; options are kept as written (normalised)."""
    if media_ids:
        raise Invalid("Cannot attach both files and a poll to one post", field="poll")
    if any(not isinstance(o, str) for o in spec.options):
        raise Invalid("Poll options can't be blank", field="poll")
    options = tuple(normalize(o) for o in spec.options)
    if any(not o.strip() for o in options):
        raise Invalid("Poll options can't be blank", field="poll")
    if len(options) < 2:
        raise Invalid("Poll options must have more than one item", field="poll")
    if len(options) > MAX_OPTIONS:
        raise Invalid(f"Poll options can't contain more than {MAX_OPTIONS} items", field="poll")
    if any(_graphemes(o) > MAX_OPTION_CHARACTERS for o in options):
        raise Invalid(f"Poll options cannot be longer than {MAX_OPTION_CHARACTERS} characters each", field="poll")
    if len(set(options)) != len(options):
        raise Invalid("Poll options contain duplicate items", field="poll")
    if spec.expires_in < MIN_EXPIRATION:
        raise Invalid("Poll expires at is too soon", field="poll")
    if spec.expires_in > MAX_EXPIRATION:
        raise Invalid("Poll expires at is too far into the future", field="poll")
    return dataclasses.replace(spec, options=options)


_OPTION_ROWS = PollOption.__table__


async def create_poll(session: AsyncSession, *, status: Status, spec: PollSpec) -> Poll:
    """The poll of a status being written, in the status's transaction, and the job that
    tells its voters and author when it ends."""
    spec = check_poll(spec)
    now = utcnow()
    poll = Poll(id=new_id(), status_id=status.id, account_id=status.account_id, multiple=spec.multiple,
                hide_totals=spec.hide_totals, expires_at=now + timedelta(seconds=spec.expires_in),
                votes_count=0, voters_count=0, created_at=now)
    session.add(poll)
    await session.flush()
    await session.execute(_OPTION_ROWS.insert(), [
        {"poll_id": poll.id, "position": i, "title": title, "votes_count": 0} for i, title in enumerate(spec.options)])
    await enqueue(session, POLL_ENDED_JOB, {"poll_id": poll.id}, run_at=poll.expires_at)
    return poll


async def replace_poll(session: AsyncSession, *, status: Status, spec: PollSpec) -> Poll:
    """An edit's poll. As on Mastodon, changing the options or ``multiple`` starts the poll
    afresh (votes are dropped); the same options keep their votes and take the new end."""
    spec = check_poll(spec)
    poll = await session.scalar(select(Poll).where(Poll.status_id == status.id))
    if poll is not None:
        titles = list(await session.scalars(select(PollOption.title).where(PollOption.poll_id == poll.id)
                                            .order_by(PollOption.position)))
        if titles == list(spec.options) and poll.multiple == spec.multiple:
            poll.hide_totals = spec.hide_totals
            poll.expires_at = utcnow() + timedelta(seconds=spec.expires_in)
            await session.flush()
            await enqueue(session, POLL_ENDED_JOB, {"poll_id": poll.id}, run_at=poll.expires_at)
            return poll
        # Explicit deletes rather than relying on ON DELETE CASCADE being enforced everywhere.
        await session.execute(delete(PollVote).where(PollVote.poll_id == poll.id))
        await session.execute(delete(PollOption).where(PollOption.poll_id == poll.id))
        await session.execute(delete(Poll).where(Poll.id == poll.id).execution_options(synchronize_session=False))
    return await create_poll(session, status=status, spec=spec)


async def remove_poll(session: AsyncSession, *, status: Status) -> bool:
    """An edit that sends no poll takes the status's poll away, with its votes (as Mastodon);
    its end job then finds nothing. Returns whether there was one."""
    poll_id = await session.scalar(select(Poll.id).where(Poll.status_id == status.id))
    if poll_id is None:
        return False
    await session.execute(delete(PollVote).where(PollVote.poll_id == poll_id))
    await session.execute(delete(PollOption).where(PollOption.poll_id == poll_id))
    await session.execute(delete(Poll).where(Poll.id == poll_id).execution_options(synchronize_session=False))
    return True


async def poll_option_titles(session: AsyncSession, status_id: int) -> list[str] | None:
    """The status's poll options as written, in order; None without a poll (an edit's record)."""
    poll_id = await session.scalar(select(Poll.id).where(Poll.status_id == status_id))
    if poll_id is None:
        return None
    return list(await session.scalars(select(PollOption.title).where(PollOption.poll_id == poll_id)
                                      .order_by(PollOption.position)))


async def get_visible_poll(session: AsyncSession, poll_id: int, viewer_id: int | None) -> Poll:
    """A poll whose status the viewer may see; any other is "not found"."""
    poll = await session.get(Poll, poll_id)
    if poll is None:
        raise NotFound("Record not found")
    await get_visible_status(session, poll.status_id, viewer_id)
    return poll


def is_expired(poll: Any, now: datetime | None = None) -> bool:
    return poll.expires_at is not None and poll.expires_at <= (now or utcnow())


async def vote_in_poll(session: AsyncSession, *, poll: Poll, account: Account, choices: list[int]) -> Poll:
    """Mastodon's VoteService and VoteValidator, with their messages. One vote per account;
    on a multiple-choice poll more choices may follow, but never the same one twice."""
    # Votes of one poll take turns (PostgreSQL row lock; SQLite has one writer anyway), so
    # "already voted" is checked against every earlier vote.
    await session.execute(select(Poll.id).where(Poll.id == poll.id).with_for_update())
    if is_expired(poll):
        raise Invalid("The poll has already ended")
    option_count = int(await session.scalar(
        select(PollOption.position).where(PollOption.poll_id == poll.id).order_by(PollOption.position.desc())
        .limit(1)) or 0) + 1
    if not choices or any(c < 0 or c >= option_count for c in choices):
        raise Invalid("The chosen vote option does not exist")
    if poll.account_id == account.id:
        raise Invalid("You cannot vote in your own polls")
    earlier = set(await session.scalars(select(PollVote.choice).where(
        PollVote.poll_id == poll.id, PollVote.account_id == account.id)))
    chosen = list(dict.fromkeys(choices))
    if len(chosen) != len(choices) or (earlier and not poll.multiple) or (earlier & set(chosen)) \
            or (not poll.multiple and len(chosen) > 1):
        raise Invalid("You have already voted on this poll")
    now = utcnow()
    session.add_all([PollVote(id=new_id(), poll_id=poll.id, account_id=account.id, choice=c, created_at=now)
                     for c in chosen])
    await session.flush()  # the unique (poll, account, choice) refuses a racing duplicate here
    await session.execute(update(PollOption).where(PollOption.poll_id == poll.id, PollOption.position.in_(chosen))
                          .values(votes_count=PollOption.votes_count + 1).execution_options(synchronize_session=False))
    await session.execute(update(Poll).where(Poll.id == poll.id).values(
        votes_count=Poll.votes_count + len(chosen),
        voters_count=Poll.voters_count + (0 if earlier else 1)).execution_options(synchronize_session=False))
    await session.refresh(poll)
    local = await session.scalar(select(Status.local).where(Status.id == poll.status_id))
    if local is False and account.domain is None:
        # A remote poll: its server counts the votes; ours go there as Notes (federation).
        await enqueue(session, "federation.vote", {"poll_id": poll.id, "account_id": account.id, "choices": chosen})
    if local and (account.domain is not None or await _has_remote_voters(session, poll.id)
                  or await has_remote_followers(session, poll.account_id)) \
            and not await _counts_queued(session, poll.status_id):
        # New counts go out as an Update of the Question when another server takes part (a
        # remote voter or follower). Votes within 5 s share one Update.
        await enqueue(session, POLL_COUNTS_JOB, {"status_id": poll.status_id}, delay=5)
    return poll


POLL_COUNTS_JOB = "federation.poll_counts"


async def _counts_queued(session: AsyncSession, status_id: int) -> bool:
    """An Update of this poll's counts already waits (few such jobs are ever pending at once)."""
    from madang.models import Job

    payloads = await session.scalars(select(Job.payload).where(Job.name == POLL_COUNTS_JOB, Job.state == "pending"))
    return any(p.get("status_id") == status_id for p in payloads)


async def _has_remote_voters(session: AsyncSession, poll_id: int) -> bool:
    return await session.scalar(select(PollVote.id).join(Account, Account.id == PollVote.account_id)
                                .where(PollVote.poll_id == poll_id, Account.domain.is_not(None)).limit(1)) is not None


async def list_voter_ids(session: AsyncSession, poll_id: int) -> list[int]:
    return list(await session.scalars(select(PollVote.account_id).where(PollVote.poll_id == poll_id).distinct()))


async def has_poll(session: AsyncSession, status_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(Poll.status_id == status_id))))


@dataclass
class PollView:
    """A poll as one viewer sees it now (counts change without its status changing)."""

    id: int
    status_id: int
    account_id: int
    expires_at: datetime
    multiple: bool
    hide_totals: bool
    votes_count: int
    voters_count: int
    options: list[tuple[str, int]] = field(default_factory=list)
    # The viewer's choices; None when nobody is signed in.
    own_votes: list[int] | None = None
    viewer_id: int | None = None


_IDS = bindparam("ids", expanding=True)
_P = Poll.__table__.c
# One statement per page: the polls, their options, and whether the viewer chose each option
# (no viewer binds NULL, which matches no vote).
POLLS = FastSelect(
    select(_P.id, _P.status_id, _P.account_id, _P.expires_at, _P.multiple, _P.hide_totals, _P.votes_count,
           _P.voters_count, PollOption.position, PollOption.title, PollOption.votes_count.label("option_votes"),
           PollVote.id.label("mine"))
    .join(PollOption, PollOption.poll_id == _P.id)
    .outerjoin(PollVote, and_(PollVote.poll_id == _P.id, PollVote.choice == PollOption.position,
                              PollVote.account_id == bindparam("viewer")))
    .where(_P.status_id.in_(_IDS)).order_by(_P.id, PollOption.position), name="PollRow", lists=["ids"])


async def load_polls(session: AsyncSession, status_ids: list[int], viewer_id: int | None) -> dict[int, PollView]:
    """The polls of these statuses (by status id), as ``viewer_id`` sees them."""
    polls: dict[int, PollView] = {}
    for r in await POLLS.all(session, {"ids": status_ids, "viewer": viewer_id}):
        view = polls.get(r.status_id)
        if view is None:
            view = polls[r.status_id] = PollView(
                id=r.id, status_id=r.status_id, account_id=r.account_id, expires_at=r.expires_at,
                multiple=bool(r.multiple), hide_totals=bool(r.hide_totals), votes_count=r.votes_count,
                voters_count=r.voters_count, viewer_id=viewer_id, own_votes=[] if viewer_id is not None else None)
        view.options.append((r.title, r.option_votes))
        if r.mine is not None and view.own_votes is not None:
            view.own_votes.append(r.position)
    return polls


async def load_poll(session: AsyncSession, poll: Poll, viewer_id: int | None) -> PollView:
    return (await load_polls(session, [poll.status_id], viewer_id))[poll.status_id]
