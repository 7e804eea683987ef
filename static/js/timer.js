/* Guided timers for the care plan: plain JavaScript, no framework.
 *
 * The page lists the steps (<ol data-role="steps">, rendered by the server with
 * their words and lengths) and a plain form that records what was done. This
 * script adds the countdown. Where the patient is in the routine is always worked
 * out from timestamps kept in localStorage (start, pause, total paused), never by
 * counting ticks, so pausing, leaving the page, or the phone locking cannot lose
 * the place: the next look at the clock puts it right. Finishing fills the form
 * with what was actually done (2 of 3 sets records 2) and sends it.
 */
(function () {
  "use strict";

  var root = document.getElementById("timer");
  var list = document.querySelector('[data-role="steps"]');
  var form = document.querySelector('form[data-role="record"]');
  if (!root || !list || !form) return;

  var TIMED = ["soak", "massage", "walk"];
  // A timer left alone longer than this is stale: start afresh.
  var MAX_AGE_MS = 3 * 60 * 60 * 1000;
  var SOUND_KEY = "tsuranai:sound";

  var steps = [];
  var offset = 0;
  Array.prototype.forEach.call(list.querySelectorAll("li"), function (li) {
    var seconds = Number(li.dataset.seconds) || 0;
    steps.push({
      el: li,
      kind: li.dataset.kind,
      label: li.dataset.label,
      seconds: seconds,
      set: li.dataset.set ? Number(li.dataset.set) : null,
      reps: li.dataset.reps ? Number(li.dataset.reps) : null,
      start: offset,
      end: offset + seconds * 1000
    });
    offset += seconds * 1000;
  });
  var totalMs = offset;
  if (!steps.length || !totalMs) return;
  var totalSets = steps.filter(function (s) { return s.kind === "hold"; }).length;

  function part(role) { return root.querySelector('[data-role="' + role + '"]'); }
  function button(action) { return root.querySelector('[data-action="' + action + '"]'); }
  var label = part("label"), count = part("count"), detail = part("detail");
  var progress = part("progress"), live = part("live"), sound = part("sound");
  var buttons = { start: button("start"), pause: button("pause"), resume: button("resume"), finish: button("finish") };
  var text = root.dataset;
  var key = text.storageKey;

  // --- state, kept across page loads ------------------------------------------------

  var state = load();
  var ticker = null;
  var shownStep = -1;
  var lastRep = -1;

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(key) || "null");
      if (saved && Date.now() - saved.startedAt < MAX_AGE_MS) return saved;
      localStorage.removeItem(key);
    } catch (e) { /* storage unavailable (private mode): the timer still runs */ }
    return null;
  }

  function save() {
    try {
      if (state) localStorage.setItem(key, JSON.stringify(state));
      else localStorage.removeItem(key);
    } catch (e) { /* see load() */ }
  }

  function elapsed() {
    if (!state) return 0;
    var until = state.pausedAt !== null ? state.pausedAt : Date.now();
    return Math.max(0, until - state.startedAt - state.pausedMs);
  }

  function stepIndexAt(ms) {
    for (var i = 0; i < steps.length; i++) if (ms < steps[i].end) return i;
    return steps.length;
  }

  // What was done after ms of the routine: whole holds, whole minutes, whole reps.
  function doneAt(ms) {
    var sets = steps.filter(function (s) { return s.kind === "hold" && s.end <= ms; }).length;
    var timed = steps.filter(function (s) { return TIMED.indexOf(s.kind) >= 0; })[0];
    var minutes = 0;
    if (timed) minutes = Math.floor(Math.min(Math.max(ms - timed.start, 0), timed.seconds * 1000) / 60000);
    var repStep = steps.filter(function (s) { return s.kind === "reps"; })[0];
    var reps = 0;
    if (repStep) reps = Math.min(repStep.reps, Math.floor(Math.max(0, ms - repStep.start) / (repStep.seconds * 1000 / repStep.reps)));
    return { sets: sets, minutes: minutes, reps: reps };
  }

  // --- the phone: screen, vibration, sound, screen readers --------------------------

  var wakeLock = null;
  function keepAwake() {
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible" || wakeLock) return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { wakeLock = null; });
  }
  function letSleep() {
    if (wakeLock) { wakeLock.release().catch(function () {}); wakeLock = null; }
  }

  function buzz(pattern) {
    if (navigator.vibrate) { try { navigator.vibrate(pattern); } catch (e) { /* not allowed */ } }
  }

  var audio = null;
  function beep(frequency, seconds) {
    if (!sound || !sound.checked) return;
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return;
      audio = audio || new Context();
      if (audio.state === "suspended") audio.resume();
      var oscillator = audio.createOscillator();
      var gain = audio.createGain();
      var t0 = audio.currentTime;
      oscillator.type = "sine";
      oscillator.frequency.value = frequency || 660;
      gain.gain.setValueAtTime(0.0001, t0);
      gain.gain.exponentialRampToValueAtTime(0.08, t0 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + (seconds || 0.2));
      oscillator.connect(gain);
      gain.connect(audio.destination);
      oscillator.start(t0);
      oscillator.stop(t0 + (seconds || 0.2) + 0.05);
    } catch (e) { /* no sound is fine */ }
  }

  function announce(message) {
    // Cleared first so that the same words twice are still read out.
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 50);
  }

  // --- showing it -------------------------------------------------------------------

  function clock(seconds) {
    if (seconds < 60) return String(seconds);
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }

  function setDetail(step, ms) {
    if (step.kind === "reps") {
      var per = step.seconds * 1000 / step.reps;
      var n = Math.min(step.reps, Math.floor((ms - step.start) / per) + 1);
      var gripping = ((ms - step.start) % per) < per / 2;
      label.textContent = gripping ? text.textGrip : text.textOpen;
      count.textContent = String(n);
      detail.textContent = fill(text.textRep, { n: n, total: step.reps });
      if (n !== lastRep) { lastRep = n; buzz(40); beep(520, 0.1); }
      return;
    }
    label.textContent = step.label;
    count.textContent = clock(Math.max(0, Math.ceil((step.end - ms) / 1000)));
    if (totalSets) {
      var current = step.set || Math.min(totalSets, doneAt(ms).sets + 1);
      detail.textContent = fill(text.textSet, { n: current, total: totalSets });
    } else {
      detail.textContent = "";
    }
  }

  function showButtons(mode) {
    buttons.start.hidden = mode !== "idle";
    buttons.pause.hidden = mode !== "running";
    buttons.resume.hidden = mode !== "paused";
    buttons.finish.hidden = mode === "idle" || mode === "finished";
    root.dataset.state = mode;
  }

  function markStep(index) {
    steps.forEach(function (s, i) {
      if (i === index) s.el.setAttribute("aria-current", "step");
      else s.el.removeAttribute("aria-current");
    });
  }

  function render() {
    if (!state) {
      markStep(-1);
      setDetail(steps[0], 0);
      progress.value = 0;
      showButtons("idle");
      return;
    }
    var ms = elapsed();
    if (ms >= totalMs) { finish(true); return; }
    var index = stepIndexAt(ms);
    var step = steps[index];
    if (index !== shownStep) {
      if (shownStep !== -1) { buzz([150]); beep(step.kind === "rest" ? 440 : 660); }
      shownStep = index;
      markStep(index);
      root.dataset.kind = step.kind;
      setDetail(step, ms);
      announce(label.textContent + (detail.textContent ? ", " + detail.textContent : ""));
    }
    setDetail(step, ms);
    progress.value = ms / totalMs;
    showButtons(state.pausedAt !== null ? "paused" : "running");
  }

  function run() {
    if (ticker === null) ticker = window.setInterval(render, 200);
    keepAwake();
    render();
  }

  function halt() {
    if (ticker !== null) { window.clearInterval(ticker); ticker = null; }
    letSleep();
  }

  // --- what the buttons do ---------------------------------------------------------

  function newClientId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") return window.crypto.randomUUID();
    return form.elements.client_id.value;
  }

  function start() {
    state = { startedAt: Date.now(), pausedAt: null, pausedMs: 0, clientId: newClientId() };
    shownStep = -1;
    lastRep = -1;
    save();
    run();
  }

  function pause() {
    if (!state || state.pausedAt !== null) return;
    state.pausedAt = Date.now();
    save();
    halt();
    render();
    announce(text.textPaused);
  }

  function resume() {
    if (!state || state.pausedAt === null) return;
    state.pausedMs += Date.now() - state.pausedAt;
    state.pausedAt = null;
    shownStep = -1;
    save();
    run();
  }

  function send() {
    if (navigator.onLine === false) {
      // Sent as soon as the phone is back online; the values wait in the form.
      window.addEventListener("online", send, { once: true });
      return;
    }
    state = null;
    save();
    if (typeof form.requestSubmit === "function") form.requestSubmit();
    else form.submit();
  }

  function finish(completed) {
    var ms = completed ? totalMs : elapsed();
    var done = doneAt(ms);
    var clientId = state && state.clientId;
    halt();
    var measures = Array.prototype.slice.call(form.querySelectorAll("[data-measure]"));
    var primary = measures[0] ? done[measures[0].dataset.measure] : 0;
    if (measures.length && !primary) {
      // Stopped before a single set or minute: nothing to record.
      state = null;
      save();
      render();
      announce(text.textNothing);
      return;
    }
    measures.forEach(function (input) { input.value = done[input.dataset.measure]; });
    if (clientId) form.elements.client_id.value = clientId;
    showButtons("finished");
    markStep(-1);
    label.textContent = text.textFinished;
    count.textContent = "✓";
    detail.textContent = text.textSaving;
    progress.value = 1;
    buzz([200, 100, 200]);
    beep(880, 0.35);
    announce(text.textFinished + " " + text.textSaving);
    send();
  }

  buttons.start.addEventListener("click", start);
  buttons.pause.addEventListener("click", pause);
  buttons.resume.addEventListener("click", resume);
  buttons.finish.addEventListener("click", function () { finish(false); });

  if (sound) {
    try { sound.checked = localStorage.getItem(SOUND_KEY) === "1"; } catch (e) { /* default off */ }
    sound.addEventListener("change", function () {
      try { localStorage.setItem(SOUND_KEY, sound.checked ? "1" : "0"); } catch (e) { /* fine */ }
      beep(660, 0.15); // also unlocks audio on this tap, as phones require
    });
  }

  // Coming back to the page (or the phone waking) re-reads the clock and takes the
  // screen lock again; the phone released it while hidden.
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState !== "visible") return;
    if (state && state.pausedAt === null) run();
    else render();
  });

  root.hidden = false;
  if (state && state.pausedAt === null) run();
  else render();
})();
