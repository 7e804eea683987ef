// A page brought back with the Back button (from the back-forward cache, or from the
// HTTP cache) still carries the entry UUIDs it was rendered with, and the server
// takes the same UUID for a repeat of the same entry. A tap on such a page is a new
// entry (a second cramp, another glass), so it gets a new UUID first.
(function () {
  "use strict";

  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    var hex = Array.prototype.map
      .call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); })
      .join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  function cameBack(event) {
    if (event.persisted) {
      return true;
    }
    var entries = window.performance && window.performance.getEntriesByType
      ? window.performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].type === "back_forward";
  }

  window.addEventListener("pageshow", function (event) {
    if (!cameBack(event)) {
      return;
    }
    document.querySelectorAll('input[type="hidden"][name="client_id"]').forEach(
      function (input) { input.value = newUuid(); }
    );
  });
})();
