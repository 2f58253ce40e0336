// The gameserver wire protocol as the demo pages speak it (demo.js: arena, tag.js: tag): sub-protocol names, message
// type numbers, the frame codec (one MessagePack array [type, body] per binary WebSocket message), the socket URL and
// the development token. docs/protocol.md and src/GameServer.Protocol are the reference; the pages keep their own
// game logic and connection handling.
import { encode, decode } from "@msgpack/msgpack";

export const SUB_PROTOCOL_V1 = "gameserver.v1";
export const SUB_PROTOCOL_V2 = "gameserver.v2";

/** Message types (MessageType.cs). */
export const MSG = {
  Join: 1, Input: 2, Ping: 3, Leave: 4, Resume: 5, Create: 6, JoinByCode: 7, KeyframeRequest: 8,
  Welcome: 10, Snapshot: 11, Pong: 12, Error: 13, Left: 14, SettingsChanged: 15, Delta: 16, Events: 17,
};

/** Close code the edge uses when the game removed the player (CloseCode.Kicked); the close reason is the game's. */
export const CLOSE_KICKED = 4005;

/** Error code of a join the game refused (ErrorCode.JoinRefused); the error message is the game's reason. */
export const ERR_JOIN_REFUSED = 17;

// @msgpack/msgpack returns numbers for every int the server sends today; accept bigint too, just in case.
export const num = (v) => (typeof v === "bigint" ? Number(v) : v);

/** The sub-protocols to offer, most preferred first: v2 (deltas) then v1, or only v1 with ?protocol=v1 in the page URL. */
export function offeredSubProtocols(search = location.search) {
  return new URLSearchParams(search).get("protocol") === "v1" ? [SUB_PROTOCOL_V1] : [SUB_PROTOCOL_V2, SUB_PROTOCOL_V1];
}

/** The game socket's URL on this page's host. Browsers cannot set headers on a WebSocket: the token is a query parameter. */
export function gameSocketUrl(token) {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws?access_token=${encodeURIComponent(token)}`;
}

/**
 * A signed player token from the development token endpoint (Development environment only), for `playerId` when
 * given (a renewal for the same player): `{ token, playerId, expiresAt }`, expiresAt in performance.now() ms or null.
 */
export async function fetchDevToken(playerId = null) {
  const query = playerId ? `?player=${encodeURIComponent(playerId)}` : "";
  const response = await fetch(`/auth/dev-token${query}`);
  if (!response.ok) {
    throw new Error(`no player token: open this page with ?token=<token> (this server has no development token endpoint: HTTP ${response.status})`);
  }
  const { token, playerId: id, expiresInSeconds } = await response.json();
  return { token, playerId: id, expiresAt: expiresInSeconds ? performance.now() + expiresInSeconds * 1000 : null };
}

/** Encodes a client message `[type, body]` into the bytes of one binary WebSocket message. */
export function encodeFrame(message) {
  return encode(message);
}

/** Decodes one binary WebSocket message into `{ type, body }`; throws with a readable message when it is not a frame. */
export function decodeFrame(data) {
  let message;
  try {
    message = decode(data instanceof Uint8Array ? data : new Uint8Array(data));
  } catch (err) {
    throw new Error(`undecodable frame: ${err.message}`);
  }
  if (!Array.isArray(message) || message.length < 2) throw new Error("frame is not [type, body]");
  return { type: num(message[0]), body: message[1] };
}
