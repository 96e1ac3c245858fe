"""The demo city, read from ``city.toml`` beside this module: 안양시 in July 2010, built from the
cast of the seed article (the city's ``@anyanglove``, the mayor silent for 41 days, about fifty
citizens, the city's 민원 desk and its Open311 services).

The content is data, edited in the TOML file; this module only reads it into frozen records and
checks the references the loader relies on. Times are relative (``days_ago`` and a Seoul
``at`` time), turned into ``ago``: how long before the demo's "today" (15:00 Seoul time on the
day it is loaded) something happened. No imports from the rest of madang, no randomness.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

__all__ = [
    "CITY",
    "CITIZEN_PASSWORD",
    "CITY_USERNAME",
    "MAYOR_USERNAME",
    "DemoAccount",
    "DemoCity",
    "DemoFavourite",
    "DemoFollow",
    "DemoLogin",
    "DemoMedia",
    "DemoPost",
    "DemoReblog",
    "DemoService",
    "DemoStaff",
    "load_city",
    "season_of",
]

DATA_FILE = "city.toml"
IMAGES = "images"  # the folder, beside this module, that avatars and photos are read from
SEASONS = ("spring", "summer", "autumn", "winter")
# The demo's "today" is 15:00 in Seoul; `at` times are placed relative to it.
TODAY_MINUTES = 15 * 60


@dataclass(frozen=True)
class DemoAccount:
    username: str  # [a-z0-9_], 1-30
    display_name: str
    note: str  # plain text bio
    email: str  # @example.org / @anyang.example addresses only
    password: str
    organisation: bool = False
    verified: bool = False
    locked: bool = False
    bot: bool = False
    admin: bool = False  # an instance admin (/admin)
    avatar: str | None = None  # an image file under images/


@dataclass(frozen=True)
class DemoMedia:
    file: str  # an image file under images/
    description: str


@dataclass(frozen=True)
class DemoPost:
    key: str  # unique id within the demo, e.g. "city-welcome"
    author: str  # username
    text: str  # <= 140 characters counted as graphemes, URLs count 23; the summer text when seasonal
    ago: timedelta  # how long before the demo's "today" it was posted
    in_reply_to: str | None = None  # key of the post replied to
    visibility: str = "public"  # public | unlisted | private | direct
    spoiler_text: str = ""
    # The same news told in the other seasons: (season, text) for spring, autumn and winter.
    seasons: tuple[tuple[str, str], ...] = ()
    media: tuple[DemoMedia, ...] = ()

    def text_on(self, day: date) -> str:
        """The text for a post that lands on ``day`` (a Seoul date)."""
        return dict(self.seasons).get(season_of(day), self.text)


@dataclass(frozen=True)
class DemoFollow:
    follower: str
    followee: str


@dataclass(frozen=True)
class DemoFavourite:
    account: str
    post: str  # post key


@dataclass(frozen=True)
class DemoReblog:
    account: str
    post: str  # post key
    ago: timedelta


@dataclass(frozen=True)
class DemoStaff:
    username: str
    role: str  # desk role: office_admin | triager | officer | read_only
    department: str | None = None  # department code (officers)
    office_role: str | None = None  # publisher | approver | responder | read_only


@dataclass(frozen=True)
class DemoService:
    code: str
    name: str
    department: str  # department code
    group: str
    description: str
    notice: str
    attributes: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    who: str  # display name and what the account is in the demo
    opens: tuple[str, ...] = ()  # the pages README says this login opens


@dataclass(frozen=True)
class DemoCity:
    accounts: tuple[DemoAccount, ...]
    follows: tuple[DemoFollow, ...]
    posts: tuple[DemoPost, ...]  # in chronological order (largest `ago` first)
    favourites: tuple[DemoFavourite, ...]
    reblogs: tuple[DemoReblog, ...]
    logins: tuple[str, ...]  # the citizens' side of the logins `madang demo logins` prints
    city: str = ""  # the city's username
    mayor: str = ""
    departments: tuple[tuple[str, str], ...] = ()  # (code, name)
    staff: tuple[DemoStaff, ...] = ()
    approval_required: bool = False
    published_numbers: tuple[str, ...] = ()  # the city's own contacts, never masked (decision 0028)
    services: tuple[DemoService, ...] = ()
    opens: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (username, pages) for the printed logins

    def printed_logins(self) -> tuple[DemoLogin, ...]:
        """Every login `madang demo logins` prints: the city, citizens and mayor, then the city's
        staff, then the instance admins."""
        by_name = {a.username: a for a in self.accounts}
        opens = dict(self.opens)
        rows = [(n, by_name[n].display_name) for n in self.logins]
        for s in self.staff:
            role = s.role + (f" {s.department}" if s.department else "") + (f", {s.office_role}" if s.office_role else "")
            rows.append((s.username, f"{by_name[s.username].display_name} (staff: {role})"))
        rows += [(a.username, f"{a.display_name} (instance admin)") for a in self.accounts if a.admin]
        return tuple(DemoLogin(n, by_name[n].password, who, opens.get(n, ())) for n, who in rows)


def season_of(day: date) -> str:
    """Meteorological seasons, as Korean forecasts use them: spring is March to May."""
    return SEASONS[(day.month % 12) // 3 - 1] if day.month not in (12, 1, 2) else "winter"


def _ago(days_ago: int, at: str) -> timedelta:
    hours, _, minutes = at.partition(":")
    return timedelta(days=days_ago, minutes=TODAY_MINUTES - (int(hours) * 60 + int(minutes)))


def _account(row: dict[str, Any], citizen_password: str) -> DemoAccount:
    return DemoAccount(
        username=row["username"], display_name=row["display_name"], note=row.get("note", ""),
        email=row.get("email", f"{row['username']}@example.org"), password=row.get("password", citizen_password),
        organisation=row.get("organisation", False), verified=row.get("verified", False),
        locked=row.get("locked", False), bot=row.get("bot", False), admin=row.get("admin", False),
        avatar=row.get("avatar"),
    )


def _follows(data: dict[str, Any], city: str, mayor: str, accounts: tuple[DemoAccount, ...]) -> tuple[DemoFollow, ...]:
    f = data["follows"]
    citizens = [a.username for a in accounts if a.username not in (city, mayor) and not a.admin]
    pairs = [(mayor, n) for n in f["mayor_follows"]] + [(city, n) for n in f["city_follows"]]
    pairs += [(n, city) for n in citizens if n not in set(f["not_following_city"])]
    pairs += [(n, mayor) for n in f["following_mayor"]]
    pairs += [tuple(p) for p in f["between"]]
    seen: set[tuple[str, str]] = set()
    follows = []
    for follower, followee in pairs:
        if follower != followee and (follower, followee) not in seen:
            seen.add((follower, followee))
            follows.append(DemoFollow(follower, followee))
    return tuple(follows)


def _post(row: dict[str, Any]) -> DemoPost:
    seasons = row.get("seasons", {})
    unknown = set(seasons) - set(SEASONS)
    if unknown:
        raise ValueError(f"post {row['key']}: unknown seasons {sorted(unknown)}")
    return DemoPost(
        key=row["key"], author=row["author"], text=row["text"], ago=_ago(row["days_ago"], row["at"]),
        in_reply_to=row.get("in_reply_to"), visibility=row.get("visibility", "public"),
        spoiler_text=row.get("spoiler_text", ""), seasons=tuple(sorted(seasons.items())),
        media=tuple(DemoMedia(m["file"], m.get("description", "")) for m in row.get("media", [])),
    )


def load_city(text: str | None = None) -> DemoCity:
    """The city from ``text`` (TOML), or from the packaged ``city.toml``."""
    if text is None:
        text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    data = tomllib.loads(text)
    head = data["city"]
    city, mayor = head["account"], head["mayor"]
    accounts = tuple(_account(row, head["citizen_password"]) for row in data["accounts"])
    desk = data.get("desk", {})
    return DemoCity(
        accounts=accounts,
        follows=_follows(data, city, mayor, accounts),
        # sorted() is stable, so posts written in order keep that order.
        posts=tuple(sorted((_post(row) for row in data["posts"]), key=lambda p: p.ago, reverse=True)),
        favourites=tuple(DemoFavourite(account, post) for post, who in data.get("favourites", {}).items()
                         for account in who),
        reblogs=tuple(DemoReblog(r["account"], r["post"], _ago(r["days_ago"], r["at"]))
                      for r in data.get("reblogs", [])),
        logins=tuple(head["logins"]),
        city=city,
        mayor=mayor,
        departments=tuple((d["code"], d["name"]) for d in desk.get("departments", [])),
        staff=tuple(DemoStaff(s["username"], s["role"], s.get("department"), s.get("office_role"))
                    for s in desk.get("staff", [])),
        approval_required=desk.get("approval_required", False),
        published_numbers=tuple(desk.get("published_numbers", [])),
        opens=tuple((name, tuple(pages)) for name, pages in data.get("opens", {}).items()),
        services=tuple(DemoService(s["code"], s["name"], s["department"], s["group"], s.get("description", ""),
                                   s.get("notice", ""), tuple(s.get("attributes", [])))
                       for s in data.get("open311", [])),
    )


def image_bytes(name: str) -> bytes:
    """An avatar's or a photo's file from the package's images/ folder."""
    return resources.files(__package__).joinpath(IMAGES, name).read_bytes()


CITY: DemoCity = load_city()
CITY_USERNAME = CITY.city
MAYOR_USERNAME = CITY.mayor
DEMO_CITIZEN = CITY.logins[1]
CITIZEN_PASSWORD = next(a.password for a in CITY.accounts if a.username == DEMO_CITIZEN)
