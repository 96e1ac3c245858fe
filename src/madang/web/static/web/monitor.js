/* monitor.js: the office's live monitor. New posts arrive over server-sent events and are put
   at the top (the monitor is watched, not read like a timeline); the pause button (aria-pressed)
   holds them back until pressed again. Handled marks made by other staff update in place.
   Without JavaScript the page still lists the newest posts and every action is a form. */
(function () {
  "use strict";
  var bar = document.getElementById("monitor-bar");
  var list = document.getElementById("monitor-items");
  if (!bar || !list || !window.EventSource || !window.fetch) return;
  var pauseButton = bar.querySelector("[data-monitor-pause]");
  var state = bar.querySelector("[data-monitor-state]");
  var itemUrl = bar.getAttribute("data-item");
  var held = [];
  var paused = false;

  function say(name, n) {
    state.textContent = (bar.getAttribute("data-text-" + name) || "").replace("{n}", String(n || 0));
  }

  function itemPath(id) {
    var at = itemUrl.indexOf("?");
    return at === -1 ? itemUrl + encodeURIComponent(id) : itemUrl.slice(0, at) + encodeURIComponent(id) + itemUrl.slice(at);
  }

  function show(id) {
    if (list.querySelector('[data-id="' + id + '"]')) return;
    window.fetch(itemPath(id), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.status === 200 ? r.text() : ""; })
      .then(function (html) {
        if (!html || list.querySelector('[data-id="' + id + '"]')) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var item = holder.firstElementChild;
        if (!item) return;
        var empty = list.querySelector("[data-monitor-empty]");
        if (empty) empty.remove();
        list.insertBefore(item, list.firstElementChild);
        if (window.htmx) window.htmx.process(item);
        say("arrived");
      })
      .catch(function () { /* the next event tries again */ });
  }

  function onItem(e) {
    var id;
    try { id = JSON.parse(e.data).id; } catch (err) { return; }
    if (paused) { if (held.indexOf(id) === -1) held.push(id); say("paused", held.length); return; }
    show(id);
  }

  function onHandled(e) {
    var data;
    try { data = JSON.parse(e.data); } catch (err) { return; }
    var item = list.querySelector('[data-id="' + data.status_id + '"]');
    if (!item) return;
    // Fetch the item again: its mark and its button ("처리 표시 지우기") come from the server.
    window.fetch(itemPath(String(data.status_id)), { credentials: "same-origin" })
      .then(function (r) { return r.status === 200 ? r.text() : ""; })
      .then(function (html) {
        if (!html) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.firstElementChild;
        if (!fresh || !item.parentNode) return;
        var focused = item.contains(document.activeElement);
        item.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
        if (focused) { fresh.setAttribute("tabindex", "-1"); fresh.focus(); }
      })
      .catch(function () {});
  }

  var source = new EventSource(bar.getAttribute("data-stream"));
  source.addEventListener("item", onItem);
  source.addEventListener("handled", onHandled);
  source.addEventListener("assigned", onHandled);

  pauseButton.addEventListener("click", function () {
    paused = pauseButton.getAttribute("aria-pressed") !== "true";
    pauseButton.setAttribute("aria-pressed", paused ? "true" : "false");
    if (paused) { say("paused", held.length); return; }
    var waiting = held.slice();
    held = [];
    waiting.forEach(show);
    say("live");
  });
  window.addEventListener("pagehide", function () { source.close(); });
  bar.hidden = false;
}());
