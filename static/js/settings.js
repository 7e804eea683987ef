/* Settings: offer the phone's own time zone when it differs from the one saved.
 * Nothing changes until the patient accepts the offer and saves the form. */
(function () {
  "use strict";
  var select = document.getElementById("field-time_zone");
  var offer = document.getElementById("zone-offer");
  if (!select || !offer || !window.Intl || !Intl.DateTimeFormat) return;
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone || zone === select.value) return;
  var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
  if (!known) return;
  offer.querySelector('[data-role="text"]').textContent = offer.dataset.template.replace("{zone}", zone);
  offer.hidden = false;
  offer.querySelector('[data-role="use"]').addEventListener("click", function () {
    select.value = zone;
    offer.hidden = true;
    select.focus();
  });
})();
