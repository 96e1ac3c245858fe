/* counter.js: counts a draft as the server does (src/madang/text/counting.py), live.
 *
 * The rule: grapheme clusters of content warning + text after NFC; every http(s) URL
 * counts 23; `@user@domain` counts as `@user`.  The patterns below are the server's
 * (text/scripts.py, urls.py, mentions.py) in JavaScript's `v` syntax; possessive
 * quantifiers and atomic groups, which JavaScript lacks, are written as a capture in a
 * look-ahead followed by a back-reference (a look-ahead never gives back what it took).
 * tests/data/counting_cases.json runs against both, so they cannot drift.
 */
(function () {
  "use strict";

  var URL_LENGTH = 23;
  var CJK = "\\p{Script=Hangul}\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Bopomofo}" +
            "\\u3000-\\u303F\\u30FB\\uFF00-\\uFFEF";
  var VARIATION_SELECTORS = "\\uFE00-\\uFE0F\\u{E0100}-\\u{E01EF}";
  var WORD_NOT_CJK = "[[\\p{L}\\p{M}\\p{N}_]--[" + VARIATION_SELECTORS + CJK + "]]";
  var LABEL = WORD_NOT_CJK + "+(?:-+" + WORD_NOT_CJK + "+)*";

  // The host's labels are maximal runs either way: a shorter one could not be followed by `.`.
  var URL_RE = new RegExp(
    "(?<!" + WORD_NOT_CJK + "|[@＠$#＃])" +
    "[Hh][Tt][Tt][Pp][Ss]?://" +
    "(?<host>(?:" + LABEL + "\\.)+" + LABEL + "(?::[0-9]{1,5})?)" +
    "(?:[\\/?#][^\\s\\p{Z}\\p{Cc}\\p{Cf}<>\"\\\\\\^`\\{\\}" + CJK + "]*)?", "gv");
  var ENDING = /^[\p{L}\p{M}\p{N}\/=_#+\-~]$/v;
  var BRACKETS = { ")": "(", "]": "[" };
  var CLOSING = { "(": ")", "[": "]" };

  var DOMAIN_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9\\-]*[A-Za-z0-9])?";
  // Group 1 is the user name (atomic), group 2 the optional `@domain` (atomic and possessive:
  // if the look-ahead after it fails, the mention is refused rather than shortened).
  var MENTION_RE = new RegExp(
    "(?<!" + WORD_NOT_CJK + "|[.\\-@＠\\/=+&])" +
    "@(?=([A-Za-z0-9_]+(?:[.\\-]+[A-Za-z0-9_]+)*))\\1" +
    "(?=(@" + DOMAIN_LABEL + "(?:\\." + DOMAIN_LABEL + ")+)?)\\2" +
    "(?!" + WORD_NOT_CJK + "|[@＠])", "gv");

  var segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

  function normalize(text) {
    return text.replace(/\r\n?/g, "\n")
      .replace(/[\0\uD800-\uDFFF]/gu, function (c) { return c === "\0" ? "" : "\uFFFD"; })
      .normalize("NFC");
  }

  function browserAccepts(url) {
    // The server asks the WHATWG URL parser (through nh3); so does this.
    try { new URL(url); return true; } catch (e) { return false; }
  }

  function trimEnd(url, keep) {
    // As urls.py: sentence punctuation at the end is not the link's; `)` only if opened inside.
    var chars = Array.from(url);
    var opened = {}, closed = {};
    Object.keys(BRACKETS).forEach(function (c) {
      opened[c] = chars.filter(function (x) { return x === BRACKETS[c]; }).length;
      closed[c] = chars.filter(function (x) { return x === c; }).length;
    });
    var end = chars.length;
    while (end > keep) {
      var last = chars[end - 1];
      if (BRACKETS[last]) {
        if (opened[last] >= closed[last]) break;
        closed[last] -= 1;
      } else if (CLOSING[last]) {
        opened[CLOSING[last]] -= 1;
      } else if (ENDING.test(last)) {
        break;
      }
      end -= 1;
    }
    return chars.slice(0, end).join("");
  }

  function findUrls(text) {
    var found = [];
    for (var m of text.matchAll(URL_RE)) {
      var hostEnd = m[0].indexOf("://") + 3 + m.groups.host.length;
      var url = trimEnd(m[0], Array.from(m[0].slice(0, hostEnd)).length);
      if (browserAccepts(url)) found.push([m.index, m.index + url.length]);
    }
    return found;
  }

  function graphemes(text) {
    var n = 0;
    for (var _ of segmenter.segment(text)) n += 1;  // eslint-disable-line no-unused-vars
    return n;
  }

  function countPart(text) {
    var urls = findUrls(text);
    var fixed = urls.map(function (u) { return [u[0], u[1], URL_LENGTH]; });
    for (var m of text.matchAll(MENTION_RE)) {
      var start = m.index, end = start + m[0].length;
      // A URL's path holds no mentions (`https://x.kr/@user`).
      var inside = urls.some(function (u) { return u[0] < end && start < u[1]; });
      if (!inside) fixed.push([start, end, 1 + m[1].length]);
    }
    fixed.sort(function (a, b) { return a[0] - b[0]; });
    var total = 0, position = 0;
    fixed.forEach(function (f) {
      total += graphemes(text.slice(position, f[0])) + f[2];
      position = f[1];
    });
    return total + graphemes(text.slice(position));
  }

  function count(text, spoilerText) {
    // Each part on its own, as the server does: no token forms across the seam.
    return countPart(normalize(spoilerText || "")) + countPart(normalize(text || ""));
  }

  var MESSAGES = {
    ko: { left: "{n}자 남았습니다.", over: "{n}자를 넘었습니다. 줄여 주세요." },
    en: { left: "{n} characters left.", over: "{n} characters over the limit. Please shorten it." }
  };

  function say(key, n) {
    var lang = (document.documentElement.lang || "ko").slice(0, 2);
    return (MESSAGES[lang] || MESSAGES.ko)[key].replace("{n}", String(n));
  }

  // Announced only when the draft enters another band near the limit, never per keystroke.
  function band(remaining) {
    if (remaining < 0) return 4;
    if (remaining === 0) return 3;
    if (remaining <= 10) return 2;
    if (remaining <= 20) return 1;
    return 0;
  }

  function setUp(input) {
    if (input.madangCounter) return input.madangCounter;
    var form = input.closest("form") || document;
    var remaining = form.querySelector("[data-counter-remaining]");
    if (!remaining) return null;
    var box = remaining.closest(".counter") || remaining.parentElement;
    var over = document.createElement("span");
    over.className = "counter-over";
    over.setAttribute("data-counter-over", "");
    box.appendChild(over);
    var live = document.createElement("span");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    live.setAttribute("data-counter-announce", "");
    box.appendChild(live);
    var state = { form: form, remaining: remaining, box: box, over: over, live: live, band: 0 };
    input.madangCounter = state;
    return state;
  }

  function update(input, quiet) {
    var state = setUp(input);
    if (!state) return;
    var max = parseInt(document.body.getAttribute("data-max-characters"), 10) || 140;
    var spoiler = state.form.querySelector ? state.form.querySelector("[name=spoiler_text]") : null;
    var left = max - count(input.value, spoiler ? spoiler.value : "");
    state.remaining.textContent = String(left);
    state.box.classList.toggle("over", left < 0);
    state.over.textContent = left < 0 ? " " + say("over", -left) : "";
    var now = band(left);
    if (!quiet && now !== state.band && (now > 0 || state.band > 0)) {
      state.live.textContent = left < 0 ? say("over", -left) : say("left", left);
    }
    state.band = now;
  }

  function scan(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("[data-counter-input]")
      .forEach(function (input) { update(input, true); });
  }

  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    if (target.matches("[data-counter-input]")) {
      update(target);
    } else if (target.matches("[name=spoiler_text]") && target.form) {
      var input = target.form.querySelector("[data-counter-input]");
      if (input) update(input);
    }
  });
  // Composers that htmx brings in later (a reply form) are counted when they arrive.
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }

  window.madangCounter = { count: count, urlLength: URL_LENGTH };
})();
