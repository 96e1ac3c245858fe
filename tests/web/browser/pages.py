"""Every page type of the web app, once: the accessibility and layout tests visit each.

A page added later is one line here.  ``{thread}``, ``{city}`` and the like are filled in
from the demo city (site.DemoCity); ``signed_in`` pages are seen as the demo citizen.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.web.browser.site import DemoCity


@dataclass(frozen=True)
class PageType:
    name: str
    path: str
    signed_in: bool | str = False  # True: the demo citizen; "staff": the city's desk triager
    status: int = 200

    def url(self, demo: DemoCity) -> str:
        return self.path.format(thread=demo.thread_id, city=demo.city, citizen=demo.citizen, post=demo.citizen_post_id)


PAGES = [
    PageType("front", "/"),
    PageType("sign-in", "/auth/sign_in"),
    PageType("sign-up", "/auth/sign_up"),
    PageType("about", "/about"),
    PageType("local timeline", "/public/local"),
    PageType("error", "/statuses/1", status=404),
    PageType("home", "/home", signed_in=True),
    PageType("compose", "/compose", signed_in=True),
    PageType("reply", "/compose?in_reply_to={thread}", signed_in=True),
    PageType("status page", "/@{city}/{thread}"),
    PageType("status page, signed in", "/@{city}/{thread}", signed_in=True),
    PageType("profile", "/@{city}"),
    PageType("profile, signed in", "/@{citizen}", signed_in=True),
    PageType("followers", "/@{city}/followers"),
    PageType("following", "/@{citizen}/following", signed_in=True),
    PageType("tag", "/tags/안양"),
    PageType("tag, no posts yet", "/tags/아무도안쓴태그"),
    PageType("search", "/search?q=안양", signed_in=True),
    PageType("notifications", "/notifications", signed_in=True),
    PageType("notifications: mentions tab", "/notifications?tab=mentions", signed_in=True),
    PageType("bookmarks", "/bookmarks", signed_in=True),
    PageType("settings: profile", "/settings/profile", signed_in=True),
    PageType("settings: password", "/settings/password", signed_in=True),
    PageType("settings: sessions", "/settings/sessions", signed_in=True),
    PageType("settings: apps", "/settings/apps", signed_in=True),
    PageType("settings: filters", "/settings/filters", signed_in=True),
    PageType("settings: new filter", "/settings/filters/new", signed_in=True),
    PageType("explore: trending posts", "/explore"),  # issue 15: explore, relations, imports
    PageType("explore: hashtags", "/explore/tags"),
    PageType("explore: suggestions", "/explore/suggestions", signed_in=True),
    PageType("federated timeline", "/public/remote"),
    PageType("settings: muted accounts", "/settings/mutes", signed_in=True),
    PageType("settings: blocked accounts", "/settings/blocks", signed_in=True),
    PageType("settings: import", "/settings/import", signed_in=True),
    PageType("desk inbox (staff)", "/desk", signed_in="staff"),
    PageType("desk inbox, due today (staff)", "/desk?tab=due_today", signed_in="staff"),
    PageType("desk: log a call (staff)", "/desk/cases/new", signed_in="staff"),
    PageType("desk dashboard (staff)", "/desk/dashboard", signed_in="staff"),
    PageType("desk: new request, guest", "/desk/new"),
    PageType("desk: new request, signed in", "/desk/new", signed_in=True),
    PageType("desk: my requests", "/desk/my", signed_in=True),
    PageType("desk: new request, a category's fields", "/desk/new?org={city}&category=streetlight"),
    PageType("desk: a citizen's desk", "/desk", signed_in=True),
    PageType("report a post", "/reports/new?status_id={thread}", signed_in=True),
    PageType("office console (staff)", "/office", signed_in="staff"),
    PageType("office: live monitor (staff)", "/office/monitor", signed_in="staff"),
    PageType("office: compose as the city (staff)", "/office/publish", signed_in="staff"),
    PageType("office: drafts (staff)", "/office/publish/drafts", signed_in="staff"),
    PageType("office: calendar (staff)", "/office/calendar", signed_in="staff"),
    PageType("office: calendar, a week (staff)", "/office/calendar?view=week", signed_in="staff"),
    PageType("office: the city's posts (staff)", "/office/posts", signed_in="staff"),
    PageType("office: analytics (staff)", "/office/analytics", signed_in="staff"),
    PageType("office: account health (staff)", "/office/health", signed_in="staff"),
    PageType("office: short links (staff)", "/office/links", signed_in="staff"),
    PageType("office: blog (staff)", "/office/blog", signed_in="staff"),
    PageType("office: embed (staff)", "/office/embed", signed_in="staff"),
    PageType("embedded timeline", "/@{city}/embed"),
    PageType("follow requests", "/follow_requests", signed_in=True),
    PageType("direct messages", "/conversations", signed_in=True),
    PageType("edit a post", "/statuses/{post}/edit", signed_in=True),
    PageType("edit history", "/statuses/{thread}/history"),
    PageType("lists", "/lists", signed_in=True),  # issue 15
    PageType("a profile's lists", "/@{city}/lists", signed_in=True),
    PageType("tag, signed in", "/tags/안양", signed_in=True),
    PageType("settings: followed hashtags", "/settings/followed_tags", signed_in=True),
]
