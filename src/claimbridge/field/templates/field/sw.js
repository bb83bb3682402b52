{% autoescape off %}/* ClaimBridge service worker (B7), shell version {{ version }}: made by claimbridge.field.views.service_worker. */
"use strict";
const CACHE = "{{ cache_name }}";
const PRECACHE = {{ precache }};
const PAGES = ["/field/", "/field/offline/"];
importScripts("{{ outbox }}");

self.addEventListener("install", (event) => {
  // Where the browser can route statically, every request but the field pages' and the static files' goes to the
  // network without waking this worker: the rest of the site costs nothing more than before.
  try {
    if (event.addRoutes && self.URLPattern) {
      event.addRoutes({
        condition: { not: { or: [{ urlPattern: new URLPattern({ pathname: "/field/*" }) },
                                 { urlPattern: new URLPattern({ pathname: "/static/*" }) }] } },
        source: "network",
      }).catch(() => {});
    }
  } catch (error) { /* an older browser: the fetch handler below lets those requests through itself */ }
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // The form itself needs a signed-in adjuster: kept when it answers, never a reason to fail the install.
    await cache.addAll(PRECACHE.filter((url) => url !== "/field/"));
    try {  // only for an adjuster: anyone else would just be refused the form
      const session = await (await fetch("/field/session.json", { credentials: "same-origin", cache: "no-store" })).json();
      if (session.may_send) {
        const form = await fetch("/field/", { credentials: "same-origin", redirect: "manual" });
        if (form.ok) await cache.put("/field/", form);
      }
    } catch (error) { /* no signal at install: the form is kept the first time it is opened */ }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const name of await caches.keys()) {
      if (!name.startsWith("claimbridge-field-") || name === CACHE) continue;
      if (!(await cache.match("/field/"))) { // the new shell could not fetch the form: keep the one the phone had
        const kept = await (await caches.open(name)).match("/field/");
        if (kept) await cache.put("/field/", kept);
      }
      await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

function pagePath(url) {
  return PAGES.find((page) => url.pathname === page) || null;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const page = request.mode === "navigate" ? pagePath(url) : null;
  if (page) {  // network first, so a signed-in phone always gets today's form; the kept copy with no signal
    event.respondWith((async () => {
      const cache = await caches.open(CACHE);
      try {
        const fresh = await fetch(request);
        if (fresh.ok && !fresh.redirected) await cache.put(page, fresh.clone());
        return fresh;
      } catch (error) {
        return (await cache.match(page)) || (await cache.match("/field/offline/")) || Response.error();
      }
    })());
    return;
  }
  if (PRECACHE.includes(url.pathname)) {  // the shell's static files: cache first
    event.respondWith(caches.match(url.pathname).then((hit) => hit || fetch(request)));
  }
});

// Background sync: the browser wakes the worker when the signal returns, even with the tab closed.
self.addEventListener("sync", (event) => {
  // A run that found no network fails the sync event, so that the browser tries again later by itself.
  if (event.tag === "field-outbox") {
    event.waitUntil(self.FieldOutbox.sendAll().then(async (result) => {
      await notify();
      if (result.state === "offline" || result.state === "later") throw new Error(result.state);
    }));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "send") event.waitUntil(self.FieldOutbox.sendAll().then(notify));
});

async function notify() {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage("outbox-changed");
}
{% endautoescape %}
