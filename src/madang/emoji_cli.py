"""`madang emoji …`: the server's own custom emoji (decision 0043)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from madang.cli_runner import run_on_database
from madang.db import Database

emoji_app = typer.Typer(help="Custom emoji.", no_args_is_help=True)
console = Console()


@emoji_app.command("add")
def emoji_add(
    shortcode: str, file: Path,
    hidden: Annotated[bool, typer.Option(help="usable but not offered in the apps' pickers")] = False,
) -> None:
    """Add (or replace) a local emoji: SHORTCODE as in :SHORTCODE:, FILE a PNG, GIF or WebP
    of at most 256 KB."""
    from madang.core.settings import Settings
    from madang.media.custom_emojis import LOCAL_MAX_BYTES, LOCAL_MAX_PIXELS, check_shortcode, save_local_emoji
    from madang.media.storage import store_of
    from madang.media.uploads import discard_upload, store_upload

    store = store_of(Settings())

    async def go(db: Database) -> str:
        code = check_shortcode(shortcode)
        data = file.read_bytes()
        upload = await store_upload(store, data, size=len(data), max_bytes=LOCAL_MAX_BYTES,
                                    max_pixels=LOCAL_MAX_PIXELS)
        try:
            async with db.write() as session:
                await save_local_emoji(session, store=store, shortcode=code, upload=upload,
                                       visible_in_picker=not hidden)
        except BaseException:
            await discard_upload(store, upload)
            raise
        return code

    code = run_on_database(go, console)
    console.print(f"added :{code}:")


@emoji_app.command("list")
def emoji_list() -> None:
    """The local emoji, as /api/v1/custom_emojis lists them."""
    from madang.media.custom_emojis import list_local_emojis

    async def go(db: Database) -> list:
        async with db.read() as session:
            return await list_local_emojis(session)

    for ref in run_on_database(go, console):
        console.print(f":{ref.shortcode}: {ref.url}{'' if ref.visible_in_picker else ' (hidden)'}", highlight=False)
