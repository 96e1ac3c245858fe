/* compose_suggest.js: `@` and `#` suggestions in the composer (decision 0062).
 *
 * While the word before the caret starts with @ or #, the server is asked
 * (/compose/suggest?q=…, the same autocomplete as the API: 초성 `@ㅇㅇ`, a syllable still being
 * composed `#안야`) and its options are shown under the text box. Arrow keys move, Enter or Tab
 * picks, Escape closes; a click picks too. The text box controls an ARIA listbox. Without JavaScript
 * the composer is the plain form it always was.
 */
(function () {
  "use strict";
  var WORD = /(^|[\s(])([@#＃][^\s@#＃]{1,100})$/u;

  function attach(form) {
    var box = form.querySelector("textarea[name=status]");
    if (!box || box.dataset.suggest) return;
    box.dataset.suggest = "on";
    var list = document.createElement("ul");
    list.id = box.id + "-suggestions";
    list.className = "compose-suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.insertAdjacentElement("afterend", list);
    // No role="combobox" (and so no aria-expanded, which a textbox may not carry): ARIA's combobox
    // is one line; the post box stays a multi-line textbox found by its label, controlling the
    // listbox (shown or hidden) and pointing at the active option.
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", list.id);
    var timer = null, asked = "", active = -1, word = null;

    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true; list.innerHTML = ""; active = -1; word = null;
      box.removeAttribute("aria-activedescendant");
    }
    function mark(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      box.setAttribute("aria-activedescendant", all[active].id);
    }
    function pick(option) {
      if (!word) return;
      var insert = option.dataset.insert + " ";
      var before = box.value.slice(0, word.start), after = box.value.slice(word.end);
      box.value = before + insert + after;
      var caret = before.length + insert.length;
      box.setSelectionRange(caret, caret);
      close();
      box.dispatchEvent(new Event("input", { bubbles: true }));  // the counter counts again
      box.focus();
    }
    function typed() {
      var end = box.selectionEnd, found = WORD.exec(box.value.slice(0, end));
      if (!found) return null;
      return { text: found[2], start: end - found[2].length, end: end };
    }
    function ask() {
      var current = typed();
      if (!current) { asked = ""; close(); return; }
      if (current.text === asked && !list.hidden) { word = current; return; }
      asked = current.text;
      fetch("/compose/suggest?q=" + encodeURIComponent(current.text), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (asked !== current.text) return;  // an older answer
          list.innerHTML = html;
          if (!options().length) { close(); return; }
          word = current;
          list.hidden = false;
          mark(0);
        })
        .catch(close);
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });
    box.addEventListener("keydown", function (event) {
      if (list.hidden || event.isComposing) return;
      if (event.key === "ArrowDown") { mark(active + 1); event.preventDefault(); }
      else if (event.key === "ArrowUp") { mark(active - 1); event.preventDefault(); }
      else if (event.key === "Enter" || event.key === "Tab") {
        var all = options();
        if (active >= 0 && all[active]) { event.preventDefault(); pick(all[active]); }
      } else if (event.key === "Escape") { close(); event.preventDefault(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 150); });
    list.addEventListener("mousedown", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { event.preventDefault(); pick(option); }
    });
  }

  function start() { document.querySelectorAll("[data-composer]").forEach(attach); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSwap", start);
})();
