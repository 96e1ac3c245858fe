// madang's service worker: keeps the app's shell (an offline page, the style sheet, the icons)
// so a phone with no signal shows a page that says so instead of the browser's error, and shows
// Web Push notifications (Mastodon's payload: title, body, icon, notification_id).
"use strict";
const SHELL = "madang-shell-__VERSION__";
const OFFLINE = "/offline";
const KEPT = [OFFLINE, "/static/web/app.css?v=__VERSION__", "/static/web/icons/icon-192.png"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(KEPT)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((n) => n.startsWith("madang-shell-") && n !== SHELL)
      .map((n) => caches.delete(n))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    // Pages are always fresh from the server (they are private and never cached); only when
    // the network is gone does the kept offline page answer.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  const url = new URL(request.url);
  if (url.origin === self.location.origin && KEPT.includes(url.pathname + url.search)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = { title: event.data.text() }; }
  event.waitUntil(self.registration.showNotification(data.title || "마당", {
    body: data.body || "", icon: data.icon || "/static/web/icons/icon-192.png",
    tag: data.notification_id ? "n" + data.notification_id : undefined, lang: data.preferred_locale || "ko",
    data: { url: "/notifications" } }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.url) || "/notifications";
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((open) => {
    for (const client of open) {
      if (new URL(client.url).origin === self.location.origin && "focus" in client) {
        client.navigate(target);
        return client.focus();
      }
    }
    return self.clients.openWindow(target);
  }));
});
