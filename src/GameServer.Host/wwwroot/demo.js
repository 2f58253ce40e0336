// The arena demo client: from a small lobby (quick play by mode, a private room joined by its code, the list of open
// rooms from GET /rooms) it joins an "arena" room over the gameserver WebSocket protocol (docs/protocol.md),
// sends the held direction at 20 Hz, and draws every player interpolated between the two snapshots around
// "server time − 100 ms" (server time estimated from the snapshots' tick numbers and tickRateHz), so rendering runs
// ~100 ms behind the newest snapshot and smooths over the 50 ms between snapshots and network jitter.
// When the connection drops it reconnects with exponential backoff and full jitter and resumes the seat (Resume,
// type 5): same room, same entity, the input sequence continues (docs/protocol.md, "Reconnect, resume and drain").
// A connection that goes silent (a half-open one: the path died and no close or reset ever arrives) counts as dropped.
// It offers gameserver.v2 first: then most snapshots come as deltas (Delta, type 16) against the previous one, and
// delta.js rebuilds each into the full snapshot it stands for. ?protocol=v1 in the page URL offers only gameserver.v1.
// Where WebSockets are blocked the same frames go over the fallback transport (Server-Sent Events, then long polling:
// wire.js, openGameConnection); ?transport=websocket|sse|longpolling forces one, and the page shows the one in use.
import { applyDelta, deltaBaseTick } from "./delta.js";
import { trackDirection } from "./keys.js";
import {
  MSG, OPEN, SUB_PROTOCOL_V2, TRANSPORT_LABELS, decodeFrame, encodeFrame, fetchDevToken, num, offeredSubProtocols, openGameConnection,
} from "./wire.js";

const SUB_PROTOCOLS = offeredSubProtocols();
const ERR = { InternalError: 9, RateLimited: 11, ResumeExpired: 13, ResumeRejected: 14, RoomCodeUnknown: 15, TooManyCodeGuesses: 16 };
const ROOM_TYPE = "arena";
const ARENA_SIZE = 1000;          // arena units (ArenaTunables.ArenaSize)
const POSITION_SCALE = 10;        // wire x, y are tenths of a unit (ArenaState.PositionScale)
const INTERPOLATION_DELAY_MS = 100;
const INPUT_INTERVAL_MS = 50;     // 20 Hz
const PING_INTERVAL_MS = 1000;
// The lobby endpoint serves each query from a cache at most once a second per edge; 2 s keeps the list fresh enough.
const LOBBY_POLL_MS = 2000;
// Dead-peer detection. Browsers cannot send WebSocket pings, and a dead path (frozen edge, NAT or mobile network that
// dropped it) sends no close or reset: the socket stays OPEN, and after close() the browser waits a long time for the
// close handshake. But a live connection is never quiet for long: the edge answers each Ping, and in a room snapshots
// come at 20 Hz. So no message of any kind for DEAD_PEER_MS means the connection is dead (docs/protocol.md, "Dead
// peers"). ?deadPeerMs= in the page URL overrides it (the browser tests use a short one).
const DEAD_PEER_MS = 6000;
const DEAD_PEER_CHECK_MS = 500;
const SNAPSHOT_BUFFER = 40;
// Reconnect backoff, as the .NET SDK's defaults: the delay before attempt n (0-based) is uniform in
// [0, min(MAX, INITIAL × 2ⁿ)) ("full jitter"), so a crowd cut off at once spreads out; after a 4003 (Draining)
// close the first attempt comes within 250 ms.
const RECONNECT_INITIAL_DELAY_MS = 250;
const RECONNECT_MAX_DELAY_MS = 10_000;
const RECONNECT_MAX_ATTEMPTS = 10;
const DRAIN_DELAY_CAP_MS = 250;
// Close codes after which the page reconnects (CloseCode.ShouldReconnect): 1006 is what a browser reports for a
// connection lost without a close frame. Never after 1000, 1003, 1007, 1008, 1009 or 4004 (SessionTakenOver).
const RECONNECT_CLOSE_CODES = new Set([1001, 1006, 1011, 1012, 1013, 4001, 4002, 4003]);
const CLOSE_DRAINING = 4003;
const CLOSE_IDLE_TIMEOUT = 4002;

const deadPeerMs = pageParamMs("deadPeerMs", DEAD_PEER_MS);

/** Test hook, updated live (see tests/GameServer.EndToEnd.Tests/browser/demo.spec.mjs). */
const demo = {
  state: "connecting",            // 'connecting' | 'connected' | 'in-room' | 'reconnecting' | 'closed'
  stateLog: [],                   // every state entered, in order (the reconnect spec checks the sequence)
  entityId: null,
  playerId: null,
  roomId: null,
  roomCode: null,                 // the private room's code from Welcome, else null
  properties: null,               // the room's properties from Welcome, e.g. {mode: "duel"}
  lobbyRooms: [],                 // the last GET /rooms answer's rooms, shown while not in a room
  lobbyPolls: 0,                  // GET /rooms answers received
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
  reconnectAttempt: 0,            // the attempt under way while 'reconnecting' (1-based), else 0
  reconnects: 0,                  // connections re-established after a drop
  resumes: 0,                     // seats taken back after a drop (Welcome.resumed)
  resumeFailures: 0,              // resumes refused (13 ResumeExpired, 14 ResumeRejected): joined afresh
  restores: 0,                    // snapshot ticks that went backwards: the room was restored from a checkpoint
  resumed: false,                 // whether the current seat came from a resume
  deadPeerMs,                     // silence after which an open connection counts as dead (DEAD_PEER_MS or ?deadPeerMs=)
  deadPeerDrops: 0,               // connections given up on because nothing arrived for deadPeerMs
  lastOutageMs: null,             // from the drop to the resumed welcome
  session: null,                  // what #session shows
  protocol: null,                 // the sub-protocol the current connection agreed ('gameserver.v2': deltas), else null
  transport: null,                // what carries the current connection: 'websocket', 'sse' or 'longpolling', else null
  fullSnapshots: 0,               // Snapshot (11) frames applied, over the page's life
  deltas: 0,                      // Delta (16) frames applied, over the page's life
  keyframeRequests: 0,            // deltas that did not follow the last snapshot, so a full one was asked for (stays 0)
};
window.gameDemo = demo;

const $ = (id) => document.getElementById(id);
const ui = {
  state: $("conn-state"), protocol: $("protocol"), transport: $("transport"), rtt: $("rtt"), tick: $("tick"), snapRate: $("snap-rate"), bytesRate: $("bytes-rate"),
  roomId: $("room-id"), playerId: $("player-id"), entityId: $("entity-id"), players: $("player-count"),
  position: $("position"), inputAck: $("input-ack"), error: $("last-error"), action: $("action"), session: $("session"),
  roomMode: $("room-mode"), leave: $("leave"),
  lobby: $("lobby"), mode: $("mode"), quickPlay: $("quick-play"), createPrivate: $("create-private"),
  codeForm: $("code-form"), codeInput: $("code-input"), lobbyMessage: $("lobby-message"),
  roomList: document.querySelector("#room-list tbody"), roomListStatus: $("room-list-status"),
  roomCodeBox: $("room-code-box"), roomCode: $("room-code"),
};
const canvas = $("arena");
const ctx = canvas.getContext("2d");

let ws = null;
let room = null;                  // from Welcome: { tickRateHz, snapshotEveryTicks, entityId, ... }
let snapshots = [];               // newest last: { tick, receivedAt, entities: Map(id -> {x, y, vx, vy, hp}) }
// The body of the last snapshot applied (full or rebuilt from a delta): the next delta's base. Only this connection's
// and this room's: the server starts every connection, join and resume with a full snapshot.
let deltaBase = null;
let keyframeRequested = false;    // a KeyframeRequest was sent: ignore deltas until a full snapshot comes
let lastTick = 0;
let lastTickAt = 0;
let tickOffsetMs = null;          // estimate of (tick × msPerTick − performance.now())
let inputTimer = 0;
let pingTimer = 0;
let deadPeerTimer = 0;
let accessToken = null;           // { token, playerId, expiresAt (ms, or null) }: kept, so a reconnect is the same player
let seat = null;                  // { roomId, resumeToken, entityId, graceSeconds } from the last Welcome, while we hold one
let resuming = false;             // a Resume was sent and not yet answered
let reconnectTimer = 0;
let attempt = 0;                  // failed reconnect attempts in a row
let droppedAt = null;             // performance.now() of the drop, during an outage
let lastCloseCode = null;         // the close that started the outage
let dropCause = null;             // what started the outage, for #session: "close 1006", or why the page gave up
let afterSeatLost = false;        // the next welcome is the fresh seat that replaced a lost one
let leaving = false;              // the page is being closed: never reconnect
let leavingRoom = false;          // the player pressed Leave: the Left that follows is no error
let requestPending = false;       // a Join, Create or JoinByCode is unanswered: the lobby buttons wait
let lastMode = "ffa";             // the mode of the last room asked for, for joining afresh after a lost seat
const snapshotTimes = [];         // arrival times over the last second
const received = [];              // [time, bytes] over the last second

// ---- connection ---------------------------------------------------------------------------------------------

/** A duration in ms from the page URL's query (`?name=1500`), or `fallback` when absent or not a positive number. */
function pageParamMs(name, fallback) {
  const raw = new URLSearchParams(location.search).get(name);
  if (raw === null) return fallback;
  const value = Number(raw);
  if (Number.isFinite(value) && value > 0) return value;
  console.warn(`ignoring ?${name}=${raw}: expected a positive number of milliseconds; using ${fallback}`);
  return fallback;
}

// The game socket needs a signed player token (docs/security.md). Browsers cannot set headers on a WebSocket, so it
// goes in the access_token query parameter. It comes from ?token= in the page URL or, on a development server, from
// the development token endpoint. It is kept for reconnects (a resume must come from the same player) and renewed
// for the same player shortly before it expires, since the server checks it at every handshake.
async function playerToken() {
  const fromPage = new URLSearchParams(location.search).get("token");
  if (fromPage) return fromPage;
  if (accessToken && (accessToken.expiresAt === null || performance.now() < accessToken.expiresAt - 60_000)) {
    return accessToken.token;
  }
  accessToken = await fetchDevToken(accessToken?.playerId);
  return accessToken.token;
}

/** Opens a connection: the first one, a reconnect after a drop (`isReconnect`), or the Reconnect button's. */
async function connect(isReconnect = false) {
  clearTimeout(reconnectTimer);
  resetRoom();
  demo.closeCode = demo.closeReason = null;
  demo.protocol = null;
  demo.transport = null;
  if (!isReconnect) setState("connecting");
  let token;
  try {
    token = await playerToken();
  } catch (err) {
    if (isReconnect) {
      connectionLost(null, err.message); // e.g. the token endpoint is unreachable too: count it as a failed attempt
      return;
    }
    showError(err.message);
    setState("closed");
    return;
  }
  const socket = openGameConnection(token, SUB_PROTOCOLS);
  ws = socket;
  let lastMessageAt = 0;

  socket.onopen = () => {
    if (socket !== ws) return;
    if (!SUB_PROTOCOLS.includes(socket.protocol)) {
      showError(`server agreed to sub-protocol '${socket.protocol}', expected one of ${SUB_PROTOCOLS.join(", ")}`);
      socket.close(1000, "wrong sub-protocol");
      return;
    }
    demo.protocol = socket.protocol;
    demo.transport = socket.transport;
    lastMessageAt = performance.now();
    sendPing();
    pingTimer = setInterval(sendPing, PING_INTERVAL_MS);
    deadPeerTimer = setInterval(() => {
      const silentMs = performance.now() - lastMessageAt;
      if (socket === ws && !leaving && silentMs >= deadPeerMs) deadPeer(socket, silentMs);
    }, DEAD_PEER_CHECK_MS);
    if (seat && seat.graceSeconds > 0) {
      resuming = true;
      send([MSG.Resume, [seat.roomId, seat.resumeToken]]); // stays 'reconnecting' until the welcome (or an error)
      return;
    }
    const hadSeat = seat !== null;
    if (hadSeat) {
      seatLost("this server keeps no seat after a disconnect (reconnectGraceSeconds 0)");
    }
    reconnected();
    setState("connected");
    if (hadSeat) join(lastMode); // the player was playing: play on; otherwise the lobby is up
  };

  socket.onmessage = (ev) => {
    if (socket !== ws) return;
    const now = performance.now();
    lastMessageAt = now;
    if (typeof ev.data === "string") {
      showError("unexpected text frame from the server");
      return;
    }
    received.push([now, ev.data.byteLength]);
    let frame;
    try {
      frame = decodeFrame(ev.data);
    } catch (err) {
      showError(err.message);
      return;
    }
    handle(frame.type, frame.body, now);
  };

  socket.onclose = (ev) => {
    if (socket !== ws) return;
    stopConnectionTimers();
    resetRoom();
    resuming = false;
    demo.closeCode = ev.code;
    demo.closeReason = ev.reason;
    if (socket.retry || shouldReconnect(ev.code)) {
      connectionLost(ev.code, ev.reason);
      return;
    }
    seat = null;
    droppedAt = null;
    setState("closed");
  };
}

/**
 * Nothing arrived on `socket` for `silentMs`: give it up at once and reconnect (then resume, as after any drop). It is
 * detached first, so whatever it reports later (its close may come minutes from now, or never) is ignored.
 */
function deadPeer(socket, silentMs) {
  ws = null;
  stopConnectionTimers();
  // No close code: a 1000 would release the seat at once should the close frame reach the server after all.
  socket.close();
  resetRoom();
  resuming = false;
  demo.deadPeerDrops += 1;
  const reason = `no message from the server for ${(silentMs / 1000).toFixed(1)} s`;
  demo.closeCode = null;
  demo.closeReason = reason;
  connectionLost(null, reason);
}

function stopConnectionTimers() {
  clearInterval(pingTimer);
  clearInterval(deadPeerTimer);
}

function shouldReconnect(code) {
  if (leaving || !RECONNECT_CLOSE_CODES.has(code)) return false;
  // Idle outside a room: nothing to resume, and a new connection left as idle would be closed again.
  return !(code === CLOSE_IDLE_TIMEOUT && !seat);
}

/** The connection dropped (or a reconnect attempt failed): wait a jittered backoff, then try again, or give up. */
function connectionLost(code, reason) {
  if (droppedAt === null) {
    droppedAt = performance.now();
    lastCloseCode = code;
    dropCause = code === null ? reason : `close ${code}`;
    attempt = 0;
  }
  if (attempt >= RECONNECT_MAX_ATTEMPTS) {
    showError(`gave up after ${RECONNECT_MAX_ATTEMPTS} reconnect attempts (last close ${code}${reason ? `: ${reason}` : ""})`);
    seat = null;
    droppedAt = null;
    demo.reconnectAttempt = 0;
    setState("closed");
    return;
  }
  const delay = backoffDelayMs(attempt, lastCloseCode === CLOSE_DRAINING);
  attempt += 1;
  demo.reconnectAttempt = attempt;
  demo.session = `reconnecting (attempt ${attempt}, after ${dropCause})`;
  setState("reconnecting");
  reconnectTimer = setTimeout(() => connect(true), delay);
}

/** Full jitter: uniform in [0, min(MAX, INITIAL × 2^n)); at most 250 ms for the first attempt after a drain. */
function backoffDelayMs(n, afterDrain) {
  let ceiling = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_INITIAL_DELAY_MS * 2 ** n);
  if (afterDrain && n === 0) ceiling = Math.min(ceiling, DRAIN_DELAY_CAP_MS);
  return Math.random() * ceiling;
}

/** A reconnect succeeded (and its resume, if any, was answered). */
function reconnected() {
  if (droppedAt === null) return;
  demo.reconnects += 1;
  demo.lastOutageMs = Math.round(performance.now() - droppedAt);
  droppedAt = null;
  attempt = 0;
  demo.reconnectAttempt = 0;
}

/** The seat could not be taken back: say why, and join afresh. */
function seatLost(why) {
  seat = null;
  resuming = false;
  demo.resumeFailures += 1;
  demo.resumed = false;
  demo.session = "seat lost: joined afresh";
  afterSeatLost = true;
  showError(`could not resume the seat (${why}): joining afresh`);
}

/** Quick play: the matchmaker seats the player in an open public room of the mode, or opens one. */
function join(mode) {
  lastMode = mode;
  request([MSG.Join, [ROOM_TYPE, null, { mode }]]);
}

/** Opens a private room; its Welcome carries the code a friend joins it by. */
function createPrivate(mode) {
  lastMode = mode;
  request([MSG.Create, [ROOM_TYPE, true, { mode }]]);
}

function joinByCode(code) {
  request([MSG.JoinByCode, [code]]);
}

function request(message) {
  clearLobbyMessage();
  requestPending = true;
  send(message);
  renderStats();
}

function send(message) {
  if (ws && ws.readyState === OPEN) {
    ws.send(encodeFrame(message));
  }
}

function sendPing() {
  send([MSG.Ping, [performance.now()]]);
}

function handle(type, body, now) {
  switch (type) {
    case MSG.Welcome: {
      const [playerId, roomId, roomType, entityId, tickRateHz, snapshotEveryTicks, currentTick, resumeToken, maxPlayers, resumed, graceSeconds, roomCode, properties] = body;
      const wasResume = resuming && resumed === true;
      resuming = false;
      requestPending = false;
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
      // Every welcome replaces the resume token. A resumed seat keeps its input sequence (the server continues from
      // it); a new seat starts again at 1.
      seat = { roomId, resumeToken, entityId: room.entityId, graceSeconds: num(graceSeconds) || 0 };
      Object.assign(demo, {
        playerId, roomId, entityId: room.entityId, tick: lastTick, resumed: wasResume,
        roomCode: roomCode ?? null, properties: properties ?? null,
      });
      if (wasResume) {
        const outageMs = Math.round(now - (droppedAt ?? now));
        reconnected();
        demo.resumes += 1;
        demo.session = `resumed after ${(outageMs / 1000).toFixed(1)} s (same entity #${room.entityId})`;
        clearError();
      } else {
        Object.assign(demo, { inputSeq: 0, lastAck: 0 });
        if (afterSeatLost) {
          afterSeatLost = false; // keep the "seat lost" notice up
        } else {
          demo.session = "new seat";
          clearError();
        }
      }
      setState("in-room");
      inputTimer = setInterval(sendInput, INPUT_INTERVAL_MS);
      break;
    }
    case MSG.Snapshot: {
      if (!room) break; // can race with Left
      deltaBase = body;
      keyframeRequested = false;
      demo.fullSnapshots += 1;
      onSnapshot(body, now);
      break;
    }
    case MSG.Delta: {
      if (!room || ws?.protocol !== SUB_PROTOCOL_V2) break; // v1 never sends one; a delta can race with Left too
      onDelta(body, now);
      break;
    }
    case MSG.Pong: {
      const clientTimeMs = num(body[0]);
      demo.rttMs = now - clientTimeMs;
      break;
    }
    case MSG.Error: {
      const code = num(body[0]);
      const message = body[1];
      if (resuming && (code === ERR.InternalError || code === ERR.RateLimited)) {
        // Transient: the seat is still held for the grace window; drop this connection and try again after a backoff.
        ws.retry = true;
        ws.close(1000, "retrying the resume");
        break;
      }
      if (resuming) {
        // 13 ResumeExpired (the grace window passed) or 14 ResumeRejected: the seat is gone; play on in a new one.
        seatLost(`error ${code}${code === ERR.ResumeExpired ? " ResumeExpired" : code === ERR.ResumeRejected ? " ResumeRejected" : ""}: ${message}`);
        reconnected();
        setState("connected");
        join(lastMode);
        break;
      }
      requestPending = false;
      if (code === ERR.RoomCodeUnknown) {
        showLobbyMessage("No open room has that code: check it with your friend (a code ends with its room).");
        break;
      }
      if (code === ERR.TooManyCodeGuesses) {
        showLobbyMessage(`Too many room codes tried: wait a minute before the next one (${message})`);
        break;
      }
      showError(`error ${code}: ${message}`);
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
      seat = null;
      if (leavingRoom) clearError();
      else showError(`left room ${roomId} (${reason})`);
      leavingRoom = false;
      if (demo.state !== "closed") setState("connected");
      break;
    }
    default:
      break; // unknown server message types are skipped (forward compatibility)
  }
}

function onSnapshot(body, now) {
  const tick = num(body[0]);
  if (snapshots.length && tick <= snapshots[snapshots.length - 1].tick) {
    // Ticks went backwards: the room was restored from a checkpoint (up to ~1 s old) after a server failure. The
    // buffered snapshots are from a timeline that no longer exists: start interpolation and the tick clock over.
    demo.restores += 1;
    snapshots.length = 0;
    tickOffsetMs = null;
  }
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

/** A delta: rebuild the full snapshot from the last one and handle it as one, or ask for a full one if it does not fit. */
function onDelta(body, now) {
  if (keyframeRequested) return;
  if (!deltaBase || deltaBaseTick(body) !== num(deltaBase[0])) {
    requestKeyframe();
    return;
  }
  let snapshot;
  try {
    snapshot = applyDelta(deltaBase, body);
  } catch (err) {
    showError(`delta of tick ${num(body[0])} does not apply: ${err.message}`);
    requestKeyframe();
    return;
  }
  deltaBase = snapshot;
  demo.deltas += 1;
  onSnapshot(snapshot, now);
}

/** Asks for the next snapshot in full, once until it comes (the server should never make this necessary). */
function requestKeyframe() {
  deltaBase = null;
  if (keyframeRequested) return;
  keyframeRequested = true;
  demo.keyframeRequests += 1;
  send([MSG.KeyframeRequest, []]);
}

function resetRoom() {
  clearInterval(inputTimer);
  deltaBase = null;
  keyframeRequested = false;
  requestPending = false; // a new connection, a welcome or a Left: nothing is waiting for an answer any more
  room = null;
  snapshots = [];
  tickOffsetMs = null;
  snapshotTimes.length = 0;
  Object.assign(demo, {
    entityId: null, playerId: null, roomId: null, roomCode: null, properties: null, tick: null, myPosition: null, snapshots: 0, players: 0, renderLagMs: null, rendered: [],
  });
}

// ---- input --------------------------------------------------------------------------------------------------

const currentDirection = trackDirection(window);

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
    case "connected": return "connected: pick a room in the lobby";
    case "in-room": return "waiting for snapshots…";
    case "reconnecting": return "connection lost: reconnecting…";
    default: return "disconnected";
  }
}

function frame() {
  draw();
  requestAnimationFrame(frame);
}

// ---- stats panel --------------------------------------------------------------------------------------------

function setState(state) {
  const entered = demo.state !== state;
  if (entered || !demo.stateLog.length) demo.stateLog.push(state);
  demo.state = state;
  renderStats();
  if (entered && state === "connected") pollRooms(); // back in the lobby: show the list at once
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

function showLobbyMessage(text) {
  ui.lobbyMessage.textContent = text;
  ui.lobbyMessage.hidden = false;
}

function clearLobbyMessage() {
  ui.lobbyMessage.hidden = true;
}

// ---- lobby: open public rooms -------------------------------------------------------------------------------

let polling = false;

/** Fetches the open public arena rooms (GET /rooms, docs/protocol.md) and lists them; only while in the lobby. */
async function pollRooms() {
  if (polling || demo.state !== "connected") return;
  polling = true;
  try {
    const token = await playerToken();
    const response = await fetch(`/rooms?type=${ROOM_TYPE}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { rooms, total } = await response.json();
    demo.lobbyRooms = rooms;
    demo.lobbyPolls += 1;
    renderRooms(rooms, total);
  } catch (err) {
    ui.roomListStatus.textContent = `room list unavailable (${err.message})`;
  } finally {
    polling = false;
  }
}

function renderRooms(rooms, total) {
  ui.roomList.replaceChildren(...rooms.map((r) => {
    const row = document.createElement("tr");
    row.dataset.roomId = r.roomId;
    row.dataset.mode = r.properties?.mode ?? "ffa";
    row.title = `Quick play (${row.dataset.mode})`;
    for (const text of [r.roomId, `${r.players} / ${r.capacity}`, row.dataset.mode, r.metadata?.phase ?? "–"]) {
      row.append(Object.assign(document.createElement("td"), { textContent: text }));
    }
    return row;
  }));
  ui.roomListStatus.textContent = total === 0
    ? "no open rooms: quick play opens one"
    : `${total} open room${total === 1 ? "" : "s"}${total > rooms.length ? ` (first ${rooms.length} shown)` : ""}; click one to quick play its mode`;
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

  const labels = {
    "connecting": "connecting…",
    "connected": "connected",
    "in-room": demo.resumed ? "connected · in room · resumed" : "connected · in room",
    "reconnecting": `reconnecting… (attempt ${demo.reconnectAttempt})`,
  };
  ui.state.textContent = demo.state === "closed"
    ? `closed (${demo.closeCode}${demo.closeReason ? `: ${demo.closeReason}` : ""})`
    : labels[demo.state];
  ui.state.dataset.state = demo.state;
  ui.session.textContent = demo.session ?? "–";
  ui.rtt.textContent = demo.rttMs === null ? "–" : `${demo.rttMs.toFixed(1)} ms`;
  ui.protocol.textContent = demo.protocol ?? "–";
  ui.transport.textContent = demo.transport ? TRANSPORT_LABELS[demo.transport] : "–";
  ui.transport.dataset.transport = demo.transport ?? "";
  ui.tick.textContent = demo.tick ?? "–";
  ui.snapRate.textContent = String(snapshotTimes.length);
  ui.bytesRate.textContent = formatBytes(bytes);
  ui.roomId.textContent = demo.roomId ?? "–";
  ui.playerId.textContent = demo.playerId ?? "–";
  ui.entityId.textContent = demo.entityId ?? "–";
  ui.players.textContent = room ? `${demo.players} / ${room.maxPlayers}` : "–";
  ui.position.textContent = demo.myPosition ? `${demo.myPosition.x.toFixed(1)}, ${demo.myPosition.y.toFixed(1)}` : "–";
  ui.inputAck.textContent = room ? `${demo.inputSeq} / ${demo.lastAck}` : "–";

  ui.roomMode.textContent = demo.properties?.mode ?? "–";
  ui.roomCode.textContent = demo.roomCode ?? "";
  ui.roomCodeBox.hidden = !(demo.state === "in-room" && demo.roomCode);
  ui.leave.hidden = demo.state !== "in-room";
  ui.lobby.hidden = demo.state !== "connected";
  for (const button of [ui.quickPlay, ui.createPrivate, $("join-by-code")]) button.disabled = requestPending;
  ui.action.hidden = demo.state !== "closed";
}

ui.action.addEventListener("click", () => connect());
ui.leave.addEventListener("click", () => {
  leavingRoom = true;
  clearInterval(inputTimer); // an input sent after the Leave would be answered with Error 3 NotInRoom
  send([MSG.Leave, []]);
});
ui.quickPlay.addEventListener("click", () => join(ui.mode.value));
ui.createPrivate.addEventListener("click", () => createPrivate(ui.mode.value));
ui.codeForm.addEventListener("submit", (ev) => {
  ev.preventDefault();
  const code = ui.codeInput.value.trim();
  if (code) joinByCode(code);
  else showLobbyMessage("Type the 6-character code your friend's page shows.");
});
// Joining by room id is off by default (EdgeOptions), so a listed room is a hint: quick play in its mode.
ui.roomList.addEventListener("click", (ev) => {
  const row = ev.target.closest("tr[data-mode]");
  if (row && !requestPending) join(row.dataset.mode);
});
window.addEventListener("pagehide", () => {
  leaving = true;
  clearTimeout(reconnectTimer);
  if (ws) ws.close(1000, "page closed");
});

setInterval(renderStats, 250);
setInterval(pollRooms, LOBBY_POLL_MS);
connect();
requestAnimationFrame(frame);
