"""Custom emoji on the web pages (decision 0043): a remote account's name and bio and its
post's text and warning show the emoji they use as small images with ``alt=":shortcode:"``;
nothing the remote server sent becomes markup."""

from __future__ import annotations

import asyncio
from pathlib import Path

from madang.core.clock import utcnow
from madang.core.ids import new_id
from madang.core.settings import Settings
from madang.db.database import Database
from madang.federation import config as federation_config
from madang.federation.config import FederationConfig
from madang.federation.emoji import store_account_emojis
from madang.federation.remote_posts import store_post
from madang.models import Account
from madang.statuses.remote import RemotePost
from tests.web.client import WebClient

ICON = "https://far.example/emoji/blobcat.png"


def _remote_with_emoji(database_url: str, tmp_path: Path) -> int:
    async def go() -> int:
        db = Database(database_url)
        settings = Settings(database_url=database_url, media_path=tmp_path / "media", remote_media="link",
                            secret_key="z" * 40)
        federation_config.attach(db, settings)
        config = FederationConfig.from_settings(settings)
        try:
            async with db.write() as s:
                uri = "https://far.example/users/neko"
                account = Account(id=new_id(), username="neko", domain="far.example", acct_key="neko@far.example",
                                  display_name="<i>네코</i> :blobcat:", note_html="<p>고양이 :blobcat: 좋아</p>",
                                  uri=uri, url="https://far.example/@neko", inbox_url=f"{uri}/inbox",
                                  actor_type="Person", created_at=utcnow(), updated_at=utcnow(), fetched_at=utcnow())
                s.add(account)
                await s.flush()
                await store_account_emojis(s, config, account, [("blobcat", ICON)])
                status = await store_post(s, config, account, RemotePost(
                    uri="https://far.example/notes/1", url=None, text="야옹",
                    content='<p><a href="https://far.example/tags/x?:blobcat:">:blobcat:</a> 야옹 :blobcat:</p>',
                    spoiler_text="눈부심 :blobcat:", emojis=[("blobcat", ICON)]))
                return status.id
        finally:
            await db.dispose()
    return asyncio.run(go())


def test_remote_emoji_show_as_images_on_profile_and_post(sqlite_url: str, sqlite_web_base: str, tmp_path: Path) -> None:
    status_id = _remote_with_emoji(sqlite_url, tmp_path)
    guest = WebClient(sqlite_web_base)
    image = f'<img class="custom-emoji" src="{ICON}" alt=":blobcat:"'
    profile = guest.get("/@neko@far.example")
    assert profile.status_code == 200
    name = profile.text.split('id="profile-name">', 1)[1].split("</h1>", 1)[0]
    assert "&lt;i&gt;네코&lt;/i&gt;" in name and image in name and "<i>" not in name
    bio = profile.text.split('class="content profile-bio">', 1)[1].split("</div>", 1)[0]
    assert image in bio
    page = guest.get(f"/@neko@far.example/{status_id}")
    assert page.status_code == 200
    assert page.text.count(image) >= 4  # the author's name, the warning, the link text and the text
    assert 'href="https://far.example/tags/x?:blobcat:"' in page.text
