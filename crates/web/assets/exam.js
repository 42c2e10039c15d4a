// The exam page: answers are kept on the device (localStorage) and sent in order, with a
// sequence number per change, until the server has acknowledged them; the countdown follows
// the server's clock; one question per screen on a phone. Without this script the page is a
// plain form that submits every answer at once.
(function () {
  "use strict";
  var root = document.getElementById("exam");
  if (!root) return;
  var form = document.getElementById("exam-form");
  var attempt = root.dataset.attempt;
  var deadline = Number(root.dataset.deadline);
  var offset = Number(root.dataset.server) - Date.now();
  var csrf = form.querySelector("input[name=_csrf]").value;
  var key = "gj-attempt-" + attempt;
  var t = function (name) { return root.dataset["t" + name] || ""; };

  // The device's queue: { seq, pending: {position: {seq, response}}, flags: {position: true} }.
  var state;
  try { state = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { state = null; }
  if (!state || typeof state !== "object") state = { seq: 0, pending: {}, flags: {} };
  state.pending = state.pending || {};
  state.flags = state.flags || {};
  var saved = {};
  JSON.parse(root.dataset.saved || "[]").forEach(function (a) {
    saved[a.position] = a.seq;
    // Never number a change below what the server holds (another device, a cleared cache).
    if (a.seq > state.seq) state.seq = a.seq;
  });
  // What the server already holds at this seq or newer is no longer waiting (it arrived, but
  // the page was left before the answer came back): take it off the device's queue too.
  var settled = false;
  Object.keys(state.pending).forEach(function (p) {
    if (saved[p] !== undefined && saved[p] >= state.pending[p].seq) { delete state.pending[p]; settled = true; }
  });
  function persist() {
    try { localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* full: keep in memory */ }
  }
  if (settled) persist();

  var sections = Array.prototype.slice.call(root.querySelectorAll("section.question"));
  function section(position) { return root.querySelector("#q" + position); }

  // The fields of a question's prompts or parts, `a<position>_<n>`, in order.
  function numbered(sec) {
    return Array.prototype.slice.call(sec.querySelectorAll("[name^=a" + sec.dataset.position + "_]"));
  }

  function responseOf(sec) {
    var kind = sec.dataset.kind;
    var pos = sec.dataset.position;
    if (kind === "single_choice" || kind === "multiple_choice") {
      var selected = [];
      sec.querySelectorAll("input[name=a" + pos + "]:checked").forEach(function (i) { selected.push(Number(i.value)); });
      return { type: "choice", selected: selected };
    }
    if (kind === "true_false") {
      var c = sec.querySelector("input[name=a" + pos + "]:checked");
      return c ? { type: "true_false", value: c.value === "true" } : null;
    }
    if (kind === "fill_in") {
      var blanks = [];
      sec.querySelectorAll("input[type=text]").forEach(function (i) { blanks.push(i.value); });
      return { type: "fill_in", blanks: blanks };
    }
    if (kind === "numerical") {
      return { type: "numerical", value: sec.querySelector("input[name=a" + pos + "]").value };
    }
    if (kind === "matching") {
      var chosen = [];
      numbered(sec).forEach(function (s) { chosen.push(s.value === "" ? null : Number(s.value)); });
      return { type: "matching", chosen: chosen };
    }
    if (kind === "cloze") {
      var parts = [];
      numbered(sec).forEach(function (p) { parts.push(p.value); });
      return { type: "cloze", parts: parts };
    }
    return { type: "text", text: sec.querySelector("textarea").value };
  }

  function apply(sec, r) {
    var pos = sec.dataset.position;
    if (!r) return;
    if (r.type === "choice") {
      sec.querySelectorAll("input[name=a" + pos + "]").forEach(function (i) { i.checked = r.selected.indexOf(Number(i.value)) >= 0; });
    } else if (r.type === "true_false") {
      sec.querySelectorAll("input[name=a" + pos + "]").forEach(function (i) { i.checked = (i.value === "true") === r.value; });
    } else if (r.type === "fill_in") {
      sec.querySelectorAll("input[type=text]").forEach(function (i, k) { i.value = r.blanks[k] || ""; });
    } else if (r.type === "text") {
      sec.querySelector("textarea").value = r.text;
    } else if (r.type === "numerical") {
      sec.querySelector("input[name=a" + pos + "]").value = r.value;
    } else if (r.type === "matching") {
      numbered(sec).forEach(function (s, k) { var c = r.chosen[k]; s.value = c === null || c === undefined ? "" : String(c); });
    } else if (r.type === "cloze") {
      numbered(sec).forEach(function (p, k) { p.value = r.parts[k] || ""; });
    }
  }

  function answered(sec) {
    var r = responseOf(sec);
    if (!r) return false;
    if (r.type === "choice") return r.selected.length > 0;
    if (r.type === "fill_in") return r.blanks.some(function (b) { return b.trim() !== ""; });
    if (r.type === "text") return r.text.trim() !== "";
    if (r.type === "numerical") return r.value.trim() !== "";
    if (r.type === "matching") return r.chosen.some(function (c) { return c !== null; });
    if (r.type === "cloze") return r.parts.some(function (p) { return p.trim() !== ""; });
    return true;
  }

  // Answers waiting on this device win over what the page was rendered with.
  Object.keys(state.pending).forEach(function (p) {
    var sec = section(p);
    if (sec) apply(sec, state.pending[p].response);
  });
  Object.keys(state.flags).forEach(function (p) {
    var box = root.querySelector("[data-flag='" + p + "']");
    if (box) box.checked = true;
  });

  var online = true;
  function render() {
    var waiting = Object.keys(state.pending).length;
    var sync = document.getElementById("sync");
    sync.textContent = waiting === 0 ? t("Saved") : (online ? t("Waiting") : t("Offline")).replace("{n}", waiting);
    sync.className = "sync " + (waiting === 0 ? "ok" : online ? "waiting" : "offline");
    sections.forEach(function (sec) {
      var p = sec.dataset.position;
      var status = sec.querySelector(".q-status");
      var isWaiting = state.pending[p] !== undefined;
      var has = answered(sec);
      status.textContent = isWaiting ? t("QWaiting") : (has ? t("QSaved") : "");
      var link = root.querySelector("[data-goto='" + p + "']");
      if (link) {
        link.classList.toggle("answered", has);
        link.classList.toggle("waiting", isWaiting);
        link.classList.toggle("flagged", !!state.flags[p]);
      }
    });
  }

  var inFlight = false;
  var backoff = 1000;
  var timer = null;
  function schedule(ms) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, ms);
  }
  function batch() {
    return Object.keys(state.pending)
      .map(function (p) { return { position: Number(p), seq: state.pending[p].seq, response: state.pending[p].response }; })
      .sort(function (a, b) { return a.seq - b.seq; });
  }
  function post(path, body) {
    return fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    });
  }
  function acknowledge(saved) {
    saved.forEach(function (pair) {
      var p = String(pair[0]);
      if (state.pending[p] && state.pending[p].seq <= pair[1]) delete state.pending[p];
    });
    persist();
  }
  function flush() {
    timer = null;
    var answers = batch();
    if (inFlight || answers.length === 0 || submitting) return;
    inFlight = true;
    post("/api/v1/attempts/" + attempt + "/answers", { answers: answers })
      .then(function (res) {
        if (res.status === 409) { location.reload(); return null; }
        if (res.status === 422) { return isolate().then(function () { return null; }); }
        if (!res.ok) throw new Error("HTTP " + res.status);
        return res.json();
      })
      .then(function (body) {
        inFlight = false;
        if (!body) { render(); return; }
        online = true;
        backoff = 1000;
        offset = body.server_ms - Date.now();
        acknowledge(body.saved);
        render();
        if (Object.keys(state.pending).length > 0) schedule(200);
      })
      .catch(function () {
        inFlight = false;
        online = false;
        render();
        schedule(backoff);
        backoff = Math.min(backoff * 2, 30000);
      });
  }

  // The server refused the batch (an answer it cannot take): send the answers one at a time
  // and drop only those it refuses, so that one bad answer never holds back the others.
  function isolate() {
    return batch().reduce(function (chain, a) {
      return chain.then(function () {
        return post("/api/v1/attempts/" + attempt + "/answers", { answers: [a] }).then(function (res) {
          if (res.status === 422) {
            delete state.pending[String(a.position)];
            persist();
            return null;
          }
          if (!res.ok) throw new Error("HTTP " + res.status);
          return res.json().then(function (body) { acknowledge(body.saved); });
        });
      });
    }, Promise.resolve());
  }

  function changed(sec) {
    state.seq += 1;
    state.pending[sec.dataset.position] = { seq: state.seq, response: responseOf(sec) };
    persist();
    render();
    schedule(600);
  }
  sections.forEach(function (sec) {
    sec.addEventListener("change", function (e) {
      if (e.target.classList.contains("flag-box")) {
        if (e.target.checked) state.flags[sec.dataset.position] = true;
        else delete state.flags[sec.dataset.position];
        persist();
        render();
        return;
      }
      // Typing is queued as it happens ("input" below). Leaving the field changes nothing, and
      // queueing it again would redraw the status while a tap on "next" is under way: the
      // button moves away between press and release and the tap is lost.
      if (e.target.type === "text" || e.target.tagName === "TEXTAREA") return;
      changed(sec);
    });
    sec.addEventListener("input", function (e) {
      if (e.target.type === "text" || e.target.tagName === "TEXTAREA") changed(sec);
    });
  });
  window.addEventListener("online", function () { backoff = 1000; schedule(0); });
  window.addEventListener("offline", function () { online = false; render(); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") flush(); });

  // One question per screen on narrow screens, with the overview to jump around.
  var current = 0;
  var paged = window.matchMedia("(max-width: 760px)").matches;
  function show(i) {
    current = Math.max(0, Math.min(sections.length - 1, i));
    sections.forEach(function (sec, k) { sec.hidden = paged && k !== current; });
    if (paged) window.scrollTo(0, 0);
  }
  if (paged) {
    root.classList.add("paged");
    var overview = document.getElementById("overview");
    var toggle = document.getElementById("overview-toggle");
    toggle.hidden = false;
    overview.hidden = true;
    toggle.addEventListener("click", function () {
      overview.hidden = !overview.hidden;
      toggle.setAttribute("aria-expanded", String(!overview.hidden));
    });
    sections.forEach(function (sec, k) {
      var nav = sec.querySelector(".q-nav");
      nav.hidden = false;
      nav.querySelector(".prev").disabled = k === 0;
      nav.querySelector(".next").disabled = k === sections.length - 1;
      nav.querySelector(".prev").addEventListener("click", function () { show(k - 1); });
      nav.querySelector(".next").addEventListener("click", function () { show(k + 1); });
    });
    overview.addEventListener("click", function (e) {
      var p = e.target.dataset && e.target.dataset.goto;
      if (p === undefined) return;
      e.preventDefault();
      overview.hidden = true;
      show(sections.findIndex(function (s) { return s.dataset.position === p; }));
    });
    show(0);
  }

  var submitting = false;
  function submit(confirmFirst) {
    if (submitting) return;
    if (confirmFirst) {
      var open = sections.filter(function (s) { return !answered(s); }).length;
      var message = t("Confirm") + (open > 0 ? "\n" + t("Unanswered").replace("{n}", open) : "");
      if (!window.confirm(message)) return;
    }
    submitting = true;
    document.getElementById("sync").textContent = t("Submitting");
    post("/api/v1/attempts/" + attempt + "/submit", { answers: batch() })
      .then(function (res) {
        if (res.status === 422) {
          // An answer the server cannot take: keep the others, then submit again.
          submitting = false;
          return isolate().then(function () { submit(false); });
        }
        if (!res.ok && res.status !== 409) throw new Error("HTTP " + res.status);
        try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
        location.reload();
      })
      .catch(function () {
        // Offline: the answers stay on the device; try again shortly.
        submitting = false;
        online = false;
        render();
        setTimeout(function () { submit(false); }, backoff);
        backoff = Math.min(backoff * 2, 30000);
      });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    submit(true);
  });

  var countdown = document.getElementById("countdown");
  function tick() {
    var left = Math.max(0, deadline - (Date.now() + offset));
    var s = Math.floor(left / 1000);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    countdown.textContent = (h > 0 ? h + ":" : "") + pad(m) + ":" + pad(s % 60);
    countdown.classList.toggle("urgent", left < 5 * 60 * 1000);
    if (left === 0 && !submitting) {
      countdown.textContent = t("TimeUp");
      submit(false);
      return;
    }
    setTimeout(tick, 250);
  }
  render();
  tick();
  if (Object.keys(state.pending).length > 0) schedule(0);
})();
