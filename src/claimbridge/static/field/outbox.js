/* The field outbox (B7, R7–R12): what an adjuster saved on the phone, kept in IndexedDB until it can be sent.
 *
 * Loaded by the field page and by the service worker (importScripts), so that background sync can send with the
 * tab closed. Every item carries an id made on the phone; every request of an item carries an Idempotency-Key made
 * from it (`<id>:stop`, `<id>:file`, `<id>:photo:<pid>`, `<id>:clue`, `<id>:report` for a case reported at the scene), and each step's answer is stored on the item
 * as soon as it arrives: a resend after a dropped connection or a killed tab skips what was done and repeats the
 * rest under the same keys, so the server never makes a second object. Senders (page, worker) take turns through a
 * Web Lock. Only a bilingual refusal (`{"error": {"code", "zh", "en"}}`, 4xx) is final; anything else — no signal,
 * a 5xx, a page that is not our answer — leaves the item waiting. */
"use strict";
(function (root) {
  const DB_NAME = "claimbridge-field";
  const STORE = "outbox";
  const LOCK = "claimbridge-field-outbox";
  const CHUNK = 512 * 1024; // resumable uploads: bytes per PATCH
  const TIMEOUT = 60 * 1000; // a stalled mobile connection is given up after a minute, never held for ever
  const BACKOFF = [30, 60, 120, 300, 900]; // seconds before an item the server could not take is tried again
  let opened = null;

  class Offline extends Error {} // no network: the whole run stops and waits for the signal
  class Transient extends Error {} // the server could not take this item now: the next item goes on
  class SignedOut extends Error {}
  class Refused extends Error {
    constructor(status, error) {
      super(error.code);
      this.status = status;
      this.error = error;
    }
  }

  function db() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "id" });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opened;
  }

  async function run(mode, work) {
    const database = await db();
    return new Promise((resolve, reject) => {
      const transaction = database.transaction(STORE, mode);
      const result = work(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(result && "result" in result ? result.result : undefined);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error);
    });
  }

  const all = async () => ((await run("readonly", (store) => store.getAll())) || []).sort(
    (a, b) => (a.created < b.created ? -1 : 1));
  const get = (id) => run("readonly", (store) => store.get(id));
  const put = (item) => run("readwrite", (store) => { store.put(item); });
  const remove = (id) => run("readwrite", (store) => { store.delete(id); });

  function newId() {
    if (root.crypto && root.crypto.randomUUID) return root.crypto.randomUUID();
    const bytes = root.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function sizeOf(item) {
    const photos = item.photos || [];
    const text = JSON.stringify({ ...item, photos: photos.map((p) => ({ ...p, blob: null })) });
    return new Blob([text]).size + photos.reduce((sum, p) => sum + (p.blob ? p.size : 0), 0);
  }

  async function answer(response) {
    let body = null;
    const json = (response.headers.get("Content-Type") || "").includes("json");
    try { body = json ? await response.json() : null; } catch (error) { body = null; }
    if (response.ok) {
      if (response.redirected || body === null) throw new Transient(); // a portal's or proxy's page: not our answer
      return body;
    }
    const error = body && body.error && body.error.code ? body.error : null;
    if (response.status === 401 || (error && error.code === "not_authenticated")) throw new SignedOut();
    if (error && error.code === "csrf_failed") throw new Transient(); // signed in again meanwhile: a fresh token next run
    if (error && response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      throw new Refused(response.status, error);
    }
    throw new Transient(); // a 5xx, a proxy's page, too many at once: try again later under the same key
  }

  async function call(url, { method = "POST", json, form, body, headers = {}, key, csrf }) {
    const sent = { Accept: "application/json", ...headers };
    if (csrf) sent["X-CSRFToken"] = csrf;
    if (key) sent["Idempotency-Key"] = key;
    let payload = body;
    if (json !== undefined) {
      sent["Content-Type"] = "application/json";
      payload = JSON.stringify(json);
    } else if (form) {
      payload = form;
    }
    let response;
    try {
      response = await fetch(url, { method, headers: sent, body: payload, credentials: "same-origin", cache: "no-store",
                                    signal: AbortSignal.timeout(TIMEOUT) });
    } catch (error) {
      throw new Offline();
    }
    return answer(response);
  }

  async function session() {
    let response;
    try {
      response = await fetch("/field/session.json", { credentials: "same-origin", cache: "no-store",
                                                       signal: AbortSignal.timeout(TIMEOUT) });
    } catch (error) {
      throw new Offline();
    }
    let state = null;
    try { state = response.ok ? await response.json() : null; } catch (error) { state = null; }
    if (!state) throw new Offline(); // a captive portal or a proxy: as good as no network
    if (!state.may_send) throw new SignedOut();
    return state;
  }

  // One step of an item: done once, its answer (or its final refusal) kept on the item at once.
  async function step(item, name, work) {
    if (item.steps[name]) return item.steps[name];
    let result;
    try {
      result = { ok: true, data: await work() };
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      result = { ok: false, status: error.status, error: error.error };
    }
    item.steps[name] = result;
    await put(item);
    return result;
  }

  function stopBody(item, withCase) {
    const stop = item.stop;
    return {
      kind: stop.kind, at: stop.at, services: stop.services, credential_shown: stop.credential_shown,
      customer_consented: stop.customer_consented, county: stop.county, customer_insurer: stop.customer_insurer,
      case: withCase ? stop.case : "", latitude: stop.latitude, longitude: stop.longitude,
    };
  }

  function caseQuery(item) {
    if (item.caseSeen && item.caseSeen.sequence) return `since=${item.caseSeen.sequence}`;
    return `after=${encodeURIComponent(item.capturedAt)}`;
  }

  // A large photo or video goes up in pieces that resume where the server says it stopped; a small one in one go.
  async function sendPhoto(item, photo, url, csrf, uploads) {
    const form = new FormData();
    form.append("slot", photo.slot);
    if (url.includes("/evidence/")) form.append("party", "");
    if (uploads && photo.size > CHUNK) {
      const upload = await resumable(item, photo, csrf);
      form.append("upload", upload);
    } else {
      form.append("file", photo.blob, photo.name);
    }
    return call(url, { form, key: `${item.id}:photo:${photo.pid}`, csrf });
  }

  // The resumable upload protocol (decision 0025): start once under the item's key, ask where the server stands,
  // send the rest piece by piece; a piece whose answer was lost is answered 409 with the server's offset.
  async function resumable(item, photo, csrf) {
    const generation = (item.uploadGenerations || {})[photo.pid] || 0;
    const name = `upload:${photo.pid}:${generation}`;
    const made = await step(item, name, () => call("/api/v1/uploads", {
      json: { length: photo.size, content_type: photo.type || "application/octet-stream", filename: photo.name },
      key: `${item.id}:${name}`, csrf,
    }));
    if (!made.ok && made.status === 404) return restart(item, photo, csrf, generation); // expired before replay
    if (!made.ok) throw new Refused(made.status, made.error);
    const id = made.data.id;
    const piece = Math.min(CHUNK, made.data.max_part_size || CHUNK);
    let state;
    try {
      state = await call(`/api/v1/uploads/${id}`, { method: "GET" });
    } catch (error) {
      if (!(error instanceof Refused) || error.status !== 404) throw error;
      return restart(item, photo, csrf, generation); // expired on the server before the phone came back
    }
    let written = state.offset;
    while (!state.complete) {
      const bytes = photo.blob.slice(state.offset, Math.min(state.offset + piece, photo.size));
      try {
        state = await call(`/api/v1/uploads/${id}`, {
          method: "PATCH", body: bytes, csrf,
          headers: { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(state.offset) },
        });
      } catch (error) {
        if (error instanceof Refused && error.status === 404) return restart(item, photo, csrf, generation);
        if (!(error instanceof Refused) || error.status !== 409) throw error;
        state = await call(`/api/v1/uploads/${id}`, { method: "GET" }); // the server has more than we thought
      }
      item.progress = { ...(item.progress || {}), [photo.pid]: state.offset };
      if (state.complete || state.offset - written >= 4 * CHUNK) { // the item (with its files) is written now and then
        written = state.offset;
        await put(item);
      }
    }
    return id;
  }

  // An upload the server no longer has (expired, swept): start again under a new key; nothing of it was consumed.
  async function restart(item, photo, csrf, generation) {
    delete item.steps[`upload:${photo.pid}:${generation}`];
    item.uploadGenerations = { ...(item.uploadGenerations || {}), [photo.pid]: generation + 1 };
    await put(item);
    if (generation >= 3) throw new Transient(); // never a loop: the next run tries again
    return resumable(item, photo, csrf);
  }

  async function sendItem(item, state) {
    const csrf = state.csrf;
    item.status = "sending";
    item.tries = (item.tries || 0) + 1;
    await put(item);
    const stop = item.stop;
    let withCase = Boolean(stop.case);
    if (stop.case) { // where the case stands now, and what happened to it while the phone was offline
      const seen = await step(item, "case", () => call(
        `/api/v1/field/cases/${encodeURIComponent(stop.case)}?${caseQuery(item)}`, { method: "GET" }));
      withCase = seen.ok;
    }
    if (item.report) { // the case reported at the scene, before the stop that is linked to it
      const reported = await step(item, "report", () => call("/api/v1/cases", {
        json: { county: stop.county, accident_at: stop.at, latitude: stop.latitude, longitude: stop.longitude,
                parties: item.report.parties,
                consent: { credential_shown: stop.credential_shown, customer_consented: stop.customer_consented } },
        key: `${item.id}:report`, csrf }));
      if (reported.ok) {
        stop.case = reported.data.number;
        withCase = true;
      }
    }
    let made = await step(item, "stop", () => call("/api/v1/credentials/stops", {
      json: stopBody(item, withCase), key: `${item.id}:stop`, csrf }));
    if (!made.ok && withCase && made.error && made.error.field === "case") {
      withCase = false; // the case was refused, never the stop: kept without the link
      made = await step(item, "stop-without-case", () => call("/api/v1/credentials/stops", {
        json: stopBody(item, false), key: `${item.id}:stop-without-case`, csrf }));
    }
    const photos = item.photos || [];
    const forClue = Boolean(item.clue && item.clue.with_photos && photos.length);
    let toFile = photos.length > 0 && !forClue;
    if (item.clue) { // with its photos, the clue is filed, given them, then sent to the committee
      const { with_photos: _withPhotos, ...clue } = item.clue;
      const filed = await step(item, "clue", () => call("/api/v1/fraud/clues", {
        json: { ...clue, occurred_at: stop.at, county: stop.county, latitude: stop.latitude,
                longitude: stop.longitude, stop: made.ok ? made.data.id : null, case: withCase ? stop.case : "",
                submit: !forClue },
        key: `${item.id}:clue`, csrf }));
      if (forClue && !filed.ok) toFile = true; // the clue was refused, never its photos: they go to the stop's file
      if (forClue && filed.ok) {
        const number = encodeURIComponent(filed.data.number);
        for (const photo of photos) {
          await step(item, `photo:${photo.pid}`, () => sendPhoto(item, photo, `/api/v1/fraud/clues/${number}/photos`,
                                                                 csrf, state.uploads));
        }
        await step(item, "clue-submit", async () => {
          try {
            return await call(`/api/v1/fraud/clues/${number}/submit`, { json: {}, key: `${item.id}:clue-submit`, csrf });
          } catch (error) { // sent already, its answer lost on the way: the clue says so
            if (!(error instanceof Refused) || error.status !== 409) throw error;
            const now = await call(`/api/v1/fraud/clues/${number}`, { method: "GET" });
            if (now.state === "draft") throw error;
            return now;
          }
        });
      }
    }
    if (toFile) { // the stop's own evidence file
      const file = await step(item, "file", () => call("/api/v1/evidence/files", {
        json: { title: item.fileTitle || "", accident_at: stop.at, latitude: stop.latitude, longitude: stop.longitude,
                insurers: stop.customer_insurer ? [stop.customer_insurer] : [] },
        key: `${item.id}:file`, csrf }));
      if (file.ok) {
        for (const photo of photos) {
          const url = `/api/v1/evidence/files/${encodeURIComponent(file.data.reference)}/items`;
          await step(item, forClue ? `photo-file:${photo.pid}` : `photo:${photo.pid}`,
                     () => sendPhoto(item, photo, url, csrf, state.uploads));
        }
      }
    }
    const refused = Object.values(item.steps).some((result) => !result.ok);
    item.status = refused ? "partly" : "sent";
    item.sentAt = new Date().toISOString();
    for (const photo of photos) { // the bytes are on the server now: free the phone's space
      const result = item.steps[`photo-file:${photo.pid}`] || item.steps[`photo:${photo.pid}`];
      if (result && result.ok) photo.blob = null;
    }
    await put(item);
  }

  let running = null; // without Web Locks: one sender per context at a time

  async function sendAll({ force = false } = {}) {
    const work = async () => {
      const waiting = (await all()).filter((item) => item.status === "waiting" || item.status === "sending");
      if (!waiting.length) return { state: "idle" };
      const state = await session();
      // An item goes only under the login that saved it: on a shared phone, another's waits for them.
      let later = false;
      for (const item of waiting.filter((saved) => !saved.owner || String(saved.owner) === String(state.user))) {
        const fresh = await get(item.id); // another sender may have finished it meanwhile
        if (!fresh || !(fresh.status === "waiting" || fresh.status === "sending")) continue;
        if (fresh.retryAt && fresh.retryAt > Date.now() && !force) { later = true; continue; }
        try {
          await sendItem(fresh, state);
        } catch (error) {
          if (!(error instanceof Transient)) throw error; // no network: the run stops here
          const tries = (fresh.serverTries || 0) + 1; // this one could not be taken now; the others go on
          const wait = BACKOFF[Math.min(tries, BACKOFF.length) - 1] * 1000;
          await put({ ...(await get(fresh.id)), status: "waiting", serverTries: tries, retryAt: Date.now() + wait });
          later = true;
        }
      }
      return { state: later ? "later" : "done" };
    };
    try {
      if (root.navigator && root.navigator.locks) return await root.navigator.locks.request(LOCK, work);
      if (!running) running = work().finally(() => { running = null; });
      return await running;
    } catch (error) {
      if (error instanceof Offline || error instanceof Transient) return { state: "offline" };
      if (error instanceof SignedOut) return { state: "signed-out" };
      throw error;
    }
  }

  root.FieldOutbox = { all, get, put, remove, newId, sizeOf, sendAll, call };
})(self);
