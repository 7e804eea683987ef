/* The page side of the installable app: registers the service worker, offers an
   update when a new version is waiting, and explains installing on an iPhone
   (Safari has no install prompt). Uses workbox-window (vendored). */

(function () {
  "use strict";

  const body = document.body;
  const DISMISSED = "tsuranai.install-dismissed";

  function show(id) {
    const element = document.getElementById(id);
    if (element) element.hidden = false;
    return element;
  }

  function remember(key) {
    try {
      localStorage.setItem(key, "1");
    } catch (blocked) {
      /* private mode: the hint comes back next time, which is harmless */
    }
  }

  function recalled(key) {
    try {
      return localStorage.getItem(key) === "1";
    } catch (blocked) {
      return false;
    }
  }

  function isStandalone() {
    return (
      window.matchMedia("(display-mode: standalone)").matches || window.navigator.standalone === true
    );
  }

  function isIosSafari() {
    const agent = window.navigator.userAgent;
    const ios = /iPhone|iPad|iPod/.test(agent) || (/Macintosh/.test(agent) && navigator.maxTouchPoints > 1);
    return ios && /Safari/.test(agent) && !/CriOS|FxiOS|EdgiOS/.test(agent);
  }

  function offerInstall() {
    if (body.dataset.signedIn !== "true" || isStandalone() || recalled(DISMISSED)) return;
    if (isIosSafari()) {
      const hint = show("install-hint");
      hint.querySelector("[data-role=dismiss]").addEventListener("click", () => {
        hint.hidden = true;
        remember(DISMISSED);
      });
    }
    // Chromium browsers offer their own prompt; keep it for a button the patient taps.
    window.addEventListener("beforeinstallprompt", (event) => {
      event.preventDefault();
      const offer = show("install-offer");
      offer.querySelector("[data-role=install]").addEventListener("click", () => {
        offer.hidden = true;
        event.prompt();
      });
      offer.querySelector("[data-role=dismiss]").addEventListener("click", () => {
        offer.hidden = true;
        remember(DISMISSED);
      });
    });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator) || !window.workbox) return;
    const wb = new window.workbox.Workbox(body.dataset.serviceWorker, { scope: "/" });
    wb.addEventListener("waiting", () => {
      const notice = show("update-available");
      notice.querySelector("[data-role=reload]").addEventListener("click", () => {
        wb.addEventListener("controlling", () => window.location.reload());
        wb.messageSkipWaiting();
      });
    });
    wb.register().then(() => {
      // Signed out (or the session ran out): no page of the last account stays cached.
      if (body.dataset.signedIn !== "true") wb.messageSW({ type: "CLEAR_PAGES" });
    });
    // A page opened while the very first worker was activating is not yet controlled:
    // ask the worker to take it, so it works offline without a second visit.
    // (navigator.serviceWorker.ready, not wb.active: the worker may have been
    // installed by an earlier page, and then workbox-window never sees it activate.)
    navigator.serviceWorker.ready.then((registration) => {
      if (!navigator.serviceWorker.controller && registration.active) {
        registration.active.postMessage({ type: "CLAIM" });
      }
    });
    window.tsuranaiWorker = wb;
  }

  /* The worker acts for the page (a reminder's "Done", sending the offline queue
     in the background): it needs to know who is signed in and the CSRF token. */
  function shareSession() {
    if (!window.tsuranaiStore) return Promise.resolve();
    const patient = body.dataset.patient ? Number(body.dataset.patient) : null;
    const field = document.querySelector("input[name=csrftoken]");
    const value = patient && field ? { patient: patient, csrf: field.value } : null;
    return window.tsuranaiStore.setMeta("session", value).catch(() => {});
  }

  /* One subscription per device, re-checked when the app opens: the browser may
     have renewed it, or the server forgotten it. Once per browser session. */
  function recheckReminders() {
    if (!body.dataset.patient || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    try {
      if (sessionStorage.getItem("tsuranai.push-checked") === body.dataset.patient) return;
      sessionStorage.setItem("tsuranai.push-checked", body.dataset.patient);
    } catch (blocked) {
      return;
    }
    navigator.serviceWorker.ready
      .then((registration) => registration.pushManager.getSubscription())
      .then((subscription) => {
        if (!subscription) return;
        const field = document.querySelector("input[name=csrftoken]");
        return fetch(body.dataset.pushSubscribe, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": field ? field.value : "" },
          body: JSON.stringify(subscription.toJSON()),
        });
      })
      .catch(() => {});
  }

  /* Confirmations and errors must not land under the sticky header: keep the
     header's height in --header-height (scroll-padding-top in pwa.css), and after
     an htmx swap bring the first notice in the new content into view. */
  function trackHeader() {
    const header = document.querySelector(".site-header");
    if (!header) return;
    const update = () =>
      document.documentElement.style.setProperty("--header-height", header.offsetHeight + "px");
    update();
    window.addEventListener("resize", update);
  }

  function revealNotices(event) {
    const ctx = event.detail && event.detail.ctx;
    const root = (ctx && ctx.target && ctx.target.isConnected ? ctx.target : null) || document.getElementById("main");
    if (!root || !root.querySelector) return;
    const notice =
      (root.matches(".alert, [role=alert]") ? root : null) ||
      root.querySelector(".alert, [role=alert], .field-error");
    if (!notice) return;
    const header = document.querySelector(".site-header");
    const top = header ? header.getBoundingClientRect().bottom : 0;
    const box = notice.getBoundingClientRect();
    if (box.top < top || box.bottom > window.innerHeight) {
      notice.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  }

  trackHeader();
  document.addEventListener("htmx:after:settle", revealNotices);
  offerInstall();
  shareSession();
  registerWorker();
  recheckReminders();
})();
