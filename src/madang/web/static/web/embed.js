/* embed.js: the snippet a city homepage includes. Every
     <div class="madang-timeline" data-account="anyanglove"></div>
   gets an iframe of that account's latest public posts from the server this script came from
   (optional: data-limit="5", data-theme="light" | "dark", data-lang="en", data-title="…").
   It also sizes oEmbed iframes (class "madang-embed"). Nothing else is loaded, from anywhere. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    var found = document.querySelectorAll("script[src*='/static/web/embed.js']");
    script = found[found.length - 1];
  }
  if (!script || !script.src) return;
  var origin = new URL(script.src, document.baseURI).origin;
  var ACCOUNT = /^@?[A-Za-z0-9_]{1,30}$/;

  function frameFor(box) {
    var account = (box.getAttribute("data-account") || "").trim();
    if (!ACCOUNT.test(account)) return;
    account = account.replace(/^@/, "");
    var query = [];
    var limit = box.getAttribute("data-limit");
    if (limit && /^\d{1,2}$/.test(limit)) query.push("limit=" + limit);
    var theme = box.getAttribute("data-theme");
    if (theme === "light" || theme === "dark") query.push("theme=" + theme);
    var lang = box.getAttribute("data-lang");
    if (lang === "ko" || lang === "en") query.push("lang=" + lang);
    var frame = document.createElement("iframe");
    frame.src = origin + "/@" + account + "/embed" + (query.length ? "?" + query.join("&") : "");
    frame.title = box.getAttribute("data-title") || "@" + account + (lang === "en" ? " latest posts" : " 최근 글");
    frame.className = "madang-timeline-frame";
    frame.setAttribute("loading", "lazy");
    frame.style.width = "100%";
    var width = box.getAttribute("data-width");
    frame.style.maxWidth = width && /^\d{2,4}$/.test(width) ? width + "px" : "100%";
    frame.style.height = "600px";  // until the page inside says how tall it is
    frame.style.border = "0";
    frame.style.display = "block";
    box.appendChild(frame);
  }

  function build() {
    var boxes = document.querySelectorAll(".madang-timeline");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].getAttribute("data-madang-ready")) continue;
      boxes[i].setAttribute("data-madang-ready", "1");
      frameFor(boxes[i]);
    }
  }

  var listening = "madangEmbed " + origin;  // once per server, however often the script is included
  if (!window[listening]) {
    window[listening] = true;
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (event.origin !== origin || !data || data.type !== "madang:resize") return;
      var height = Number(data.height);
      if (!(height > 0 && height < 50000)) return;
      var frames = document.querySelectorAll("iframe.madang-timeline-frame, iframe.madang-embed");
      for (var i = 0; i < frames.length; i++) {
        // Only the frame the message came from: another frame's page cannot resize this one.
        if (frames[i].contentWindow === event.source) frames[i].style.height = height + "px";
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", build);
  else build();
})();
