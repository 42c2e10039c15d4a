// The judge's sheet: each score is kept on the device (localStorage) and sent on its own,
// in order, until the server says it is stored; a lost connection or a reload loses nothing.
// A save is idempotent (the same value again is "same"), so resending is always safe.
// Without this script every entrant's row is an ordinary form.
(function () {
  "use strict";
  var sheet = document.getElementById("judge-sheet");
  if (!sheet) return;
  var panel = sheet.getAttribute("data-panel");
  var csrf = sheet.getAttribute("data-csrf");
  var sync = document.getElementById("judge-sync");
  var key = "gongjiang-scores-" + panel;
  var t = function (name) { return sheet.getAttribute("data-t-" + name) || name; };
  var queue = [];
  try { queue = JSON.parse(localStorage.getItem(key) || "[]") || []; } catch (e) { queue = []; }
  var keep = function () {
    try { localStorage.setItem(key, JSON.stringify(queue)); } catch (e) { /* full: keep in memory */ }
  };
  var cell = function (entry, criterion) {
    return sheet.querySelector("input[data-entry='" + entry + "'][data-criterion='" + criterion + "']");
  };
  var mark = function (item, state, message) {
    var input = cell(item.entry_id, item.criterion_id);
    if (!input) return;
    input.setAttribute("data-state", state);
    var note = document.getElementById(input.id + "-note");
    if (note) note.textContent = message || "";
    if (state === "error") input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  };
  var render = function (online) {
    var n = queue.length;
    sync.textContent = n === 0 ? t("saved") : (online ? t("waiting") : t("offline")).replace("{n}", n);
    sync.className = "sync " + (n === 0 ? "ok" : online ? "waiting" : "offline");
  };
  // Typed values still waiting from an earlier visit show in their cells.
  queue.forEach(function (item) {
    var input = cell(item.entry_id, item.criterion_id);
    if (input) { input.value = item.points; mark(item, "waiting", t("q_waiting")); }
  });
  var backoff = 1000, timer = null, busy = false;
  var schedule = function (ms) { clearTimeout(timer); timer = setTimeout(flush, ms); };
  var flush = function () {
    if (busy || queue.length === 0) { render(true); return; }
    busy = true;
    var item = queue[0];
    fetch("/api/v1/panels/" + panel + "/scores", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify(item)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        busy = false;
        if (response.ok) {
          queue.shift(); keep(); backoff = 1000;
          var done = cell(item.entry_id, item.criterion_id);
          if (done) done.setAttribute("data-saved", item.points);
          mark(item, "saved", t("q_saved"));
          render(true); schedule(0);
        } else if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          // Refused for good (above the maximum, closed panel…): say why, keep the rest going.
          queue.shift(); keep();
          var fields = (body.error && body.error.fields) || [];
          mark(item, "error", fields.length ? fields[0].message : (body.error && body.error.message) || "");
          render(true); schedule(0);
        } else {
          render(false); backoff = Math.min(backoff * 2, 30000); schedule(backoff);
        }
      });
    }).catch(function () {
      busy = false; render(false); backoff = Math.min(backoff * 2, 30000); schedule(backoff);
    });
  };
  sheet.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.hasAttribute("data-criterion")) return;
    var item = {
      entry_id: Number(input.getAttribute("data-entry")),
      criterion_id: Number(input.getAttribute("data-criterion")),
      points: input.value.trim()
    };
    if (item.points === "") return;
    // The same value as the one the server holds: nothing to send (a change event can come
    // twice for one edit).
    if (input.getAttribute("data-saved") === item.points &&
        !queue.some(function (q) { return q.entry_id === item.entry_id && q.criterion_id === item.criterion_id; })) {
      return;
    }
    var stored = input.getAttribute("data-stored");
    if (stored && stored !== item.points) {
      var reason = window.prompt(t("correction"));
      if (!reason) { input.value = stored; return; }
      item.correction = reason;
    }
    queue = queue.filter(function (q) { return !(q.entry_id === item.entry_id && q.criterion_id === item.criterion_id); });
    queue.push(item); keep();
    input.setAttribute("data-stored", item.points);
    mark(item, "waiting", t("q_waiting"));
    render(true); schedule(0);
  });
  // The rows' own buttons and reason fields are for pages without this script (here a
  // change asks for its reason when it needs one).
  Array.prototype.forEach.call(sheet.querySelectorAll(".row-save, .row-correction"), function (b) { b.style.display = "none"; });
  sheet.addEventListener("submit", function (event) {
    if (event.target.classList.contains("row-form")) event.preventDefault();
  });
  window.addEventListener("online", function () { backoff = 1000; schedule(0); });
  window.addEventListener("offline", function () { render(false); });
  render(true);
  schedule(0);
})();
