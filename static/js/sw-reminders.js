/* Reminders in the service worker: show a pushed reminder, and answer its
   "Done" and "In 10 minutes" buttons without opening the app. Loaded by sw.js.

   Acting for the patient needs the session cookie (sent with every same-origin
   fetch) and the CSRF token the page left in IndexedDB; a reminder addressed to
   another patient than the one signed in on this phone is never acted on. */

/* global tsuranaiStore */
"use strict";

self.addEventListener("push", (event) => {
  if (!event.data) return;
  let message;
  try {
    message = event.data.json();
  } catch (notJson) {
    return;
  }
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      tag: message.tag,
      renotify: true,
      icon: CONFIG.icon,
      badge: CONFIG.icon,
      lang: message.lang,
      actions: message.actions,
      data: message,
    }),
  );
});

async function signedIn(message) {
  const who = await tsuranaiStore.getMeta("session");
  return who && who.patient === message.patient ? who : null;
}

async function post(url, token, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body),
  });
  return response.ok;
}

async function markDone(message) {
  const who = await signedIn(message);
  if (!who) return false;
  let all = true;
  for (const due of message.reminders) {
    if (due.plan_item_id === null) continue;
    const ok = await post(message.completions, who.csrf, {
      client_id: due.client_id,
      plan_item_id: due.plan_item_id,
      day: due.day,
    });
    all = all && ok;
  }
  return all;
}

async function snooze(message) {
  const who = await signedIn(message);
  const subscription = await self.registration.pushManager.getSubscription();
  if (!who || !subscription) return false;
  return post(message.snoozeUrl, who.csrf, {
    endpoint: subscription.endpoint,
    keys: message.reminders.map((due) => due.key),
  });
}

async function openApp(url) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).pathname === url && "focus" in client) return client.focus();
  }
  return self.clients.openWindow(url);
}

self.addEventListener("notificationclick", (event) => {
  const notification = event.notification;
  const message = notification.data || {};
  notification.close();
  const act = async () => {
    if (event.action === "done" && (await markDone(message))) return;
    if (event.action === "snooze" && (await snooze(message))) return;
    // Tapped the reminder itself, or the action could not be done here: open the app.
    await openApp(message.url || CONFIG.home);
  };
  event.waitUntil(act());
});
