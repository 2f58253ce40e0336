// The arena demo client: joins an "arena" room over the gameserver.v1 WebSocket protocol (docs/protocol.md),
// sends the held direction at 20 Hz, and draws every player interpolated between the two snapshots around
// "server time − 100 ms" (server time estimated from the snapshots' tick numbers and tickRateHz), so rendering runs
// ~100 ms behind the newest snapshot and smooths over the 50 ms between snapshots and network jitter.
import { encode, decode } from "@msgpack/msgpack";

const SUB_PROTOCOL = "gameserver.v1";
const MSG = { Join: 1, Input: 2, Ping: 3, Leave: 4, Welcome: 10, Snapshot: 11, Pong: 12, Error: 13, Left: 14, SettingsChanged: 15 };
const ROOM_TYPE = "arena";
const ARENA_SIZE = 1000;          // arena units (ArenaTunables.ArenaSize)
const POSITION_SCALE = 10;        // wire x, y are tenths of a unit (ArenaState.PositionScale)
const INTERPOLATION_DELAY_MS = 100;
const INPUT_INTERVAL_MS = 50;     // 20 Hz
const PING_INTERVAL_MS = 1000;
const SNAPSHOT_BUFFER = 40;

/** Test hook, updated live (see tests/GameServer.EndToEnd.Tests/browser/demo.spec.mjs). */
const demo = {
  state: "connecting",            // 'connecting' | 'connected' | 'in-room' | 'closed'
  entityId: null,
  playerId: null,
  roomId: null,
  tick: null,
  myPosition: null,               // {x, y} in arena units from the newest snapshot, or null
  snapshots: 0,                   // snapshots received since the last join
  players: 0,
  renderLagMs: null,              // how far the last frame was behind the newest snapshot (100 ms minus its age)
  rendered: [],                   // what the last frame drew: [{id, x, y}] in arena units
  rttMs: null,
  lastAck: 0,
  inputSeq: 0,
  closeCode: null,
  closeReason: null,
  lastError: null,
};
window.gameDemo = demo;

const $ = (id) => document.getElementById(id);
const ui = {
  state: $("conn-state"), rtt: $("rtt"), tick: $("tick"), snapRate: $("snap-rate"), bytesRate: $("bytes-rate"),
  roomId: $("room-id"), playerId: $("player-id"), entityId: $("entity-id"), players: $("player-count"),
  position: $("position"), inputAck: $("input-ack"), error: $("last-error"), action: $("action"),
};
const canvas = $("arena");
const ctx = canvas.getContext("2d");

// @msgpack/msgpack returns numbers for every int the server sends today; accept bigint too, just in case.
const num = (v) => (typeof v === "bigint" ? Number(v) : v);

let ws = null;
let room = null;                  // from Welcome: { tickRateHz, snapshotEveryTicks, entityId, ... }
let snapshots = [];               // newest last: { tick, receivedAt, entities: Map(id -> {x, y, vx, vy, hp}) }
let lastTick = 0;
let lastTickAt = 0;
let tickOffsetMs = null;          // estimate of (tick × msPerTick − performance.now())
let inputTimer = 0;
let pingTimer = 0;
const snapshotTimes = [];         // arrival times over the last second
const received = [];              // [time, bytes] over the last second

// ---- connection ---------------------------------------------------------------------------------------------

// The game socket needs a signed player token (docs/security.md). Browsers cannot set headers on a WebSocket, so it
// goes in the access_token query parameter. It comes from ?token= in the page URL or, on a development server, from
// the development token endpoint.
async function playerToken() {
  const fromPage = new URLSearchParams(location.search).get("token");
  if (fromPage) return fromPage;
  const response = await fetch("/auth/dev-token");
  if (!response.ok) {
    throw new Error(`no player token: open this page with ?token=<token> (this server has no development token endpoint: HTTP ${response.status})`);
  }
  return (await response.json()).token;
}

async function connect() {
  resetRoom();
  demo.closeCode = demo.closeReason = null;
  setState("connecting");
  let token;
  try {
    token = await playerToken();
  } catch (err) {
    showError(err.message);
    setState("closed");
    return;
  }
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws?access_token=${encodeURIComponent(token)}`;
  const socket = new WebSocket(url, SUB_PROTOCOL);
  socket.binaryType = "arraybuffer";
  ws = socket;

  socket.onopen = () => {
    if (socket.protocol !== SUB_PROTOCOL) {
      showError(`server agreed to sub-protocol '${socket.protocol}', expected '${SUB_PROTOCOL}'`);
      socket.close(1000, "wrong sub-protocol");
      return;
    }
    setState("connected");
    sendPing();
    pingTimer = setInterval(sendPing, PING_INTERVAL_MS);
    join();
  };

  socket.onmessage = (ev) => {
    if (socket !== ws) return;
    const now = performance.now();
    if (typeof ev.data === "string") {
      showError("unexpected text frame from the server");
      return;
    }
    received.push([now, ev.data.byteLength]);
    let message;
    try {
      message = decode(new Uint8Array(ev.data));
    } catch (err) {
      showError(`undecodable frame: ${err.message}`);
      return;
    }
    if (!Array.isArray(message) || message.length < 2) {
      showError("frame is not [type, body]");
      return;
    }
    handle(num(message[0]), message[1], now);
  };

  socket.onclose = (ev) => {
    if (socket !== ws) return;
    clearInterval(pingTimer);
    resetRoom();
    demo.closeCode = ev.code;
    demo.closeReason = ev.reason;
    setState("closed");
  };
}

function join() {
  send([MSG.Join, [ROOM_TYPE, null]]);
}

function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) {
    ws.send(encode(message));
  }
}

function sendPing() {
  send([MSG.Ping, [performance.now()]]);
}

function handle(type, body, now) {
  switch (type) {
    case MSG.Welcome: {
      const [playerId, roomId, roomType, entityId, tickRateHz, snapshotEveryTicks, currentTick, , maxPlayers] = body;
      resetRoom();
      room = {
        playerId, roomId, roomType,
        entityId: num(entityId),
        tickRateHz: num(tickRateHz) || 20,
        snapshotEveryTicks: num(snapshotEveryTicks) || 1,
        maxPlayers: num(maxPlayers),
      };
      lastTick = num(currentTick);
      lastTickAt = now;
      Object.assign(demo, { playerId, roomId, entityId: room.entityId, tick: lastTick, inputSeq: 0, lastAck: 0 });
      clearError();
      setState("in-room");
      inputTimer = setInterval(sendInput, INPUT_INTERVAL_MS);
      break;
    }
    case MSG.Snapshot: {
      if (!room) break; // can race with Left
      onSnapshot(body, now);
      break;
    }
    case MSG.Pong: {
      const clientTimeMs = num(body[0]);
      demo.rttMs = now - clientTimeMs;
      break;
    }
    case MSG.Error: {
      const [code, message] = body;
      showError(`error ${num(code)}: ${message}`);
      break;
    }
    case MSG.SettingsChanged: {
      // A designer changed the room's rates live. Tick numbers now map to time at the new rate, so the tick clock and
      // the interpolation buffer start over (a one-frame hitch, no reconnect).
      if (!room) break;
      const [, tickRateHz, snapshotEveryTicks, maxPlayers] = body;
      room.tickRateHz = num(tickRateHz) || room.tickRateHz;
      room.snapshotEveryTicks = num(snapshotEveryTicks) || room.snapshotEveryTicks;
      room.maxPlayers = num(maxPlayers) || room.maxPlayers;
      tickOffsetMs = null;
      snapshots.length = 0;
      demo.tickRateHz = room.tickRateHz;
      break;
    }
    case MSG.Left: {
      const [roomId, reason] = body;
      resetRoom();
      showError(`left room ${roomId} (${reason})`);
      if (demo.state !== "closed") setState("connected");
      break;
    }
    default:
      break; // unknown server message types are skipped (forward compatibility)
  }
}

function onSnapshot(body, now) {
  const tick = num(body[0]);
  const acks = body[2] || [];
  const state = body[3] || [];
  const entities = new Map();
  for (const e of state) {
    const id = num(e[0]);
    entities.set(id, {
      x: num(e[1]) / POSITION_SCALE,
      y: num(e[2]) / POSITION_SCALE,
      vx: num(e[3]),
      vy: num(e[4]),
      hp: num(e[5]),
    });
  }
  for (let i = 0; i + 1 < acks.length; i += 2) {
    if (num(acks[i]) === room.entityId) demo.lastAck = num(acks[i + 1]);
  }

  // Map the server's tick clock onto ours: the least-delayed snapshots give the largest offset.
  const msPerTick = 1000 / room.tickRateHz;
  const sample = tick * msPerTick - now;
  if (tickOffsetMs === null || Math.abs(sample - tickOffsetMs) > 250) {
    tickOffsetMs = sample;
  } else {
    tickOffsetMs += (sample - tickOffsetMs) * (sample > tickOffsetMs ? 0.5 : 0.05);
  }

  if (snapshots.length && tick <= snapshots[snapshots.length - 1].tick) {
    return; // stale or duplicate
  }
  snapshots.push({ tick, receivedAt: now, entities });
  if (snapshots.length > SNAPSHOT_BUFFER) snapshots.shift();
  snapshotTimes.push(now);

  lastTick = tick;
  lastTickAt = now;
  const me = entities.get(room.entityId);
  demo.tick = tick;
  demo.snapshots += 1;
  demo.players = entities.size;
  demo.myPosition = me ? { x: me.x, y: me.y } : null;
}

function resetRoom() {
  clearInterval(inputTimer);
  room = null;
  snapshots = [];
  tickOffsetMs = null;
  snapshotTimes.length = 0;
  Object.assign(demo, {
    entityId: null, playerId: null, roomId: null, tick: null, myPosition: null, snapshots: 0, players: 0, renderLagMs: null, rendered: [],
  });
}

// ---- input --------------------------------------------------------------------------------------------------

const held = new Set();
const KEYS = {
  ArrowLeft: "left", KeyA: "left",
  ArrowRight: "right", KeyD: "right",
  ArrowUp: "up", KeyW: "up",
  ArrowDown: "down", KeyS: "down",
};

function keyDirection(ev) {
  return KEYS[ev.code] || KEYS[ev.key];
}

window.addEventListener("keydown", (ev) => {
  const dir = keyDirection(ev);
  if (!dir || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  held.add(dir);
  ev.preventDefault();
});
window.addEventListener("keyup", (ev) => {
  const dir = keyDirection(ev);
  if (!dir) return;
  held.delete(dir);
  ev.preventDefault();
});
window.addEventListener("blur", () => held.clear());

function currentDirection() {
  let dx = (held.has("right") ? 1 : 0) - (held.has("left") ? 1 : 0);
  let dy = (held.has("down") ? 1 : 0) - (held.has("up") ? 1 : 0);
  if (dx !== 0 && dy !== 0) {
    dx *= Math.SQRT1_2; // same speed diagonally
    dy *= Math.SQRT1_2;
  }
  return [dx, dy];
}

function sendInput() {
  if (!room) return;
  // clientTick: the last tick seen plus the ticks elapsed since; must be an integer.
  const clientTick = lastTick + Math.floor((performance.now() - lastTickAt) * room.tickRateHz / 1000);
  demo.inputSeq += 1;
  send([MSG.Input, [demo.inputSeq, clientTick, currentDirection()]]);
}

// ---- rendering ----------------------------------------------------------------------------------------------

/** Every entity's position at `renderTick`, interpolated between the two snapshots around it. */
function interpolate(renderTick) {
  if (!snapshots.length) return new Map();
  let i = snapshots.length - 1;
  while (i > 0 && snapshots[i - 1].tick > renderTick) i--;
  const b = snapshots[i];
  const a = i > 0 ? snapshots[i - 1] : null;
  if (!a || renderTick >= b.tick) return b.entities; // past the newest (or before the oldest): hold
  if (renderTick <= a.tick) return a.entities;
  const t = (renderTick - a.tick) / (b.tick - a.tick);
  const out = new Map();
  for (const [id, eb] of b.entities) {
    const ea = a.entities.get(id);
    out.set(id, ea ? { ...eb, x: ea.x + (eb.x - ea.x) * t, y: ea.y + (eb.y - ea.y) * t } : eb);
  }
  return out;
}

// Other players' colours; yellow is reserved for your own player.
const PALETTE = ["#4cc9f0", "#f72585", "#06d6a0", "#b388ff", "#ff8c42", "#90e0ef", "#ef476f", "#83c5be"];

function colorFor(id) {
  return PALETTE[id % PALETTE.length];
}

function resizeCanvas() {
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(rect.width * dpr));
  const h = Math.max(1, Math.round(rect.height * dpr));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
}

function draw() {
  resizeCanvas();
  const w = canvas.width;
  const h = canvas.height;
  const scale = Math.min(w, h) / ARENA_SIZE;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, w, h);

  // grid every 100 units
  ctx.strokeStyle = "rgba(255,255,255,0.05)";
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (let u = 100; u < ARENA_SIZE; u += 100) {
    const p = Math.round(u * scale) + 0.5;
    ctx.moveTo(p, 0); ctx.lineTo(p, h);
    ctx.moveTo(0, p); ctx.lineTo(w, p);
  }
  ctx.stroke();

  if (!room || !snapshots.length || tickOffsetMs === null) {
    ctx.fillStyle = "#7d8796";
    ctx.font = `${14 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = "center";
    ctx.fillText(statusLine(), w / 2, h / 2);
    return;
  }

  const msPerTick = 1000 / room.tickRateHz;
  const renderTick = (performance.now() + tickOffsetMs - INTERPOLATION_DELAY_MS) / msPerTick;
  const entities = interpolate(renderTick);
  demo.renderLagMs = Math.round((snapshots[snapshots.length - 1].tick - renderTick) * msPerTick);
  demo.rendered = Array.from(entities, ([id, e]) => ({ id, x: e.x, y: e.y }));
  const radius = Math.max(6 * dpr, 12 * scale);
  ctx.font = `${11 * dpr}px ui-monospace, monospace`;
  ctx.textAlign = "center";

  let mine = null;
  for (const [id, e] of entities) {
    if (id === room.entityId) { mine = [id, e]; continue; }
    drawEntity(id, e, scale, radius, false);
  }
  if (mine) drawEntity(mine[0], mine[1], scale, radius, true); // own player on top
}

function drawEntity(id, e, scale, radius, isMe) {
  const x = e.x * scale;
  const y = e.y * scale;
  const dpr = window.devicePixelRatio || 1;
  if (isMe) {
    ctx.beginPath();
    ctx.arc(x, y, radius * 1.9, 0, Math.PI * 2);
    ctx.fillStyle = "rgba(255, 209, 102, 0.15)";
    ctx.fill();
  }
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, Math.PI * 2);
  ctx.fillStyle = isMe ? "#ffd166" : colorFor(id);
  ctx.fill();
  ctx.lineWidth = (isMe ? 2.5 : 1.5) * dpr;
  ctx.strokeStyle = isMe ? "#ffffff" : "rgba(0,0,0,0.5)";
  ctx.stroke();
  ctx.fillStyle = isMe ? "#ffd166" : "#b8c0cc";
  ctx.fillText(isMe ? `you #${id}` : `#${id}`, x, y - radius - 5 * dpr);
}

function statusLine() {
  switch (demo.state) {
    case "connecting": return "connecting…";
    case "connected": return "connected, not in a room";
    case "in-room": return "waiting for snapshots…";
    default: return "disconnected";
  }
}

function frame() {
  draw();
  requestAnimationFrame(frame);
}

// ---- stats panel --------------------------------------------------------------------------------------------

function setState(state) {
  demo.state = state;
  renderStats();
}

function showError(text) {
  demo.lastError = text;
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function clearError() {
  demo.lastError = null;
  ui.error.hidden = true;
}

function formatBytes(n) {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(2)} MB/s`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB/s`;
  return `${n} B/s`;
}

function renderStats() {
  const now = performance.now();
  while (snapshotTimes.length && now - snapshotTimes[0] > 1000) snapshotTimes.shift();
  while (received.length && now - received[0][0] > 1000) received.shift();
  const bytes = received.reduce((sum, r) => sum + r[1], 0);

  const labels = { "connecting": "connecting…", "connected": "connected", "in-room": "connected · in room" };
  ui.state.textContent = demo.state === "closed"
    ? `closed (${demo.closeCode}${demo.closeReason ? `: ${demo.closeReason}` : ""})`
    : labels[demo.state];
  ui.state.dataset.state = demo.state;
  ui.rtt.textContent = demo.rttMs === null ? "–" : `${demo.rttMs.toFixed(1)} ms`;
  ui.tick.textContent = demo.tick ?? "–";
  ui.snapRate.textContent = String(snapshotTimes.length);
  ui.bytesRate.textContent = formatBytes(bytes);
  ui.roomId.textContent = demo.roomId ?? "–";
  ui.playerId.textContent = demo.playerId ?? "–";
  ui.entityId.textContent = demo.entityId ?? "–";
  ui.players.textContent = room ? `${demo.players} / ${room.maxPlayers}` : "–";
  ui.position.textContent = demo.myPosition ? `${demo.myPosition.x.toFixed(1)}, ${demo.myPosition.y.toFixed(1)}` : "–";
  ui.inputAck.textContent = room ? `${demo.inputSeq} / ${demo.lastAck}` : "–";

  ui.action.hidden = demo.state === "in-room" || demo.state === "connecting";
  ui.action.textContent = demo.state === "closed" ? "Reconnect" : "Join a room";
}

ui.action.addEventListener("click", () => {
  if (demo.state === "closed") connect();
  else if (demo.state === "connected") join();
});
window.addEventListener("pagehide", () => ws && ws.close(1000, "page closed"));

setInterval(renderStats, 250);
connect();
requestAnimationFrame(frame);
