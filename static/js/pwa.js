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

  offerInstall();
  registerWorker();
})();
