// The designer's page: reads and changes room types' and rooms' settings through the admin API (/admin/api, see
// src/GameServer.Admin/AdminEndpoints.cs), shows live rooms refreshed every second with 60 s charts, and the audit
// trail. Needs a token with the admin role: ?token=… in the URL, else the Development-only /auth/dev-token.
import uPlot from "uplot";

const API = "/admin/api";
const DEV_TOKEN_URL = "/auth/dev-token?player=designer&role=admin";
const TOKEN_STORAGE_KEY = "gameserver.admin.token";
const ROOMS_REFRESH_MS = 1000;
const TYPES_REFRESH_MS = 5000;
const CHART_WINDOW_S = 60;
const CHART_HEIGHT = 140;       // each of the two charts, px
const AUDIT_SHOWN = 20;
const TICK_RATE_WARN_RATIO = 0.1;   // measured tick rate more than 10% off the set one is highlighted
// The settings the API takes as whole numbers (SettingsPatchReader); the rest and all tunables may be fractional.
const INTEGER_FIELDS = new Set(["tickRateHz", "snapshotEveryTicks", "maxPlayers", "inputQueueCapacity", "maxCatchUpSteps"]);

/** Test hook, updated live (see tests/GameServer.EndToEnd.Tests/browser/admin.spec.mjs). */
const admin = {
  state: "starting",              // 'starting' | 'ready' | 'no-token'
  tokenSource: null,              // 'url' | 'session' | 'dev'
  token: null,
  roomTypes: [],                  // last GET /admin/api/room-types
  rooms: [],                      // last GET /admin/api/rooms
  audit: [],                      // last GET /admin/api/audit (oldest first, as the API sends it)
  roomRefreshes: 0,
  lastResult: null,               // the last Apply/Reset: { target, action, status, ok, errors }
};
window.adminPage = admin;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------------------------
// Token and API

class AuthProblem extends Error {}

async function acquireToken() {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get("token");
  if (fromUrl) {
    // Keep it for reloads of this tab, but out of the address bar, history and screenshots.
    sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    params.delete("token");
    const query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    return useToken(fromUrl, "url");
  }
  const stored = sessionStorage.getItem(TOKEN_STORAGE_KEY);
  if (stored) {
    return useToken(stored, "session");
  }
  return fetchDevToken();
}

/** Gets a token from the Development-only endpoint; on failure shows why (unless `quiet`) and returns false. */
async function fetchDevToken(quiet = false) {
  const problem = (detail) => (quiet ? false : showTokenProblem(detail));
  let response;
  try {
    response = await fetch(DEV_TOKEN_URL, { cache: "no-store" });
  } catch (err) {
    return problem(`The server did not answer (${err.message}).`);
  }
  if (response.status === 404) {
    return problem("This server hands out no development tokens (it is not running in the Development environment).");
  }
  if (!response.ok) {
    return problem(`${DEV_TOKEN_URL} answered ${response.status}.`);
  }
  const body = await response.json();
  return useToken(body.token, "dev");
}

function useToken(token, source) {
  admin.token = token;
  admin.tokenSource = source;
  $("whoami").textContent = `· signed in as ${playerIdOf(token) ?? "?"} (token from ${{ url: "the URL", session: "this tab", dev: "the development endpoint" }[source]})`;
  return true;
}

/** The player id (sub claim) of a JWT, for display only: the server checks the token. */
function playerIdOf(token) {
  try {
    const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.sub ?? payload.pid ?? null;
  } catch {
    return null;
  }
}

function showTokenProblem(detail) {
  admin.state = "no-token";
  admin.token = null;
  sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  $("whoami").textContent = "";
  $("token-problem-detail").textContent = detail;
  $("token-problem").hidden = false;
  $("content").hidden = true;
  return false;
}

/**
 * Calls the admin API; returns { status, ok, data }. On a 401 it tries a fresh development token once (expired
 * dev token, or one kept from an earlier visit); a token given in the URL is never swapped. 401/403 end the page.
 */
async function api(method, path, body, retried = false) {
  const headers = { Authorization: `Bearer ${admin.token}` };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(API + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (response.status === 401 && !retried && admin.tokenSource !== "url") {
    sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    if (await fetchDevToken(true)) {
      return api(method, path, body, true);
    }
  }
  if (response.status === 401) {
    showTokenProblem("The server refused the token (401): it is missing, expired or not signed by this server's key.");
    throw new AuthProblem("401");
  }
  if (response.status === 403) {
    showTokenProblem("The token is valid but lacks the admin role (403).");
    throw new AuthProblem("403");
  }
  const data = await response.json().catch(() => null);
  return { status: response.status, ok: response.ok, data };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting

const fieldJsonName = (pascal) => pascal.charAt(0).toLowerCase() + pascal.slice(1);
const safeId = (text) => String(text).replace(/[^A-Za-z0-9_-]/g, "_");

function formatNumber(value, digits = 1) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return Number.isInteger(value) ? String(value) : String(+value.toFixed(digits));
}

function formatBytesPerSecond(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  if (value < 1000) return `${value.toFixed(0)} B/s`;
  if (value < 1_000_000) return `${(value / 1000).toFixed(1)} kB/s`;
  return `${(value / 1_000_000).toFixed(2)} MB/s`;
}

/** Time of day for today's entries, date and time for older ones. */
function formatWhen(iso) {
  const when = new Date(iso);
  return when.toDateString() === new Date().toDateString() ? when.toLocaleTimeString() : when.toLocaleString();
}

function formatRange(def) {
  return `${formatNumber(def.min, 3)}–${formatNumber(def.max, 3)}${def.unit ? " " + def.unit : ""}`;
}

const present = (nodes) => nodes.filter((n) => n !== null && n !== undefined && n !== false);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...present(children));
  return node;
}

/** "MaxSpeed 200 → 250, tickRateHz 20 → 30" between two configs; "no change" when equal. */
function describeChange(before, after) {
  const parts = [];
  for (const key of Object.keys(after ?? {})) {
    if (key === "tunables") continue;
    if (before?.[key] !== after[key]) parts.push(`${key} ${formatNumber(before?.[key], 3)} → ${formatNumber(after[key], 3)}`);
  }
  const tunables = new Set([...Object.keys(before?.tunables ?? {}), ...Object.keys(after?.tunables ?? {})]);
  for (const name of tunables) {
    const a = before?.tunables?.[name];
    const b = after?.tunables?.[name];
    if (a !== b) parts.push(`${name} ${formatNumber(a, 3)} → ${formatNumber(b, 3)}`);
  }
  return parts.length ? parts.join(", ") : "no change";
}

// ---------------------------------------------------------------------------------------------------------------
// Settings form (used for room types and for one room)

/**
 * A form of tick settings and tunables. `current` is what applies now, `baseline` what it would be without these
 * overrides (configuration for a type, the type's settings for a room). Apply sends only the inputs that differ
 * from `current`.
 *
 * Range checks run as you type and show a hint, but Apply still sends the value: the server's answer is the one
 * that counts (it knows the room type's rules and names them), and its errors replace the hints.
 */
function createSettingsForm({ idPrefix, testid, title, definitions, baselineLabel, resetLabel, onApply, onReset }) {
  const rows = new Map();         // field key ('tickRateHz' | 'tunables.MaxSpeed') -> { def, input, row, baseline, error, errorRow }
  const status = el("span", { class: "form-status", "data-testid": "form-status", role: "status", "aria-live": "polite" });
  const tbody = el("tbody");
  const addGroup = (label) => tbody.append(el("tr", { class: "group" }, el("th", { colspan: "4", text: label })));

  const addRow = (key, def) => {
    const id = `${idPrefix}-${key.startsWith("tunables.") ? "tunable-" + safeId(def.name) : safeId(key)}`;
    const integer = INTEGER_FIELDS.has(key);
    const input = el("input", {
      id, type: "number", inputmode: integer ? "numeric" : "decimal", "data-field": key, "data-testid": `input-${key}`,
      min: def.min, max: def.max, step: integer ? "1" : "any", title: def.description, "aria-describedby": `${id}-error`,
      oninput: () => checkRow(key),
    });
    input.dataset.current = "";   // what the server says now; see update()
    const baseline = el("td", { class: "num baseline", "data-testid": `baseline-${key}` });
    const error = el("span", { id: `${id}-error`, class: "field-error", "data-error-for": key, "data-testid": `error-${key}` });
    const errorRow = el("tr", { class: "error-row", hidden: true }, el("td", { colspan: "4" }, error));
    const row = el("tr", { "data-field-row": key },
      el("th", { scope: "row" },
        el("label", { for: id, title: def.description, text: def.name }),
        el("span", { class: "info", title: def.description, "aria-hidden": "true", text: "?" })),
      el("td", { class: "value" }, el("span", { class: "value-wrap" }, input, el("span", { class: "unit", text: def.unit }))),
      baseline,
      el("td", { class: "range", text: formatRange(def) }));
    tbody.append(row, errorRow);
    rows.set(key, { def, input, row, baseline, error, errorRow, integer });
  };

  addGroup("Tick settings");
  for (const def of definitions.fields) addRow(fieldJsonName(def.name), def);
  if (definitions.tunables.length) {
    addGroup("Game tunables");
    for (const def of definitions.tunables) addRow(`tunables.${def.name}`, def);
  }

  const applyButton = el("button", { type: "submit", class: "primary", "data-testid": "apply", text: "Apply" });
  const resetButton = el("button", { type: "button", "data-testid": "reset", text: resetLabel });
  const heading = el("h3", {}, title);
  const form = el("form", { id: idPrefix, "data-testid": testid, class: "settings", novalidate: true },
    heading,
    el("table", { class: "settings-table" },
      el("thead", {}, el("tr", {},
        el("th", { text: "Setting" }), el("th", { text: "Value" }),
        el("th", { class: "num", text: baselineLabel }), el("th", { text: "Allowed" }))),
      tbody),
    el("div", { class: "actions" }, applyButton, resetButton, status));

  const valueOf = (config, key) => (key.startsWith("tunables.") ? config?.tunables?.[key.slice(9)] : config?.[key]);
  const overriddenIn = (overrides, key) => valueOf(overrides, key) !== null && valueOf(overrides, key) !== undefined;

  function setError(key, message, source) {
    const r = rows.get(key);
    r.error.textContent = message ?? "";
    r.error.dataset.source = message ? source : "";
    r.errorRow.hidden = !message;
    r.input.setAttribute("aria-invalid", message ? "true" : "false");
    r.row.classList.toggle("invalid", !!message && source === "server");
  }

  function clientProblem(key) {
    const { def, input, integer } = rows.get(key);
    const text = input.value.trim();
    if (text === "") return "Enter a number.";
    const value = Number(text);
    if (!Number.isFinite(value)) return "Enter a number.";
    if (integer && !Number.isInteger(value)) return `${def.name} must be a whole number.`;
    if (value < def.min || value > def.max) return `${def.name} = ${text} is out of range; allowed ${formatRange(def)}.`;
    return null;
  }

  function checkRow(key) {
    const r = rows.get(key);
    r.row.classList.toggle("dirty", isChanged(key));
    const problem = clientProblem(key);
    setError(key, problem ? `${problem} (checked here; Apply asks the server)` : null, "client");
  }

  const isChanged = (key) => {
    const { input } = rows.get(key);
    return input.value.trim() !== input.dataset.current;
  };

  function setStatus(text, state) {
    status.textContent = text;
    status.dataset.state = state;
  }

  /** Shows new settings; inputs the designer is editing keep their text unless `force`. */
  function update(current, baseline, overrides, force = false) {
    for (const [key, r] of rows) {
      const now = valueOf(current, key);
      const text = now === undefined || now === null ? "" : String(now);
      if (force || !isChanged(key)) {
        r.input.value = text;
        setError(key, null, "");
      }
      r.input.dataset.current = text;
      r.row.classList.toggle("dirty", isChanged(key));
      r.row.classList.toggle("overridden", overriddenIn(overrides, key));
      r.row.title = overriddenIn(overrides, key) ? "Changed live: differs from the baseline until reset" : "";
      r.baseline.textContent = formatNumber(valueOf(baseline, key), 3);
    }
    const count = [...rows.keys()].filter((k) => overriddenIn(overrides, k)).length;
    form.dataset.overrides = String(count);
  }

  function changes() {
    const patch = {};
    for (const [key, r] of rows) {
      if (!isChanged(key) || r.input.value.trim() === "") continue;
      const value = Number(r.input.value);
      if (key.startsWith("tunables.")) {
        (patch.tunables ??= {})[r.def.name] = value;
      } else {
        patch[key] = value;
      }
    }
    return patch;
  }

  function showServerErrors(errors) {
    const unplaced = [];
    for (const [key, message] of Object.entries(errors ?? {})) {
      if (rows.has(key)) setError(key, message, "server");
      else unplaced.push(message);
    }
    return unplaced;
  }

  async function run(action) {
    applyButton.disabled = resetButton.disabled = true;
    try {
      await action();
    } catch (err) {
      if (!(err instanceof AuthProblem)) setStatus(`Failed: ${err.message}`, "error");
    } finally {
      applyButton.disabled = resetButton.disabled = false;
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const patch = changes();
    if (Object.keys(patch).length === 0) {
      setStatus("Nothing changed.", "idle");
      return;
    }
    for (const key of rows.keys()) if (rows.get(key).error.dataset.source === "server") setError(key, null, "");
    setStatus("Applying…", "busy");
    run(async () => {
      const result = await onApply(patch);
      if (result.ok) {
        setStatus(`Applied: ${describeChange(result.data.before, result.data.after)}.`, "ok");
      } else {
        const errors = result.data?.errors ?? {};
        const unplaced = showServerErrors(errors);
        const placed = Object.keys(errors).length - unplaced.length;
        const title = result.data?.title ?? `HTTP ${result.status}`;
        const where = placed ? ` — see the marked field${placed === 1 ? "" : "s"}.` : "";
        setStatus(`Not applied: ${[title, ...unplaced].join(". ")}${where}`, "error");
      }
    });
  });

  resetButton.addEventListener("click", () => {
    setStatus("Resetting…", "busy");
    run(async () => {
      const result = await onReset();
      if (result.ok) {
        setStatus(`Reset: ${describeChange(result.data.before, result.data.after)}.`, "ok");
      } else {
        setStatus(`Not reset: ${result.data?.title ?? `HTTP ${result.status}`}`, "error");
      }
    });
  });

  return { element: form, heading, update, setStatus, disable: (off) => form.querySelectorAll("input, button").forEach((c) => (c.disabled = off)) };
}

function remember(target, action, result) {
  admin.lastResult = { target, action, status: result.status, ok: result.ok, errors: result.data?.errors ?? null };
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Room types

const typeForms = new Map();      // roomType -> form

async function refreshRoomTypes() {
  const result = await api("GET", "/room-types");
  if (!result.ok) {
    $("types-status").textContent = `could not load (HTTP ${result.status})`;
    return;
  }
  admin.roomTypes = result.data;
  for (const type of result.data) {
    let form = typeForms.get(type.roomType);
    if (!form) {
      form = createSettingsForm({
        idPrefix: `type-${safeId(type.roomType)}`,
        testid: "room-type-form",
        title: type.roomType,
        definitions: { fields: type.fields, tunables: type.tunables },
        baselineLabel: "Configured",
        resetLabel: "Reset to configuration",
        onApply: (patch) => changeSettings(`type ${type.roomType}`, "update", "PUT", `/room-types/${encodeURIComponent(type.roomType)}`, patch),
        onReset: () => changeSettings(`type ${type.roomType}`, "reset", "DELETE", `/room-types/${encodeURIComponent(type.roomType)}/overrides`),
      });
      form.element.dataset.roomType = type.roomType;
      form.heading.append(el("span", { class: "muted", "data-testid": "type-rooms" }));
      $("room-types").append(form.element);
      typeForms.set(type.roomType, form);
    }
    form.update(type.effective, type.configured, type.overrides);
    const overridden = Number(form.element.dataset.overrides);
    form.heading.querySelector("[data-testid=type-rooms]").textContent =
      ` · ${type.rooms.length} live room${type.rooms.length === 1 ? "" : "s"}${overridden ? ` · ${overridden} changed live` : ""}`;
  }
  $("types-status").textContent = `${result.data.length} room type${result.data.length === 1 ? "" : "s"}`;
}

/** PUT or DELETE, then reloads what the change affects (forms, audit, rooms). */
async function changeSettings(target, action, method, path, body) {
  const result = remember(target, action, await api(method, path, body));
  if (result.ok) {
    await Promise.all([refreshRoomTypes(), refreshAudit(), refreshRooms()]);
    if (editor.form && editor.roomId) {
      const room = admin.rooms.find((r) => r.roomId === editor.roomId);
      if (room) editor.form.update(room.config, typeEffective(room.roomType), room.overrides, true);
    }
    for (const type of admin.roomTypes) typeForms.get(type.roomType)?.update(type.effective, type.configured, type.overrides, target === `type ${type.roomType}`);
  }
  return result;
}

const typeEffective = (roomType) => admin.roomTypes.find((t) => t.roomType === roomType)?.effective ?? null;

// ---------------------------------------------------------------------------------------------------------------
// Live rooms

const roomRows = new Map();       // roomId -> { row, cells }

async function refreshRooms() {
  const result = await api("GET", "/rooms");
  if (!result.ok) {
    $("rooms-status").textContent = `could not load (HTTP ${result.status})`;
    return;
  }
  admin.rooms = result.data;
  admin.roomRefreshes++;
  renderRooms(result.data);
  recordSample(result.data);
  syncEditor();
  $("rooms-status").textContent = `${result.data.length} live · updated ${new Date().toLocaleTimeString()}`;
}

function renderRooms(rooms) {
  const body = $("rooms-body");
  const seen = new Set();
  for (const room of rooms) {
    seen.add(room.roomId);
    let entry = roomRows.get(room.roomId);
    if (!entry) {
      const cell = (col) => el("td", { class: col === "room" ? "" : "num", "data-col": col });
      const cells = Object.fromEntries(["room", "players", "waiting", "tick-rate", "measured", "p50", "p99", "skipped", "bytes", "checkpoint"].map((c) => [c, cell(c)]));
      const edit = el("button", { type: "button", class: "link", "data-testid": "room-edit", text: "edit", onclick: () => openEditor(room.roomId) });
      const row = el("tr", { "data-testid": "room-row", "data-room-id": room.roomId }, ...Object.values(cells), el("td", {}, edit));
      entry = { row, cells };
      roomRows.set(room.roomId, entry);
    }
    body.append(entry.row); // keeps the API's order (by room id)
    const { cells } = entry;
    const ownChanges = Object.entries(room.overrides ?? {}).filter(([, v]) => v !== null).length;
    const recovery = room.recovery;
    cells.room.replaceChildren(...present([
      el("code", { text: room.roomId }),
      ownChanges ? el("span", { class: "badge", title: "This room has its own settings (edit → Reset to room type drops them)", text: "own settings" }) : null,
      recovery?.restoredFromTick >= 0
        ? el("span", { class: "badge", title: "This activation continued from a checkpoint another one saved (its silo died or shut down)", text: `restored @${recovery.restoredFromTick}` })
        : null]));
    cells.players.textContent = `${room.players}/${room.maxPlayers}`;
    // Seats whose player dropped and may still resume (ReconnectGraceSeconds); they count toward the players.
    const waiting = recovery?.disconnectedSeats ?? 0;
    cells.waiting.textContent = String(waiting);
    cells.waiting.classList.toggle("warn", waiting > 0);
    cells["tick-rate"].textContent = `${room.tickRateHz} Hz`;
    const measured = room.live?.tickRateHz;
    cells.measured.textContent = Number.isFinite(measured) ? `${measured.toFixed(1)} Hz` : "–";
    cells.measured.dataset.value = Number.isFinite(measured) ? String(measured) : "";
    cells.measured.classList.toggle("warn", Number.isFinite(measured) && Math.abs(measured - room.tickRateHz) > room.tickRateHz * TICK_RATE_WARN_RATIO);
    cells.p50.textContent = `${formatNumber(room.live?.tickDurationP50Ms, 2)} ms`;
    cells.p99.textContent = `${formatNumber(room.live?.tickDurationP99Ms, 2)} ms`;
    cells.skipped.textContent = String(room.skippedTicks);
    cells.skipped.classList.toggle("warn", room.skippedTicks > 0);
    cells.bytes.textContent = formatBytesPerSecond(room.live?.snapshotBytesPerSecond);
    // Game time a silo failure would cost right now: ticks since the newest saved checkpoint.
    const behind = recovery && recovery.lastCheckpointTick >= 0 ? room.tick - recovery.lastCheckpointTick : null;
    cells.checkpoint.textContent = behind === null ? "none yet" : `${behind} tick${behind === 1 ? "" : "s"} ago`;
    cells.checkpoint.dataset.value = behind === null ? "" : String(behind);
    cells.checkpoint.classList.toggle("warn", behind !== null && behind > 2 * room.tickRateHz * (room.config?.checkpointIntervalSeconds ?? 1));
  }
  for (const [roomId, entry] of roomRows) {
    if (!seen.has(roomId)) {
      entry.row.remove();
      roomRows.delete(roomId);
    }
  }
  $("rooms-empty").hidden = rooms.length > 0;
  $("rooms-table").hidden = rooms.length === 0;
  syncChartRoomOptions(rooms);
}

// ---------------------------------------------------------------------------------------------------------------
// Per-room editor

const editor = { roomId: null, form: null };

function openEditor(roomId) {
  const room = admin.rooms.find((r) => r.roomId === roomId);
  const type = admin.roomTypes.find((t) => t.roomType === room?.roomType);
  if (!room || !type) return;
  editor.roomId = roomId;
  editor.form = createSettingsForm({
    idPrefix: `room-${safeId(roomId)}`,
    testid: "room-form",
    title: roomId,
    definitions: { fields: type.fields, tunables: type.tunables },
    baselineLabel: "Room type",
    resetLabel: "Reset to room type",
    onApply: (patch) => changeSettings(`room ${roomId}`, "update", "PUT", `/rooms/${encodeURIComponent(roomId)}`, patch),
    onReset: () => changeSettings(`room ${roomId}`, "reset", "DELETE", `/rooms/${encodeURIComponent(roomId)}/overrides`),
  });
  editor.form.element.dataset.roomId = roomId;
  editor.form.update(room.config, type.effective, room.overrides, true);
  $("room-editor-form").replaceChildren(editor.form.element);
  $("room-editor").hidden = false;
  $("room-editor").scrollIntoView({ behavior: "smooth", block: "nearest" });
}

function closeEditor() {
  editor.roomId = null;
  editor.form = null;
  $("room-editor").hidden = true;
  $("room-editor-form").replaceChildren();
}

function syncEditor() {
  if (!editor.form) return;
  const room = admin.rooms.find((r) => r.roomId === editor.roomId);
  if (!room) {
    editor.form.setStatus("This room has closed.", "error");
    editor.form.disable(true);
    return;
  }
  editor.form.update(room.config, typeEffective(room.roomType), room.overrides);
}

// ---------------------------------------------------------------------------------------------------------------
// Live chart (uPlot)

const samples = [];               // oldest first: { t (unix s), rooms: Map(roomId -> { hz, bytes }) }
const charts = [];                // [tick rate, snapshot bytes/s]
let chartNow = Date.now() / 1000;

function recordSample(rooms) {
  chartNow = Date.now() / 1000;
  samples.push({
    t: chartNow,
    rooms: new Map(rooms.map((r) => [r.roomId, { hz: r.live?.tickRateHz ?? null, bytes: r.live?.snapshotBytesPerSecond ?? null }])),
  });
  while (samples.length && samples[0].t < chartNow - CHART_WINDOW_S) samples.shift();
  drawChart();
}

function chartSeries() {
  const selected = $("chart-room").value;
  const t = [], hz = [], bytes = [];
  for (const s of samples) {
    t.push(s.t);
    if (selected) {
      const r = s.rooms.get(selected);
      hz.push(r?.hz ?? null);
      bytes.push(r?.bytes ?? null);
    } else {
      const live = [...s.rooms.values()];
      const rates = live.map((r) => r.hz).filter(Number.isFinite);
      hz.push(rates.length ? rates.reduce((a, b) => a + b, 0) / rates.length : null);
      bytes.push(live.reduce((sum, r) => sum + (r.bytes ?? 0), 0));
    }
  }
  return [t, hz, bytes];
}

/** hh:mm:ss, short enough for a tick every 10 s. */
function formatClock(unixSeconds) {
  const d = new Date(unixSeconds * 1000);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

// Two stacked charts with a shared cursor rather than one with two y axes: bytes/s follows the tick rate, so two
// auto-scaled lines on one plot would lie on top of each other.
function createCharts() {
  const axis = { stroke: "#7d8796", grid: { stroke: "#262c36", width: 1 }, ticks: { stroke: "#262c36", width: 1 } };
  const make = (container, { label, stroke, fill, floor, format, tickFormat }) => {
    const plot = new uPlot({
      width: Math.max(container.clientWidth, 300),
      height: CHART_HEIGHT,
      cursor: { drag: { x: false, y: false }, sync: { key: "live-rooms" } },
      scales: {
        x: { time: true, range: () => [chartNow - CHART_WINDOW_S, chartNow] },
        y: { range: (u, min, max) => [0, Math.max(Number.isFinite(max) ? max * 1.25 : 0, floor)] },
      },
      series: [
        { value: (u, v) => (v == null ? "–" : formatClock(v)) },
        { label, stroke, fill, width: 2, spanGaps: false, value: (u, v) => format(v) },
      ],
      axes: [
        { ...axis, space: 70, values: (u, ticks) => ticks.map(formatClock) },
        { ...axis, size: 60, values: (u, ticks) => ticks.map(tickFormat) },
      ],
    }, [[], []], container);
    new ResizeObserver(() => plot.setSize({ width: Math.max(container.clientWidth, 300), height: CHART_HEIGHT })).observe(container);
    return plot;
  };
  charts.push(
    make($("chart-tick-rate"), {
      label: "measured tick rate", stroke: "#4cc9f0", fill: "rgba(76, 201, 240, 0.08)", floor: 25,
      format: (v) => (v == null ? "–" : `${v.toFixed(1)} Hz`), tickFormat: (v) => `${v} Hz`,
    }),
    make($("chart-bytes"), {
      label: "snapshot bytes/s", stroke: "#ffd166", fill: "rgba(255, 209, 102, 0.08)", floor: 1000,
      format: formatBytesPerSecond, tickFormat: (v) => (v >= 1000 ? `${+(v / 1000).toFixed(1)} kB` : `${v} B`),
    }));
  drawChart();
}

function drawChart() {
  const [t, hz, bytes] = chartSeries();
  charts.forEach((plot, i) => {
    plot.setData([t, i === 0 ? hz : bytes]);
    // The legend shows the newest values unless the pointer is over a chart.
    if (plot.cursor.left < 0 && t.length) plot.setLegend({ idx: t.length - 1 });
  });
}

function syncChartRoomOptions(rooms) {
  const select = $("chart-room");
  const selected = select.value;
  const wanted = new Set(rooms.map((r) => r.roomId));
  for (const option of [...select.options]) {
    if (option.value && !wanted.has(option.value) && option.value !== selected) option.remove();
  }
  const listed = new Set([...select.options].map((o) => o.value));
  for (const room of rooms) {
    if (!listed.has(room.roomId)) select.append(el("option", { value: room.roomId, text: room.roomId }));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Audit trail

async function refreshAudit() {
  const result = await api("GET", "/audit");
  if (!result.ok) return;
  admin.audit = result.data;
  const latest = result.data.slice(-AUDIT_SHOWN).reverse();
  $("audit-body").replaceChildren(...latest.map((e) => el("tr", { "data-testid": "audit-row" },
    el("td", { title: e.at, text: formatWhen(e.at) }),
    el("td", { text: e.who }),
    el("td", {}, el("code", { text: e.target })),
    el("td", { text: e.action }),
    el("td", { class: "changes", text: describeChange(e.before, e.after) }))));
  $("audit-empty").hidden = latest.length > 0;
  $("audit-table").hidden = latest.length === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Start-up and refresh loops

/** Runs `work` now and then every `intervalMs` after it finishes (never overlapping), until the token is gone. */
function every(intervalMs, work) {
  const loop = async () => {
    try {
      await work();
    } catch (err) {
      if (err instanceof AuthProblem) return;
      console.warn(err);
    }
    if (admin.state !== "no-token") setTimeout(loop, intervalMs);
  };
  return loop();
}

async function start() {
  if (!(await acquireToken())) return;
  $("content").hidden = false;
  $("room-editor-close").addEventListener("click", closeEditor);
  $("chart-room").addEventListener("change", drawChart);
  createCharts();
  try {
    await refreshRoomTypes();
  } catch (err) {
    if (err instanceof AuthProblem) return;
    throw err;
  }
  admin.state = "ready";
  every(ROOMS_REFRESH_MS, refreshRooms);
  every(TYPES_REFRESH_MS, refreshAudit);
  setTimeout(() => every(TYPES_REFRESH_MS, refreshRoomTypes), TYPES_REFRESH_MS); // just loaded above
}

start();
