/* app.js: small page behaviours — the service worker (offline page, Web Push), keyboard
   shortcuts as in Mastodon's web (j/k move, n writes, r/f/b act on the focused post, ? helps),
   announced to screen readers, and the browser-notification switch on the settings page. */
(function () {
  "use strict";
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
  }

  var live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  live.setAttribute("data-shortcut-announcer", "");
  document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(live); });
  function announce(text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 30); }

  function posts() { return Array.prototype.slice.call(document.querySelectorAll("main article.status")); }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("main article.status") : null;
  }
  function move(step) {
    var list = posts();
    if (!list.length) return;
    var at = list.indexOf(current());
    var next = list[at < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + step))];
    if (!next.hasAttribute("tabindex")) next.setAttribute("tabindex", "-1");
    next.focus();
    next.scrollIntoView({ block: "nearest" });
    var author = next.querySelector("[id$='-author']");
    announce((list.indexOf(next) + 1) + "/" + list.length + (author ? " " + author.textContent.trim() : ""));
  }
  function act(selector) {
    var post = current();
    var target = post && post.querySelector(".status-actions " + selector);
    if (target) target.click();
  }
  function help() {
    var dialog = document.getElementById("shortcut-help");
    if (!dialog) {
      var words = document.documentElement.lang === "en"
        ? [["j / k", "Next / previous post"], ["n", "Write a post"], ["r", "Reply"], ["f", "Favourite"],
           ["b", "Boost"], ["?", "These shortcuts"], ["Esc", "Close"]]
        : [["j / k", "다음 글 / 이전 글"], ["n", "새 글 쓰기"], ["r", "답글"], ["f", "좋아요"], ["b", "부스트"],
           ["?", "단축키 도움말"], ["Esc", "닫기"]];
      dialog = document.createElement("dialog");
      dialog.id = "shortcut-help";
      dialog.setAttribute("aria-labelledby", "shortcut-help-title");
      var title = document.createElement("h2");
      title.id = "shortcut-help-title";
      title.textContent = document.documentElement.lang === "en" ? "Keyboard shortcuts" : "단축키";
      var list = document.createElement("dl");
      words.forEach(function (pair) {
        var key = document.createElement("dt"), what = document.createElement("dd");
        var kbd = document.createElement("kbd");
        kbd.textContent = pair[0]; key.appendChild(kbd); what.textContent = pair[1];
        list.appendChild(key); list.appendChild(what);
      });
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = document.documentElement.lang === "en" ? "Close" : "닫기";
      close.addEventListener("click", function () { dialog.close(); });
      dialog.appendChild(title); dialog.appendChild(list); dialog.appendChild(close);
      document.body.appendChild(dialog);
    }
    if (!dialog.open) dialog.showModal();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (document.querySelector("dialog[open]") && event.key !== "Escape") return;
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "n": {
        var box = document.getElementById("status-text");
        if (box) { box.focus(); } else { window.location.href = "/compose"; }
        break;
      }
      case "r": act("a[href^='/compose?in_reply_to=']"); break;
      case "f": act("button.favourite"); break;
      case "b": act("button.reblog"); break;
      case "?": help(); break;
      default: return;
    }
    event.preventDefault();
  });

  // A draft kept while writing: the composer's text is saved in this browser as it is typed
  // (per reply target) and offered again after a reload or a lost connection; sent, it is gone.
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("status-text");
    if (!box || !box.form || !window.localStorage) return;
    var parent = box.form.querySelector("[name=in_reply_to_id]");
    // Per form (a new post, an edit of one post) and per reply target.
    var key = "madang-draft:" + box.form.getAttribute("action") + ":" + (parent ? parent.value : "");
    try {
      if (!box.value && localStorage.getItem(key)) {
        box.value = localStorage.getItem(key);
        box.dispatchEvent(new Event("input", { bubbles: true }));
      }
      box.addEventListener("input", function () {
        if (box.value) { localStorage.setItem(key, box.value); } else { localStorage.removeItem(key); }
      });
      box.form.addEventListener("submit", function () { localStorage.removeItem(key); });
    } catch (e) { /* storage refused (private mode): nothing is kept */ }
  });

  // Settings: browser notifications through Web Push (the API's push, for this browser's session).
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-push-subscribe]");
    if (!form) return;
    var missing = document.querySelector("[data-push-missing]");
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) return;
    form.hidden = false;
    if (missing) missing.hidden = true;
    form.addEventListener("submit", async function (event) {
      if (form.querySelector("[name=endpoint]").value) return;
      event.preventDefault();
      var error = form.querySelector("[data-push-error]");
      try {
        if ((await Notification.requestPermission()) !== "granted") throw new Error(form.dataset.denied);
        var registration = await navigator.serviceWorker.ready;
        var key = form.dataset.vapid.replace(/-/g, "+").replace(/_/g, "/");
        while (key.length % 4) key += "=";
        var raw = atob(key), bytes = new Uint8Array(raw.length);
        for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
        var subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes });
        var json = subscription.toJSON();
        form.querySelector("[name=endpoint]").value = json.endpoint;
        form.querySelector("[name=p256dh]").value = json.keys.p256dh;
        form.querySelector("[name=auth]").value = json.keys.auth;
        form.submit();
      } catch (e) {
        error.textContent = form.dataset.failed + (e && e.message ? " (" + e.message + ")" : "");
        error.hidden = false;
      }
    });
  });
})();
