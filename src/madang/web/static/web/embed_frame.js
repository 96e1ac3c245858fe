/* embed_frame.js: inside a framed post or timeline, tells the page around it how tall it is
   (static/web/embed.js on that page listens), so the frame never needs a scroll bar. */
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function report() {
    var root = document.querySelector("[data-embed-root]") || document.body;
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (!height || height === last) return;
    last = height;
    // Only a height is sent; it is no secret, so any embedding page may hear it.
    window.parent.postMessage({ type: "madang:resize", height: height }, "*");
  }
  function start() {
    report();
    var root = document.querySelector("[data-embed-root]");
    if (root && window.ResizeObserver) new ResizeObserver(report).observe(root);
    document.addEventListener("toggle", report, true);  // a <details> opened or closed
    window.addEventListener("load", report);  // images sized late
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
