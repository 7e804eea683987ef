/* Tsuranai's service worker, served from /sw.js (app/routes/pwa.py) so that its
   scope is the whole site. Workbox 7 is vendored in static/js/workbox-v7.4.1.

   The route fills in SHELL (the app shell with content hashes) and VERSION when it
   serves this file: any change to a shell file changes this file's bytes, so the
   browser installs the new worker and the page offers "update available".

   Pages are network-first. The server marks signed-in pages Cache-Control:
   no-store, which keeps them out of the HTTP cache; this worker keeps its own copy
   on purpose (the Cache API ignores that header) so that the home screen and the
   offline page still open with no signal. Signing out clears every page cache. */

/* global workbox, idb */
"use strict";

const SHELL = []; /* filled in by app/routes/pwa.py */
const VERSION = "dev"; /* filled in by app/routes/pwa.py */
const CONFIG = {}; /* filled in by app/routes/pwa.py: urls the worker needs */

importScripts(CONFIG.workbox + "workbox-sw.js");
workbox.setConfig({ modulePathPrefix: CONFIG.workbox, debug: false });
// Further scripts of the worker (the offline queue, reminders), in order.
importScripts(...CONFIG.imports);

const PAGES = "tsuranai-pages";
const { precacheAndRoute, matchPrecache, cleanupOutdatedCaches } = workbox.precaching;
const { registerRoute, NavigationRoute } = workbox.routing;

workbox.core.setCacheNameDetails({ prefix: "tsuranai", suffix: "", precache: "shell" });
cleanupOutdatedCaches();
// Static URLs carry ?v=<content hash>; the precache holds each file once, by revision.
precacheAndRoute(SHELL, { ignoreURLParametersMatching: [/^v$/, /^utm_/] });

/* ---- pages: network first, then this page's last copy (the home screen whatever its
   query), then the offline page ---- */

function isHome(url) {
  return url.pathname === CONFIG.home;
}

async function rememberPage(request, response) {
  // Only whole, successful pages of a signed-in patient: never a redirect to the
  // sign-in page, never an error.
  if (response.ok && response.type === "basic" && !response.redirected) {
    const cache = await caches.open(PAGES);
    const url = new URL(request.url);
    // The home screen is kept under its bare path, whatever query opened it.
    const key = isHome(url) ? CONFIG.home : url.pathname + url.search;
    await cache.put(key, response.clone());
  }
  return response;
}

async function pageFallback(request) {
  const cache = await caches.open(PAGES);
  const url = new URL(request.url);
  return (
    (await cache.match(url.pathname + url.search)) ||
    (isHome(url) ? await cache.match(CONFIG.home) : undefined) ||
    (await matchPrecache(CONFIG.offline)) ||
    Response.error()
  );
}

registerRoute(
  new NavigationRoute(
    async ({ request }) => {
      try {
        const response = await fetch(request);
        if (new URL(request.url).pathname.startsWith(CONFIG.pages)) {
          return await rememberPage(request, response);
        }
        return response;
      } catch (offline) {
        return pageFallback(request);
      }
    },
    { denylist: [/^\/api\//, /^\/static\//] },
  ),
);

/* ---- signing out: no page of this account may outlive the session ---- */

async function clearPages() {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith(PAGES)).map((n) => caches.delete(n)));
}

for (const path of CONFIG.signOut) {
  registerRoute(
    ({ url }) => url.pathname === path,
    async ({ request }) => {
      await clearPages();
      return fetch(request);
    },
    "POST",
  );
}

/* ---- lifecycle ---- */

self.addEventListener("install", () => {
  // The first worker takes over at once; later ones wait for the page's "reload".
  if (!self.registration.active) self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("message", (event) => {
  const kind = event.data && event.data.type;
  if (kind === "SKIP_WAITING") self.skipWaiting();
  if (kind === "CLEAR_PAGES") event.waitUntil(clearPages());
  // A page that loaded while the first worker was activating missed clients.claim().
  if (kind === "CLAIM") event.waitUntil(self.clients.claim());
  if (kind === "VERSION") event.ports[0] && event.ports[0].postMessage(VERSION);
});
