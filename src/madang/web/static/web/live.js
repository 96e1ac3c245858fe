/* live.js: new posts and notifications over server-sent events, with a pause control.
   New posts never move what the reader is reading: they wait behind a "새 글 N개 보기" button
   and are fetched (as this reader's own cards) only when it is pressed. The pause choice is
   kept in localStorage. Without JavaScript the bar stays hidden and nothing changes. */
(function () {
  "use strict";
  var bar = document.getElementById("live-bar");
  if (!bar || !window.EventSource || !window.fetch) return;
  var KEY = "madang.live.paused";
  var stream = bar.getAttribute("data-stream");
  var newButton = bar.querySelector("[data-live-new]");
  var pauseButton = bar.querySelector("[data-live-pause]");
  var state = bar.querySelector("[data-live-state]");
  var countBox = document.querySelector("[data-unread-count]");
  var countNumber = document.querySelector("[data-unread-number]");
  var timeline = document.getElementById("timeline");
  var pending = [];
  var source = null;
  var unread = countNumber ? parseInt(countNumber.textContent, 10) || 0 : 0;

  function text(name, n) {
    return (bar.getAttribute("data-text-" + name) || "").replace("{n}", String(n));
  }

  function stored(value) {
    try {
      if (value === undefined) return window.localStorage.getItem(KEY) === "1";
      if (value) window.localStorage.setItem(KEY, "1"); else window.localStorage.removeItem(KEY);
    } catch (e) { /* storage off: the choice lasts this page only */ }
    return false;
  }

  function showUnread(n) {
    unread = Math.max(0, n);
    if (!countBox || !countNumber) return;
    countNumber.textContent = String(unread);
    countBox.hidden = unread === 0;
  }

  function showPending() {
    if (pending.length === 0) {
      newButton.hidden = true;
      newButton.textContent = "";
      return;
    }
    newButton.textContent = text("new", pending.length);
    newButton.hidden = false;
  }

  function onCard(id) {
    if ((stream !== "home" && stream !== "local") || !timeline) return;
    if (pending.indexOf(id) !== -1 || timeline.querySelector('[data-id="' + id + '"]')) return;
    pending.push(id);
    showPending();
  }

  function onDelete(id) {
    var at = pending.indexOf(id);
    if (at !== -1) { pending.splice(at, 1); showPending(); }
  }

  function fetchCard(id) {
    var back = window.location.pathname + window.location.search;
    var url = "/statuses/" + encodeURIComponent(id) + "/card?context=" + (stream === "home" ? "home" : "public") + "&back=" + encodeURIComponent(back);
    return window.fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.status === 200 ? r.text() : ""; })
      .catch(function () { return ""; });
  }

  function showNew() {
    var ids = pending.slice().reverse(); // newest first, as the timeline reads
    pending = [];
    showPending();
    Promise.all(ids.map(fetchCard)).then(function (cards) {
      var holder = document.createElement("div");
      holder.innerHTML = cards.join("");
      var first = null;
      var empty = timeline.querySelector(".empty");
      if (empty && holder.children.length) {
        empty.remove();
        timeline.setAttribute("role", "feed"); // an empty timeline is a plain box (see _timeline.html)
      }
      var anchor = timeline.firstElementChild;
      while (holder.firstElementChild) {
        var card = holder.firstElementChild;
        var id = card.getAttribute("data-id");
        if (id && timeline.querySelector('[data-id="' + id + '"]')) { card.remove(); continue; }
        timeline.insertBefore(card, anchor);
        if (window.htmx) window.htmx.process(card);
        if (!first) first = card;
      }
      if (first) {
        // The reader asked for them: take them to the newest, as a screen reader would expect.
        first.setAttribute("tabindex", "-1");
        first.focus();
        if (state) state.textContent = text("shown", ids.length);
      }
    });
  }

  function open() {
    if (source) return;
    source = new EventSource("/web/stream?stream=" + encodeURIComponent(stream));
    source.addEventListener("unread", function (e) { showUnread(parseInt(e.data, 10) || 0); });
    source.addEventListener("notification", function () { showUnread(unread + 1); });
    source.addEventListener("update", function (e) {
      try { onCard(JSON.parse(e.data).id); } catch (err) { /* not ours */ }
    });
    source.addEventListener("delete", function (e) { onDelete(String(e.data)); });
    source.addEventListener("error", function () {
      // Closed for good (signed out, or the server said no): stop, as the pause does.
      if (source && source.readyState === EventSource.CLOSED) source = null;
    });
  }

  function close() {
    if (source) { source.close(); source = null; }
  }

  function setPaused(paused) {
    pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
    if (state) state.textContent = text(paused ? "paused" : "live");
    stored(paused);
    if (paused) close(); else open();
  }

  if (!pauseButton) {
    // No live region on this page: the stream only keeps the nav's count, the bar stays
    // hidden, and a pause chosen on a timeline is kept here too.
    window.addEventListener("pagehide", close);
    window.addEventListener("pageshow", function (e) { if (e.persisted && !stored()) open(); });
    if (!stored()) open();
    return;
  }
  newButton.addEventListener("click", showNew);
  pauseButton.addEventListener("click", function () {
    setPaused(pauseButton.getAttribute("aria-pressed") !== "true");
  });
  window.addEventListener("pagehide", close);
  window.addEventListener("pageshow", function (e) {
    if (e.persisted && pauseButton.getAttribute("aria-pressed") !== "true") open();
  });
  bar.hidden = false;
  setPaused(stored());
}());
