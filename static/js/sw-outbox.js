/* The offline queue in the service worker: Background Sync sends what the page
   queued, even after the app was closed (Chromium; elsewhere the page sends it on
   its next load). Only the entries of the patient signed in on this phone are
   sent; a signed-out phone keeps them for their patient. Loaded by sw.js. */

/* global tsuranaiStore */
"use strict";

self.addEventListener("sync", (event) => {
  if (event.tag !== "tsuranai-outbox") return;
  event.waitUntil(
    (async () => {
      const who = await tsuranaiStore.getMeta("session");
      if (!who) return;
      const result = await tsuranaiStore.flush(who.patient, who.csrf, CONFIG.batch);
      // Rejecting asks the browser to try this sync again later.
      if (!result) throw new Error("outbox not sent yet");
      if (result.sent) {
        for (const client of await self.clients.matchAll({ type: "window" })) {
          client.postMessage({ type: "OUTBOX_SENT" });
        }
      }
    })(),
  );
});
