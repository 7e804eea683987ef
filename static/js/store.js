/* The app's IndexedDB (idb, vendored), shared by the pages and the service worker:
   "meta" holds who is signed in and the CSRF token the worker needs to act for
   the page; "outbox" holds records made offline, each tagged with the patient
   who made it, until the server has acknowledged them. */

(function (scope) {
  "use strict";

  const NAME = "tsuranai";
  const VERSION = 1;
  // Answers after which an entry leaves the queue (docs/CONVENTIONS.md, the batch):
  // stored, already stored, gone, or in conflict. 5xx and network failures stay.
  const SETTLED = new Set([200, 201, 204, 404, 409, 410]);

  let opening = null;
  function open() {
    opening =
      opening ||
      scope.idb.openDB(NAME, VERSION, {
        upgrade(db) {
          db.createObjectStore("meta");
          const outbox = db.createObjectStore("outbox", { keyPath: "id" });
          outbox.createIndex("patient", "patient");
        },
      });
    return opening;
  }

  async function getMeta(key) {
    return (await open()).get("meta", key);
  }

  async function setMeta(key, value) {
    await (await open()).put("meta", value, key);
  }

  async function queued(patient) {
    return (await open()).getAllFromIndex("outbox", "patient", patient);
  }

  async function enqueue(patient, entry) {
    const record = Object.assign({}, entry, {
      id: entry.client_id + ":" + entry.op,
      patient: patient,
      queued_at: new Date().toISOString(),
    });
    await (await open()).put("outbox", record);
    return record;
  }

  /* Send this patient's queue as one batch. Entries leave only when the server
     acknowledged them; refused ones (422) are returned so the page can say why.
     Resolves to {sent, refused, left} or null when nothing could be sent. */
  let sending = null;
  function flush(patient, csrf, batchUrl) {
    if (sending) return sending;
    sending = (async () => {
      const entries = (await queued(patient)).sort((a, b) => (a.queued_at < b.queued_at ? -1 : 1));
      if (!entries.length) return { sent: 0, refused: [], left: 0 };
      const batch = entries.slice(0, 100);
      let response;
      try {
        response = await fetch(batchUrl, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
          body: JSON.stringify({
            entries: batch.map((e) => ({ kind: e.kind, op: e.op, client_id: e.client_id, body: e.body })),
          }),
        });
      } catch (offline) {
        return null;
      }
      if (!response.ok) return null;
      const answer = await response.json();
      const db = await open();
      let sent = 0;
      const refused = [];
      for (let i = 0; i < answer.results.length && i < batch.length; i++) {
        const status = answer.results[i].status;
        if (SETTLED.has(status) || status === 422) {
          await db.delete("outbox", batch[i].id);
          if (status === 422) refused.push(answer.results[i].body);
          else sent += 1;
        }
      }
      return { sent: sent, refused: refused, left: (await queued(patient)).length };
    })().finally(() => {
      sending = null;
    });
    return sending;
  }

  scope.tsuranaiStore = { open, getMeta, setMeta, queued, enqueue, flush };
})(self);
