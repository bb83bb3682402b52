/* The adjuster's field form (B7, R7–R12): fill it with or without a signal, keep it on the phone, send it later.
 * The sending itself is outbox.js (shared with the service worker); this file is the page: the form, the list of
 * what waits on the phone with its size, and what became of each item once sent — kept, refused and why, and what
 * happened to its case meanwhile. */
"use strict";
(function () {
  const root = document.getElementById("field");
  const form = document.getElementById("field-form");
  if (!root || !form || !window.FieldOutbox) return;
  const box = window.FieldOutbox;
  const msg = (name) => root.dataset["msg" + name.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())] || name;
  const english = document.documentElement.lang.startsWith("en");
  const colon = english ? ": " : "：";
  const say = (error) => (error ? (english ? error.en : error.zh) || error.message || error.code : "");
  const $ = (id) => document.getElementById(id);
  let chosen = [];
  let position = null;
  let caseSeen = null;

  function sizeText(bytes) {
    if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  }

  function localTime(iso) {
    const d = new Date(iso);
    const two = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  }

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function showNetwork() {
    const status = document.querySelector("[data-testid=net-status]");
    status.textContent = navigator.onLine ? msg("online") : msg("offline");
    status.className = "net-status " + (navigator.onLine ? "net-online" : "net-offline");
  }

  function fieldError(id, text) {
    const node = $(id);
    node.textContent = text || "";
    node.hidden = !text;
  }

  // --- the form ---------------------------------------------------------------------------------------------

  const locate = $("locate");
  if (navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((found) => {
        position = { latitude: found.coords.latitude, longitude: found.coords.longitude, at: new Date().toISOString() };
        $("position").textContent = `${msg("located")}${colon}${position.latitude.toFixed(5)}, ${position.longitude.toFixed(5)}`;
      }, () => { $("position").textContent = msg("no-position"); }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }

  $("f-case").addEventListener("change", async () => {
    const number = $("f-case").value.trim();
    const shown = $("case-state");
    caseSeen = null;
    shown.className = "muted";
    $("f-case").removeAttribute("aria-invalid");
    if (!number) { shown.textContent = ""; return; }
    if (!navigator.onLine) { shown.textContent = msg("case-offline"); return; }
    try {
      const found = await box.call(`/api/v1/field/cases/${encodeURIComponent(number)}`, { method: "GET" });
      caseSeen = { sequence: found.sequence, state: found.state, state_label: found.state_label, at: new Date().toISOString() };
      shown.textContent = `${msg("case-state")}${colon}${found.state_label}`;
    } catch (error) {
      if (error.error) {
        shown.textContent = msg("case-unknown");
        shown.className = "error field-error";
        $("f-case").setAttribute("aria-invalid", "true");
      } else {
        shown.textContent = msg("case-offline");
      }
    }
  });

  $("f-photos").addEventListener("change", () => {
    const slot = $("f-slot");
    const video = slot.querySelector("option[value=video]");
    for (const file of $("f-photos").files) {
      const moving = (file.type || "").startsWith("video/") && video; // a video only fits the video slot
      chosen.push({ pid: box.newId().replace(/-/g, "").slice(0, 12), slot: moving ? "video" : slot.value,
                    slotName: moving ? video.text : slot.options[slot.selectedIndex].text, name: file.name, type: file.type,
                    size: file.size, takenAt: new Date(file.lastModified || Date.now()).toISOString(), blob: file });
    }
    $("f-photos").value = "";
    showChosen();
  });

  function showChosen() {
    const list = $("chosen");
    list.replaceChildren(...chosen.map((photo) => {
      const remove = el("button", { type: "button", class: "link", text: msg("remove") });
      remove.addEventListener("click", () => { chosen = chosen.filter((p) => p !== photo); showChosen(); });
      return el("li", { "data-testid": "chosen-photo" }, `${photo.slotName} · ${photo.name} · ${sizeText(photo.size)} `, remove);
    }));
  }

  function checked(name) {
    return Array.from(form.querySelectorAll(`input[name=${name}]:checked`), (box) => box.value);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const kind = checked("kind")[0] || "";
    const at = $("f-at").value;
    fieldError("kind-error", kind ? "" : msg("need-kind"));
    const future = at && new Date(at).getTime() > Date.now() + 60 * 1000;
    fieldError("at-error", !at ? msg("need-at") : future ? msg("future-at") : "");
    if (at && !future) $("f-at").removeAttribute("aria-invalid"); else $("f-at").setAttribute("aria-invalid", "true");
    // The server decides (credentials.services.stop_record); the phone only says so before the item waits for hours.
    const helped = checked("services").length > 0;
    const asked = $("f-shown").checked && $("f-consent").checked;
    fieldError("consent-error", helped && !asked ? msg("need-consent") : "");
    const observations = checked("observations");
    const description = $("f-description").value.trim();
    const wantsClue = $("clue").open && (observations.length || description);
    const emptyClue = $("clue").open && !wantsClue;
    fieldError("clue-error", emptyClue ? msg("need-clue") : "");
    const plates = [$("f-plate-a").value.trim(), $("f-plate-b").value.trim()];
    const reporting = $("report").open && plates.some(Boolean);
    const consented = $("f-shown").checked && $("f-consent").checked;
    const placed = Boolean($("f-county").value || position);
    fieldError("report-error", $("report").open && !plates.some(Boolean) ? msg("need-plate")
      : reporting && !consented ? msg("report-consent") : reporting && !placed ? msg("need-place") : "");
    if (!kind || !at || future || (helped && !asked) || emptyClue
        || ($("report").open && (!reporting || !consented || !placed))) {
      const first = form.querySelector(".field-error:not([hidden])");
      if (first) first.scrollIntoView({ block: "center" });
      return;
    }
    const captured = new Date().toISOString();
    const item = {
      id: box.newId(), created: captured, capturedAt: captured, status: "waiting", steps: {}, owner: root.dataset.owner,
      fileTitle: `${msg("stop")} ${localTime(new Date(at).toISOString())}`,
      stop: {
        kind, at: new Date(at).toISOString(), services: checked("services"),
        credential_shown: $("f-shown").checked, customer_consented: $("f-consent").checked,
        county: $("f-county").value, customer_insurer: $("f-insurer").value, case: $("f-case").value.trim(),
        latitude: position ? position.latitude : null, longitude: position ? position.longitude : null,
      },
      position, caseSeen, photos: chosen,
      clue: wantsClue ? { observations, description, urgency: $("f-urgency").value,
                          with_photos: chosen.length > 0 && $("f-clue-photos").checked } : null,
      report: reporting ? { parties: ["A", "B"].map((label, i) => ({ label, plate: plates[i] })).filter((p) => p.plate) }
        : null,
    };
    if (reporting) item.stop.case = "";
    try {
      await box.put(item);
    } catch (error) { // the phone is full, or private browsing keeps no storage: nothing was saved, say so
      const saved = $("saved");
      saved.textContent = msg("not-saved");
      saved.className = "error";
      saved.hidden = false;
      return;
    }
    chosen = [];
    position = null;
    caseSeen = null;
    form.reset();
    $("clue").open = false;
    $("report").open = false;
    $("f-at").value = localInputNow();
    $("case-state").textContent = "";
    $("position").textContent = "";
    showChosen();
    const saved = $("saved");
    saved.textContent = msg("saved");
    saved.className = "status-ok";
    saved.hidden = false;
    await render();
    askForSync();
    if (navigator.onLine) send();
  });

  function localInputNow() {
    const d = new Date();
    d.setMinutes(d.getMinutes() - d.getTimezoneOffset());
    return d.toISOString().slice(0, 16);
  }

  // --- the outbox -------------------------------------------------------------------------------------------

  function outcome(label, result, extra) {
    if (!result) return null;
    const line = el("li", { class: result.ok ? "status-ok" : "status-bad", "data-testid": "outcome" });
    line.textContent = result.ok ? `${label}${colon}${msg("kept")}${extra ? " · " + extra : ""}`
      : `${label}${colon}${msg("refused")} — ${say(result.error)}`;
    return line;
  }

  function report(item) {
    const list = el("ul", { class: "status-list", "data-testid": "item-report" });
    const lines = { append: (...nodes) => list.append(...nodes.filter(Boolean)) }; // a step not run says nothing
    const steps = item.steps;
    const seen = steps.case;
    if (item.stop.case && seen) {
      if (seen.ok) {
        const changed = el("div", { class: seen.data.changes.length ? "conflict" : "muted",
                                    "data-testid": "case-changes" });
        if (seen.data.changes.length) {
          changed.append(el("p", { text: `${msg("while-offline")} ${seen.data.number} ${msg("now")} ${seen.data.state_label}${colon}` }));
          changed.append(el("ul", {}, ...seen.data.changes.map((c) => el("li", { text: `${localTime(c.at)} ${c.words}` }))));
        } else {
          changed.textContent = `${seen.data.number}${colon}${seen.data.state_label} · ${msg("no-change")}`;
        }
        lines.append(el("li", {}, changed));
      } else {
        lines.append(outcome(item.stop.case, seen));
      }
    }
    if (item.report) {
      lines.append(outcome(msg("report"), steps.report, steps.report && steps.report.ok ? steps.report.data.number : ""));
    }
    const stop = steps["stop-without-case"] || steps.stop;
    lines.append(outcome(msg("stop"), stop, steps["stop-without-case"] ? msg("case-link-refused") : ""));
    if ((item.photos || []).length) {
      if (steps.file && !steps.file.ok) lines.append(outcome(msg("photos"), steps.file));
      for (const photo of item.photos) {
        lines.append(outcome(`${msg("photos")} · ${photo.slotName}`, steps[`photo-file:${photo.pid}`] || steps[`photo:${photo.pid}`]));
      }
    }
    if (item.clue) lines.append(outcome(msg("clue"), steps.clue, steps.clue && steps.clue.ok ? steps.clue.data.number : ""));
    return list;
  }

  async function render() {
    const items = await box.all();
    const list = $("outbox");
    if (!items.length) {
      list.replaceChildren(el("li", { class: "muted", text: msg("none") }));
    } else {
      list.replaceChildren(...items.slice().reverse().map((item) => {
        const done = item.status === "sent" || item.status === "partly";
        const photos = (item.photos || []).length;
        const nothingKept = done && !Object.values(item.steps).some((result) => result.ok);
        const label = !done ? msg("waiting") : item.status === "sent" ? msg("sent")
          : nothingKept ? msg("all-refused") : msg("partly");
        const head = el("p", {},
          el("span", { class: `badge ${done ? (item.status === "sent" ? "badge-low" : "badge-bad") : "badge-open"}`,
                       "data-testid": "item-status", text: label }),
          ` ${msg("stop")} ${localTime(item.stop.at)} · ${msg("photos")} ${photos}${item.clue ? " · " + msg("clue") : ""}`,
          done ? null : el("span", { class: "muted", "data-testid": "item-size", text: ` · ${sizeText(box.sizeOf(item))}` }));
        const row = el("li", { "data-testid": "outbox-item", "data-status": item.status, "data-id": item.id }, head);
        row.append(el("p", { class: "muted", text: `${msg("captured")} ${localTime(item.capturedAt)}` }));
        if (Object.keys(item.steps).length) row.append(report(item));
        if (!done && item.progress) {
          for (const photo of item.photos) {
            const sent = item.progress[photo.pid];
            if (sent !== undefined && sent < photo.size) {
              row.append(el("p", { class: "muted", "data-testid": "item-progress",
                                   text: `${photo.slotName} · ${Math.floor((100 * sent) / photo.size)}%` }));
            }
          }
        }
        if (!done && item.owner && item.owner !== root.dataset.owner) {
          row.append(el("p", { class: "muted", "data-testid": "other-login", text: msg("other-login") }));
        } else if (!done && item.tries) {
          row.append(el("p", { class: "muted", text: msg("retry") }));
        }
        if (done) {
          const clear = el("button", { type: "button", class: "link", text: msg("delete-sent") });
          clear.addEventListener("click", async () => {
            const unsent = (item.photos || []).some((photo) => photo.blob);
            if (unsent && !window.confirm(msg("confirm-clear"))) return;
            await box.remove(item.id);
            render();
          });
          row.append(clear);
        }
        return row;
      }));
    }
    $("send-now").hidden = !navigator.onLine || !items.some((item) => item.status === "waiting" || item.status === "sending");
  }

  let sending = false;
  async function send(force = false) {
    if (sending) return;
    sending = true;
    const status = document.querySelector("[data-testid=net-status]");
    try {
      status.textContent = msg("sending");
      const result = await box.sendAll({ force });
      if (result.state === "signed-out") {
        status.className = "net-status net-offline";
        status.replaceChildren(msg("login"), " ", el("a", { href: `/accounts/login/?next=${encodeURIComponent("/field/")}`,
                                                          "data-testid": "log-in-again", text: msg("log-in") }));
      } else {
        showNetwork();
      }
    } catch (error) {
      showNetwork(); // an unexpected failure: the items stay, the next try will tell
    } finally {
      sending = false;
      await render();
    }
  }

  function askForSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.sync) return registration.sync.register("field-outbox");
      return undefined;
    }).catch(() => { /* no background sync here: the next open or "send now" sends */ });
  }

  $("send-now").addEventListener("click", () => send(true));
  window.setInterval(() => { if (navigator.onLine && !$("send-now").hidden) send(); }, 60 * 1000);
  window.addEventListener("online", () => { showNetwork(); send(); });
  window.addEventListener("offline", () => { showNetwork(); render(); });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", (event) => { if (event.data === "outbox-changed") render(); });
  }
  showNetwork();
  $("save").disabled = false;
  render().then(() => { if (navigator.onLine) send(); });
})();
