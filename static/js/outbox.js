/* The offline queue, page side. With no connection, a cramp (with its details), a
   morning check-in, a routine done or a glass of water is kept in IndexedDB with
   its client UUID instead of being lost, shown as "waiting to send (N)", and sent
   as one batch (POST /api/v1/batch) when the page loads, when the phone is back
   online, when the app comes to the front, by Background Sync, or on "Send now".
   An entry leaves the queue only when the server acknowledged it; sending it
   again changes nothing (the server's client-UUID rule). Entries belong to the
   patient signed in when they were made and are never sent under another. */

(function () {
  "use strict";

  const body = document.body;
  const store = window.tsuranaiStore;
  const patient = body.dataset.patient ? Number(body.dataset.patient) : null;
  const panel = document.getElementById("outbox");
  if (!store || !patient || !panel || !body.dataset.batchUrl) return;

  const urls = {
    batch: body.dataset.batchUrl,
    cramp: body.dataset.crampUrl,
    checkin: body.dataset.checkinUrl,
  };
  const COMPLETION = /\/plan-items\/(\d+)\/completions$/;
  const INTEGER_FIELDS = ["severity", "duration_minutes", "cramp_count", "worst_severity", "sleep_disturbance", "sets", "minutes", "reps"];
  const LIST_FIELDS = ["sites", "symptoms"];

  function csrf() {
    const field = document.querySelector("input[name=csrftoken]");
    return field ? field.value : "";
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /* An instant with the phone's UTC offset, as the API wants it. */
  function isoWithOffset(date) {
    const minutes = -date.getTimezoneOffset();
    const sign = minutes >= 0 ? "+" : "-";
    const pad = (n) => String(Math.floor(Math.abs(n))).padStart(2, "0");
    const local = new Date(date.getTime() + minutes * 60000).toISOString().slice(0, 19);
    return `${local}${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
  }

  function fields(form, submitter) {
    const data = new FormData(form, submitter || undefined);
    const values = {};
    for (const [name, value] of data.entries()) {
      if (name === "csrftoken" || name === "next" || typeof value !== "string") continue;
      if (LIST_FIELDS.includes(name)) (values[name] = values[name] || []).push(value);
      else values[name] = value;
    }
    return values;
  }

  function tidy(values, names) {
    const out = {};
    for (const name of names) {
      const value = values[name];
      if (value === undefined || value === "") continue;
      if (INTEGER_FIELDS.includes(name)) out[name] = Number(value);
      else if (name === "woke_me_up") out[name] = value === "yes";
      else out[name] = value;
    }
    return out;
  }

  /* The API entry a page form stands for, or null for forms the queue does not keep. */
  function entryFor(form, submitter) {
    const action = new URL(form.action, window.location.href).pathname;
    const values = fields(form, submitter);
    if (action === urls.cramp && values.client_id) {
      const typed = values.at ? new Date(values.at) : null;
      const when = typed && !isNaN(typed) ? typed : new Date();
      const details = tidy(values, ["foot", "sites", "severity", "duration", "duration_minutes", "woke_me_up", "situation", "symptoms", "note"]);
      return { kind: "cramp", op: "create", client_id: values.client_id, body: Object.assign({ occurred_at: isoWithOffset(when) }, details) };
    }
    if (action === urls.checkin && values.evening && values.answer) {
      const answers = tidy(values, ["answer", "cramp_count", "worst_severity", "sleep_disturbance"]);
      return {
        kind: "checkin",
        op: "create",
        client_id: uuid(),
        body: Object.assign({ night_of: values.evening, answered_at: isoWithOffset(new Date()) }, answers),
      };
    }
    const done = COMPLETION.exec(action);
    if (done && values.client_id && values.day) {
      const amounts = tidy(values, ["sets", "minutes", "reps"]);
      return { kind: "completion", op: "create", client_id: values.client_id, body: Object.assign({ plan_item_id: Number(done[1]), day: values.day }, amounts) };
    }
    return null;
  }

  const count = panel.querySelector("[data-role=count]");
  const note = panel.querySelector("[data-role=note]");

  async function show(message) {
    const waiting = (await store.queued(patient)).length;
    panel.hidden = waiting === 0 && !message;
    count.textContent = panel.dataset.template.replace("{n}", waiting);
    count.hidden = waiting === 0;
    panel.querySelector("[data-role=send]").hidden = waiting === 0;
    if (message !== undefined) note.textContent = message;
  }

  function refreshPage() {
    const tonight = document.getElementById("tonight");
    if (tonight && window.htmx) {
      window.htmx.ajax("GET", tonight.getAttribute("hx-get"), { target: "#tonight", swap: "outerHTML" });
    }
  }

  async function send() {
    if (!navigator.onLine) return show();
    const result = await store.flush(patient, csrf(), urls.batch);
    if (!result) return show();
    let message = "";
    if (result.sent) message = panel.dataset.sent;
    if (result.refused.length) {
      const reasons = result.refused.map((r) => (r && r.error) || "").filter(Boolean);
      message = panel.dataset.refused + (reasons.length ? " " + reasons.join(" ") : "");
    }
    await show(message);
    if (result.sent) refreshPage();
  }

  async function requestBackgroundSync() {
    try {
      const registration = await navigator.serviceWorker.ready;
      if (registration.sync) await registration.sync.register("tsuranai-outbox");
    } catch (unsupported) {
      /* no Background Sync: the page sends on its next load, online or visible */
    }
  }

  /* Offline, a form the queue understands is kept here instead of being sent. */
  document.addEventListener(
    "submit",
    (event) => {
      if (navigator.onLine) return;
      const form = event.target;
      const entry = entryFor(form, event.submitter);
      if (!entry) return;
      event.preventDefault();
      event.stopImmediatePropagation();
      store.enqueue(patient, entry).then(() => {
        // The next tap is a new record (another glass, another cramp).
        const id = form.querySelector("input[name=client_id]");
        if (id) id.value = uuid();
        show(panel.dataset.kept);
        requestBackgroundSync();
      });
    },
    true,
  );

  panel.querySelector("[data-role=send]").addEventListener("click", send);
  window.addEventListener("online", send);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") send();
  });
  navigator.serviceWorker &&
    navigator.serviceWorker.addEventListener("message", (event) => {
      if (event.data && event.data.type === "OUTBOX_SENT") show(panel.dataset.sent).then(refreshPage);
    });
  send();
})();
