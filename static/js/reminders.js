/* "Turn on reminders" on the Reminders and display page. The browser's permission
   prompt appears only after the patient taps the button; the subscription is
   then handed to the server (one per device). */

(function () {
  "use strict";

  const panel = document.getElementById("push-panel");
  if (!panel) return;
  const csrf = document.querySelector("input[name=csrftoken]");
  const say = (role) => {
    for (const note of panel.querySelectorAll("[data-note]")) note.hidden = note.dataset.note !== role;
  };

  function keyBytes(base64url) {
    const padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  async function send(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error("server said " + response.status);
    return response;
  }

  async function turnOn() {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
      say("unsupported");
      return;
    }
    say("working");
    const permission = await Notification.requestPermission();
    if (permission !== "granted") {
      say("denied");
      return;
    }
    try {
      const registration = await navigator.serviceWorker.ready;
      const answer = await fetch(panel.dataset.keyUrl, { credentials: "same-origin" });
      const { application_server_key: key } = await answer.json();
      const subscription =
        (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) }));
      await send(panel.dataset.subscribeUrl, subscription.toJSON());
      window.location.assign(panel.dataset.doneUrl);
    } catch (failed) {
      say("failed");
    }
  }

  async function turnOff() {
    try {
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription();
      if (subscription) {
        await send(panel.dataset.unsubscribeUrl, { endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      window.location.assign(panel.dataset.doneUrl);
    } catch (failed) {
      say("failed");
    }
  }

  panel.querySelector("[data-role=on]").addEventListener("click", turnOn);
  const off = panel.querySelector("[data-role=off]");
  if (off) off.addEventListener("click", turnOff);
  for (const button of panel.querySelectorAll("button")) button.hidden = false;
  say(Notification && Notification.permission === "denied" ? "denied" : "");
})();
