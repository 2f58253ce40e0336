'use strict';
// GameServer adapter for the shared "arena" bot driver (../shared/bench/bots/core.js, see its WORKLOAD.md).
// Written from docs/protocol.md (wire protocol gameserver.v1) and docs/security.md (tokens) only, with raw `ws` and
// `@msgpack/msgpack`, as any third-party client would be; it does not share code with the C# SDK.
// It offers gameserver.v2 first: most snapshots then come as deltas (Delta, type 16) against the previous one. A bot
// needs only its own ack from them, so it follows that through each delta instead of rebuilding the game state.
//
// Environment:
//   GAMESERVER_SIGNING_KEY   the server's Auth:SigningKey (base64, >= 32 bytes); every connection gets a fresh
//                            HS256 player token signed with it (required)
//   GAMESERVER_ISSUER        the server's Auth:Issuer (default "gameserver")
//   GAMESERVER_AUDIENCE      the server's Auth:Audience (default "gameserver")
//   GAMESERVER_PROTOCOL      v1: offer only gameserver.v1 (full snapshots), to measure against; default: v2 and v1
//
// The client libraries come from bench/node_modules (bench/package.json; bench/side-by-side.sh runs `npm ci`), by
// absolute path: the driver runs from a temporary copy of shared/bench whose node_modules this file cannot see.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { performance } = require('perf_hooks');

const modules = path.join(__dirname, '..', 'node_modules');
const WebSocket = require(path.join(modules, 'ws'));
const { Encoder, Decoder } = require(path.join(modules, '@msgpack', 'msgpack'));
const { wsFrameBytes } = require(findWsBytes());

exports.name = 'gameserver';
exports.bytesMethod = 'ws frame bytes: payload length of every received WebSocket message + RFC6455 frame header (no compression); excludes TCP/IP headers and ping/pong control frames';

// Message types (docs/protocol.md §4).
const JOIN = 1, INPUT = 2, KEYFRAME_REQUEST = 8, WELCOME = 10, SNAPSHOT = 11, ERROR = 13, LEFT = 14, DELTA = 16;
const V1 = 'gameserver.v1', V2 = 'gameserver.v2';
const SUBPROTOCOLS = protocolsToOffer(process.env.GAMESERVER_PROTOCOL);
const JOIN_TIMEOUT_MS = 20000;
const TOKEN_LIFETIME_S = 3600;

const signingKey = readSigningKey();
const issuer = process.env.GAMESERVER_ISSUER || 'gameserver';
const audience = process.env.GAMESERVER_AUDIENCE || 'gameserver';
// float32, as the C# client writes arena inputs (§5.2); integral values (-1, 0, 1) still go out as fixints.
const encoder = new Encoder({ forceFloat32: true });
const decoder = new Decoder();
let playerCount = 0;

exports.connect = function connect(url, hooks) {
  return new Promise((resolve, reject) => {
    const playerId = `bench-${process.pid}-${++playerCount}`;
    const ws = new WebSocket(wsUrl(url), SUBPROTOCOLS, {
      headers: { Authorization: `Bearer ${mintToken(playerId)}` },
      perMessageDeflate: false, // the server does not compress; keep the offer out of the handshake too
    });
    let state = 'joining'; // then 'joined' (hooks report from here on) or 'failed' (the promise rejected)
    let inRoom = false;
    let entityId = 0, tickRateHz = 20, lastTick = 0, lastTickAt = 0;
    let decoding = true;
    // The last snapshot applied (full or delta), which the next delta's baseTick must name, and this player's ack in
    // it (null: not in its acks). Per connection: the server starts each one with a full snapshot.
    let baseTick = -1, baseAck = null, keyframeRequested = false;
    const fail = (reason) => {
      if (state !== 'joining') return;
      state = 'failed'; clearTimeout(timer);
      reject(new Error(reason));
      ws.terminate();
    };
    const timer = setTimeout(() => fail(`no Welcome within ${JOIN_TIMEOUT_MS} ms`), JOIN_TIMEOUT_MS);

    // A refused handshake (401, 429, 503 …) carries its reason as a text/plain body (§1).
    ws.on('unexpected-response', (req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { body += chunk; });
      res.on('end', () => fail(`handshake refused: HTTP ${res.statusCode} ${body.trim()}`));
    });
    ws.on('open', () => {
      if (!SUBPROTOCOLS.includes(ws.protocol)) { fail(`server agreed to sub-protocol '${ws.protocol}', not ${SUBPROTOCOLS.join(' or ')}`); return; }
      ws.send(encoder.encode([JOIN, ['arena', null]])); // matchmake: join-or-create, rooms fill to 8
    });
    ws.on('message', (data) => {
      hooks.onBytes(wsFrameBytes(data.length));
      // Lite clients skip snapshots and deltas undecoded (they follow no ack, so they need no base); every frame
      // starts 0x92 <type> (§3), so the type is byte 1.
      if (!decoding && (data[1] === SNAPSHOT || data[1] === DELTA)) return;
      let type, body;
      try {
        [type, body] = decoder.decode(data);
      } catch (e) {
        hooks.onError(`undecodable message: ${e.message}`);
        return;
      }
      switch (type) {
        case SNAPSHOT: {
          if (!inRoom) return; // a snapshot can race with Left (§12.7)
          const [tick, , acks] = body;
          lastTick = tick; lastTickAt = performance.now();
          baseTick = tick; baseAck = null; keyframeRequested = false;
          for (let i = 0; i + 1 < acks.length; i += 2) {
            if (acks[i] === entityId) { baseAck = acks[i + 1]; break; }
          }
          hooks.onUpdate();
          if (baseAck !== null) hooks.onAck(baseAck);
          return;
        }
        case DELTA: {
          if (!inRoom || keyframeRequested) return; // after a gap, deltas are useless until the full snapshot
          const [tick, deltaBase, , [step, changes, removed]] = body;
          if (deltaBase !== baseTick) {
            // Should never happen (the server bases each delta on what it last sent here): ask once for a full one.
            keyframeRequested = true;
            hooks.onError(`delta of tick ${tick} is based on tick ${deltaBase}, not ${baseTick}: KeyframeRequest sent`);
            if (ws.readyState === WebSocket.OPEN) ws.send(encoder.encode([KEYFRAME_REQUEST, []]));
            return;
          }
          baseAck = ackAfterDelta(baseAck, entityId, step, changes, removed);
          baseTick = tick;
          lastTick = tick; lastTickAt = performance.now();
          hooks.onUpdate();
          if (baseAck !== null) hooks.onAck(baseAck);
          return;
        }
        case WELCOME: {
          if (state !== 'joining') return;
          const [, roomId, , entity, rate, , currentTick] = body;
          entityId = entity; tickRateHz = rate; inRoom = true;
          lastTick = currentTick; lastTickAt = performance.now();
          state = 'joined'; clearTimeout(timer);
          resolve({
            roomId,
            sendInput(seq, dx, dy) {
              if (!inRoom || ws.readyState !== WebSocket.OPEN) return;
              // clientTick: an integer estimate of the server tick (§8); diagnostics only in v1.
              const clientTick = lastTick + Math.floor((performance.now() - lastTickAt) * tickRateHz / 1000);
              ws.send(encoder.encode([INPUT, [seq, clientTick, [dx, dy]]]));
            },
            close() { try { ws.close(1000); } catch {} },
            // Non-observer client: stop decoding snapshots; keep counting bytes, sending inputs and reading the
            // rare control messages (Error, Left).
            lite() { decoding = false; },
          });
          return;
        }
        case ERROR: {
          const [code, message] = body;
          if (state === 'joining') fail(`Error ${code}: ${message}`);
          else if (state === 'joined') hooks.onError(`Error ${code}: ${message}`);
          return;
        }
        case LEFT: {
          const [, reason] = body;
          inRoom = false;
          if (state === 'joined') hooks.onClose(`left (${reason})`);
          ws.close(1000);
          return;
        }
        default:
          return; // Pong, SettingsChanged, unknown types: nothing to do here (§11: skip unknown types)
      }
    });
    ws.on('error', (err) => {
      if (state === 'joining') fail(err.message);
      else if (state === 'joined') hooks.onError(err.message);
    });
    ws.on('close', (code, reason) => {
      inRoom = false;
      if (state === 'joining') fail(`closed ${code} ${reason} before Welcome`);
      else if (state === 'joined') hooks.onClose(code);
    });
  });
};

// This player's ack after a delta's acks [step, changes, removed] (docs: delta acks): listed in changes, the change
// is added to its ack in the base, or is the ack itself when it was not in the base; listed in removed, it has none;
// otherwise its ack moves by step (if it had one).
function ackAfterDelta(ack, entityId, step, changes, removed) {
  for (let i = 0; i + 1 < changes.length; i += 2) {
    if (changes[i] === entityId) return (ack ?? 0) + changes[i + 1];
  }
  if (removed.includes(entityId)) return null;
  return ack === null ? null : ack + step;
}

function protocolsToOffer(value) {
  if (!value || value === 'v2') return [V2, V1];
  if (value === 'v1') return [V1];
  throw new Error(`GAMESERVER_PROTOCOL=${value}: expected v1 or v2`);
}

// core.js passes the server's base URL (http://host:port); the endpoint is ws://host:port/ws (§1).
function wsUrl(url) {
  const u = new URL(url);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = '/ws';
  return u.toString();
}

// A player token as docs/security.md describes it: a JWT signed HS256 with the server's Auth:SigningKey, with
// sub (the player id), iss, aud, iat, nbf and exp.
function mintToken(playerId) {
  const now = Math.floor(Date.now() / 1000);
  const part = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: playerId, iss: issuer, aud: audience, iat: now, nbf: now, exp: now + TOKEN_LIFETIME_S })}`;
  return `${unsigned}.${crypto.createHmac('sha256', signingKey).update(unsigned).digest('base64url')}`;
}

function readSigningKey() {
  const value = process.env.GAMESERVER_SIGNING_KEY;
  if (!value) {
    throw new Error('GAMESERVER_SIGNING_KEY is not set: give the adapter the server\'s Auth:SigningKey (base64) to sign player tokens with.');
  }
  const key = Buffer.from(value, 'base64');
  if (key.length < 32) {
    throw new Error(`GAMESERVER_SIGNING_KEY has ${key.length} bytes; the server wants a base64 key of at least 32 (openssl rand -base64 32).`);
  }
  return key;
}

// wsbytes.js of the driver that loaded this adapter (shared/bench/bots, or its temporary copy), so both servers'
// bytes are counted by the same function; else the shared folder beside this repository.
function findWsBytes() {
  const candidates = [
    require.main && path.join(path.dirname(require.main.filename), 'wsbytes.js'),
    path.join(__dirname, '..', '..', '..', 'shared', 'bench', 'bots', 'wsbytes.js'),
  ];
  const found = candidates.find((p) => p && fs.existsSync(p));
  if (!found) throw new Error(`wsbytes.js not found (looked in ${candidates.filter(Boolean).join(', ')})`);
  return found;
}
