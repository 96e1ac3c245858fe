"""Character classes shared by the extractors (regex V1 syntax, for set difference)."""

from __future__ import annotations

# Scripts written without spaces between words: a mention or URL may sit directly
# against them (`문의@anyanglove`, `https://anyang.go.kr에서`), so they must neither
# block a token nor be swallowed by one.  U+30FB (・) and the CJK punctuation and
# full-width forms blocks belong here too, though their Script is Common.
CJK = r"\p{Hangul}\p{Han}\p{Hiragana}\p{Katakana}\p{Bopomofo}\u3000-\u303F\u30FB\uFF00-\uFFEF"

# Variation selectors are marks, but after an emoji (`❤️#안양`) they end no word.
_VARIATION_SELECTORS = r"\uFE00-\uFE0F\U000E0100-\U000E01EF"

# A character that continues a word in any script.
WORD = rf"[[\p{{L}}\p{{M}}\p{{N}}_]--[{_VARIATION_SELECTORS}]]"

# The same, minus the spaceless scripts.
WORD_NOT_CJK = rf"[[\p{{L}}\p{{M}}\p{{N}}_]--[{_VARIATION_SELECTORS}{CJK}]]"
