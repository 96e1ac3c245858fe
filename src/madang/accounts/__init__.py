"""Accounts and users: sign-up, login, profiles, follows, blocks, mutes and relationships."""

from madang.accounts import name_keys as _name_keys  # noqa: F401  (display-name keys kept on every flush)
from madang.accounts.blocks import block_account, list_blocks, unblock_account
from madang.accounts.follow_requests import (
    authorize_follow_request,
    list_follow_requests,
    reject_follow_request,
)
from madang.accounts.follows import (
    FollowResult,
    follow_account,
    list_followers,
    list_following,
    unfollow_account,
)
from madang.accounts.mutes import list_mutes, mute_account, unmute_account
from madang.accounts.passwords import (
    authenticate,
    find_user_by_login,
    hash_password,
    needs_rehash,
    set_password,
    verify_password,
)
from madang.accounts.policies import (
    blocked_account_ids,
    blocked_either_way,
    hidden_account_ids_query,
    is_following,
    muted_account_ids,
)
from madang.accounts.profiles import render_note_html, set_flags, update_profile
from madang.accounts.queries import (
    find_account,
    find_shown_account_ref,
    find_account_by_acct,
    find_profile,
    find_local_accounts_by_usernames,
    find_user,
    find_user_for_account,
    get_account,
    get_accounts,
    list_accounts,
    search_accounts,
)
from madang.accounts.registration import register_account
from madang.accounts.relationships import Relationship, get_relationships
from madang.accounts.rules import RESERVED_USERNAMES

__all__ = [
    "FollowResult", "RESERVED_USERNAMES", "Relationship", "authenticate",
    "authorize_follow_request", "block_account", "blocked_account_ids", "blocked_either_way", "hidden_account_ids_query",
    "find_account", "find_shown_account_ref", "find_account_by_acct", "find_profile", "find_local_accounts_by_usernames",
    "find_user",
    "find_user_by_login", "find_user_for_account", "follow_account", "get_account",
    "get_accounts", "get_relationships", "hash_password", "is_following", "list_accounts",
    "list_blocks", "list_follow_requests", "list_followers", "list_following", "list_mutes",
    "mute_account", "muted_account_ids", "needs_rehash", "register_account",
    "reject_follow_request", "render_note_html", "search_accounts", "set_flags", "set_password", "unblock_account",
    "unfollow_account", "unmute_account", "update_profile", "verify_password",
]
from madang.accounts.featured_tags import (  # noqa: E402
    FeaturedTagView,
    feature_tag,
    list_featured_tags,
    suggest_featured_tags,
    unfeature_tag,
)
from madang.accounts.suggestions import Suggestion, dismiss_suggestion, list_suggestions  # noqa: E402

__all__ += ["FeaturedTagView", "Suggestion", "dismiss_suggestion", "feature_tag", "list_featured_tags",
            "list_suggestions", "suggest_featured_tags", "unfeature_tag"]
