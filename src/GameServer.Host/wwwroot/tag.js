// The tag demo client: joins a "tag" room on the team named by ?team=red|blue (sent as the join options
// {team}; none without it), shows the role the game gave it, draws what its team may see (its own players and the
// enemies within sight: the server sends nothing else), the scores and who hunts, and lists the game's events. The
// held direction goes as an input at 20 Hz, as on the arena page. It shows the game's refusal (Error 17), a kick
// (close 4005) and the end of the room (Left "room-ended") with the game's words. It neither reconnects nor resumes
// (demo.js shows how); the tag game sends full snapshots only, so on gameserver.v2 a Delta is answered with a
// KeyframeRequest rather than applied. Like the arena page it falls back to Server-Sent Events or long polling where
// WebSockets are blocked (wire.js, openGameConnection; ?transport= forces one) and shows the transport in use.
import { trackDirection } from "./keys.js";
import {
  CLOSE_KICKED, ERR_JOIN_REFUSED, MSG, OPEN, SUB_PROTOCOL_V2, TRANSPORT_LABELS, decodeFrame, encodeFrame, fetchDevToken, num,
  offeredSubProtocols, openGameConnection,
} from "./wire.js";

const ROOM_TYPE = "tag";
const FIELD_SIZE = 40;            // units; the wire's x, y are tenths of a unit (0..400)
const POSITION_SCALE = 10;
const SIGHT_UNITS = 12;           // a team sees enemies within this distance of any of its players
const TEAM = { 1: "red", 2: "blue" };
const INPUT_INTERVAL_MS = 50;     // 20 Hz
const MAX_EVENTS = 200;           // the feed keeps the newest
const MAX_HISTORY = 1200;         // snapshots kept for tests (a minute at 20 Hz)
const SUB_PROTOCOLS = offeredSubProtocols();
const params = new URLSearchParams(location.search);
const team = params.get("team");

/** Test hook, updated live (see tests/GameServer.EndToEnd.Tests/browser/tag.spec.mjs). */
const tag = {
  state: "connecting",            // 'connecting' | 'joining' | 'in-room' | 'refused' | 'left' | 'closed'
  team,                           // what the page asked for (?team=), or null
  protocol: null,
  transport: null,                // 'websocket' | 'sse' | 'longpolling' once connected
  roomId: null,
  playerId: null,
  entityId: null,
  role: null,                     // Welcome field 13
  view: null,                     // Welcome field 14
  tick: null,
  snapshots: 0,
  hunting: null,                  // 'red' | 'blue' | null
  scores: { red: 0, blue: 0 },
  visible: [],                    // the last snapshot's entities: [{id, team, x, y}] in units
  rawEntities: [],                // the last snapshot's flat [id, team, x, y, ...] exactly as decoded from the frame
  history: [],                    // [{tick, entities: [[id, team, x, y], ...] (wire values)}], newest last
  events: [],                     // [{seq, tick, payload}] in arrival order, duplicates dropped
  lastEventSeq: 0,
  inputSeq: 0,
  deltas: 0,                      // Delta frames received (the tag game sends none)
  keyframeRequests: 0,
  frames: {},                     // frames received by message type, e.g. {"10": 1, "11": 40, "17": 2}
  lastError: null,
  closeCode: null,
  closeReason: null,
};
// The bytes of the last Snapshot frame, for tests that decode them on their own; not enumerable, so JSON copies of
// the hook stay small.
Object.defineProperty(tag, "lastSnapshotFrame", { value: null, writable: true, enumerable: false });
window.tagDemo = tag;

const $ = (id) => document.getElementById(id);
const ui = {
  state: $("conn-state"), protocol: $("protocol"), transport: $("transport"), tick: $("tick"), roomId: $("room-id"), role: $("role"), view: $("view"),
  entityId: $("entity-id"), score: $("score"), hunting: $("hunting"), inSight: $("in-sight"), feed: $("feed"), error: $("last-error"),
};
const canvas = $("field");
const ctx = canvas.getContext("2d");
const currentDirection = trackDirection(window);

let ws = null;
let tickRateHz = 20;
let lastTick = 0;
let lastTickAt = 0;
let inputTimer = 0;
let keyframeRequested = false;

// ---- connection ---------------------------------------------------------------------------------------------

async function connect() {
  let token = params.get("token");
  try {
    token ??= (await fetchDevToken()).token;
  } catch (err) {
    showError(err.message);
    setState("closed");
    return;
  }
  const socket = openGameConnection(token, SUB_PROTOCOLS);
  ws = socket;

  socket.onopen = () => {
    if (!SUB_PROTOCOLS.includes(socket.protocol)) {
      showError(`server agreed to sub-protocol '${socket.protocol}', expected one of ${SUB_PROTOCOLS.join(", ")}`);
      socket.close(1000, "wrong sub-protocol");
      return;
    }
    tag.protocol = socket.protocol;
    tag.transport = socket.transport;
    setState("joining");
    // Join: [roomType, roomId, properties, options]; the options reach the game's OnJoinRequest.
    send([MSG.Join, [ROOM_TYPE, null, null, team === null ? null : { team }]]);
  };

  socket.onmessage = (ev) => {
    if (typeof ev.data === "string") {
      showError("unexpected text frame from the server");
      return;
    }
    let frame;
    try {
      frame = decodeFrame(ev.data);
    } catch (err) {
      showError(err.message);
      return;
    }
    handle(frame.type, frame.body, ev.data);
  };

  socket.onclose = (ev) => {
    clearInterval(inputTimer);
    tag.closeCode = ev.code;
    tag.closeReason = ev.reason;
    if (ev.code === CLOSE_KICKED) showError(`kicked: ${ev.reason}`);
    if (tag.state !== "refused" && tag.state !== "left") setState("closed");
  };
}

function send(message) {
  if (ws && ws.readyState === OPEN) ws.send(encodeFrame(message));
}

function handle(type, body, bytes) {
  tag.frames[type] = (tag.frames[type] ?? 0) + 1;
  switch (type) {
    case MSG.Welcome: {
      const [playerId, roomId, , entityId, rate, , currentTick] = body;
      Object.assign(tag, {
        playerId, roomId, entityId: num(entityId), role: body[13] ?? null, view: body.length > 14 ? num(body[14]) : null,
        tick: num(currentTick),
      });
      tickRateHz = num(rate) || 20;
      lastTick = num(currentTick);
      lastTickAt = performance.now();
      clearError();
      setState("in-room");
      inputTimer = setInterval(sendInput, INPUT_INTERVAL_MS);
      break;
    }
    case MSG.Snapshot:
      keyframeRequested = false;
      tag.lastSnapshotFrame = new Uint8Array(bytes.slice(0));
      onSnapshot(body);
      break;
    case MSG.Delta:
      // The tag game writes no deltas; should one come anyway, ask for the full state instead of guessing its format.
      if (ws?.protocol !== SUB_PROTOCOL_V2) break;
      tag.deltas += 1;
      if (!keyframeRequested) {
        keyframeRequested = true;
        tag.keyframeRequests += 1;
        send([MSG.KeyframeRequest, []]);
      }
      break;
    case MSG.Events:
      onEvents(body);
      break;
    case MSG.Error: {
      const [code, message] = body;
      if (num(code) === ERR_JOIN_REFUSED) {
        showError(message); // the game's own words, e.g. "Team red is full."
        setState("refused");
      } else {
        showError(`error ${num(code)}: ${message}`);
      }
      break;
    }
    case MSG.Left: {
      const [roomId, reason, message] = body;
      clearInterval(inputTimer);
      showError(reason === "room-ended" ? `room ended: ${message ?? "no reason given"}` : `left room ${roomId} (${reason})`);
      setState("left");
      break;
    }
    default:
      break; // Pong, SettingsChanged and unknown types: nothing to show
  }
}

/** Snapshot body `[tick, serverTimeMs, acks, [hunting, scoreRed, scoreBlue, [id, team, x, y, ...]]]`. */
function onSnapshot(body) {
  const tick = num(body[0]);
  const [hunting, scoreRed, scoreBlue, flat] = body[3] ?? [];
  const entities = flat ?? [];
  const visible = [];
  const records = [];
  for (let i = 0; i + 3 < entities.length; i += 4) {
    const record = [num(entities[i]), num(entities[i + 1]), num(entities[i + 2]), num(entities[i + 3])];
    records.push(record);
    visible.push({ id: record[0], team: TEAM[record[1]] ?? String(record[1]), x: record[2] / POSITION_SCALE, y: record[3] / POSITION_SCALE });
  }
  Object.assign(tag, {
    tick, hunting: TEAM[num(hunting)] ?? null, scores: { red: num(scoreRed) ?? 0, blue: num(scoreBlue) ?? 0 },
    visible, rawEntities: entities.map(num),
  });
  tag.snapshots += 1;
  tag.history.push({ tick, entities: records });
  if (tag.history.length > MAX_HISTORY) tag.history.shift();
  lastTick = tick;
  lastTickAt = performance.now();
}

/**
 * Events body `[snapshotTick, [[seq, tick, payload], ...]]`. An event whose seq was seen already is dropped; a late one
 * (its snapshot was overtaken on the way to the edge, protocol.md §5.12) is shown late rather than lost.
 */
function onEvents(body) {
  for (const item of body[1] ?? []) {
    const seq = num(item[0]);
    if (seq <= tag.lastEventSeq - SEEN_WINDOW || seenEvents.has(seq)) continue;
    seenEvents.add(seq);
    if (seq > tag.lastEventSeq) tag.lastEventSeq = seq;
    if (seenEvents.size > 2 * SEEN_WINDOW) {
      for (const old of seenEvents) if (old <= tag.lastEventSeq - SEEN_WINDOW) seenEvents.delete(old);
    }
    const event = { seq, tick: num(item[1]), payload: normalize(item[2]) };
    tag.events.push(event);
    if (tag.events.length > MAX_EVENTS) tag.events.shift();
    const li = document.createElement("li");
    li.textContent = describe(event.payload);
    ui.feed.prepend(li);
    while (ui.feed.childElementCount > MAX_EVENTS) ui.feed.lastElementChild.remove();
  }
}

// The seqs seen in this room, to drop repeats (a restored room may send some again); the last SEEN_WINDOW suffice.
const SEEN_WINDOW = 1024;
const seenEvents = new Set();

const normalize = (v) => (Array.isArray(v) ? v.map(normalize) : num(v));

function describe(payload) {
  if (!Array.isArray(payload)) return JSON.stringify(payload);
  const [kind, a, b, c] = payload;
  switch (kind) {
    case "welcome": return a;
    case "tag": return `#${a} tagged #${b} (${TEAM[c] ?? c} scores)`;
    case "swap": return `${TEAM[a] ?? a} hunts now`;
    case "spotted": return `enemy #${a} spotted`;
    case "over": return `game over: ${TEAM[a] ?? a} wins ${b}–${c}`;
    default: return JSON.stringify(payload);
  }
}

function sendInput() {
  // clientTick: the last tick seen plus the ticks elapsed since; must be an integer.
  const clientTick = lastTick + Math.floor((performance.now() - lastTickAt) * tickRateHz / 1000);
  tag.inputSeq += 1;
  send([MSG.Input, [tag.inputSeq, clientTick, currentDirection()]]);
}

// ---- rendering ----------------------------------------------------------------------------------------------

const COLORS = { red: "#ef476f", blue: "#4cc9f0" };

function draw() {
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(rect.width * dpr));
  const h = Math.max(1, Math.round(rect.height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const scale = Math.min(w, h) / FIELD_SIZE;
  ctx.clearRect(0, 0, w, h);
  ctx.textAlign = "center";

  if (!tag.snapshots) {
    ctx.fillStyle = "#7d8796";
    ctx.font = `${14 * dpr}px system-ui, sans-serif`;
    ctx.fillText(tag.state === "refused" ? "the game refused the join" : `${tag.state}…`, w / 2, h / 2);
    return;
  }

  // What the team sees: a circle of sight around each of its players.
  ctx.fillStyle = "rgba(255,255,255,0.04)";
  for (const e of tag.visible) {
    if (e.team !== tag.role) continue;
    ctx.beginPath();
    ctx.arc(e.x * scale, e.y * scale, SIGHT_UNITS * scale, 0, Math.PI * 2);
    ctx.fill();
  }
  const radius = Math.max(5 * dpr, 0.8 * scale);
  ctx.font = `${11 * dpr}px ui-monospace, monospace`;
  for (const e of tag.visible) {
    const isMe = e.id === tag.entityId;
    const x = e.x * scale;
    const y = e.y * scale;
    ctx.beginPath();
    ctx.arc(x, y, radius, 0, Math.PI * 2);
    ctx.fillStyle = COLORS[e.team] ?? "#b8c0cc";
    ctx.fill();
    ctx.lineWidth = (isMe ? 2.5 : 1) * dpr;
    ctx.strokeStyle = isMe ? "#ffffff" : "rgba(0,0,0,0.5)";
    ctx.stroke();
    ctx.fillStyle = isMe ? "#ffffff" : "#b8c0cc";
    ctx.fillText(isMe ? `you #${e.id}` : `#${e.id}`, x, y - radius - 5 * dpr);
  }
}

function frame() {
  draw();
  requestAnimationFrame(frame);
}

// ---- panel --------------------------------------------------------------------------------------------------

function setState(state) {
  tag.state = state;
  render();
}

function showError(text) {
  tag.lastError = text;
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function clearError() {
  tag.lastError = null;
  ui.error.hidden = true;
}

function teamSpan(name) {
  return Object.assign(document.createElement("span"), { className: `team-${name}`, textContent: name });
}

function render() {
  const labels = { connecting: "connecting…", joining: "joining…", "in-room": "in room", refused: "join refused", left: "left the room" };
  ui.state.textContent = tag.state === "closed"
    ? `closed (${tag.closeCode ?? "–"}${tag.closeReason ? `: ${tag.closeReason}` : ""})`
    : labels[tag.state];
  ui.state.dataset.state = tag.state === "in-room" ? "in-room" : tag.state === "joining" ? "connected" : tag.state;
  ui.protocol.textContent = tag.protocol ?? "–";
  ui.transport.textContent = tag.transport ? TRANSPORT_LABELS[tag.transport] : "–";
  ui.transport.dataset.transport = tag.transport ?? "";
  ui.tick.textContent = tag.tick ?? "–";
  ui.roomId.textContent = tag.roomId ?? "–";
  ui.role.replaceChildren(tag.role ? teamSpan(tag.role) : "–");
  ui.view.textContent = tag.view ?? "–";
  ui.entityId.textContent = tag.entityId ?? "–";
  ui.score.replaceChildren(teamSpan("red"), ` ${tag.scores.red} : ${tag.scores.blue} `, teamSpan("blue"));
  ui.hunting.replaceChildren(tag.hunting ? teamSpan(tag.hunting) : "–");
  const enemies = tag.visible.filter((e) => e.team !== tag.role).length;
  ui.inSight.textContent = tag.snapshots ? `${tag.visible.length - enemies} of your team, ${enemies} enem${enemies === 1 ? "y" : "ies"}` : "–";
}

window.addEventListener("pagehide", () => ws?.close(1000, "page closed"));
setInterval(render, 250);
connect();
requestAnimationFrame(frame);
