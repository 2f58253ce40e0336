// The gameserver wire protocol as the demo pages speak it (demo.js: arena, tag.js: tag): sub-protocol names, message
// type numbers, the frame codec (one MessagePack array [type, body] per binary WebSocket message), the socket URL,
// the development token and the connection (openGameConnection: a WebSocket, or the same frames over the SignalR hub
// at /hub when WebSockets are blocked). docs/protocol.md and src/GameServer.Protocol are the reference; the pages
// keep their own game logic and connection handling.
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

// ---- connection: WebSocket, or the fallback transport ----------------------------------------------------------

/** readyState values of a game connection (the WebSocket ones). */
export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSED = 3;

/** Transports a game connection can use, as ?transport= names them and `connection.transport` reports them. */
export const TRANSPORTS = ["websocket", "sse", "longpolling"];

/** Human-readable transport names, for the pages' label. */
export const TRANSPORT_LABELS = { websocket: "WebSocket", sse: "Server-Sent Events", longpolling: "long polling" };

// The SignalR client's browser bundles: the Host build copies them from npm to /lib/signalr/ (GameServer.Host.csproj).
// Loaded only when a page falls back to the hub, so a page on WebSockets never fetches them.
const SIGNALR_SCRIPTS = ["/lib/signalr/signalr.min.js", "/lib/signalr/signalr-protocol-msgpack.min.js"];
// HubTransport.cs: the hub's path, its query parameter offering sub-protocols, and its methods.
const HUB_PATH = "/hub";
const HUB_SUB_PROTOCOL_PARAMETER = "subprotocol";
const CLOSE_ABNORMAL = 1006;      // what a browser reports for a connection lost without a close frame
const CLOSE_NO_STATUS = 1005;     // a close without a code

/** The transport forced by ?transport=websocket|sse|longpolling in the page URL, or null (WebSocket, then the hub). */
export function forcedTransport(search = location.search) {
  const raw = new URLSearchParams(search).get("transport");
  if (raw === null) return null;
  if (TRANSPORTS.includes(raw)) return raw;
  console.warn(`ignoring ?transport=${raw}: expected one of ${TRANSPORTS.join(", ")}`);
  return null;
}

/**
 * Opens the game connection with `token`, offering `subProtocols`. It tries a WebSocket first; if that cannot open
 * (the constructor throws, or it errors or closes before opening, as behind a proxy that breaks upgrades) it falls back
 * to the SignalR hub at /hub: Server-Sent Events (JSON hub protocol, frames as base64 strings), then long polling
 * (MessagePack hub protocol, frames as binary). `transport` (default: ?transport= in the page URL) forces one.
 *
 * The result looks like a WebSocket to the page, whatever carries it: `onopen()`, `onmessage({ data })` with one
 * server frame's bytes (ArrayBuffer or Uint8Array, for decodeFrame), `onclose({ code, reason })` with the WebSocket close
 * code (the hub's Close(code, reason), or 1006 for a connection lost or refused), `send(bytes)`, `close(code, reason)`,
 * `readyState`, `protocol` (the agreed sub-protocol) and `transport` (see TRANSPORTS; the one in use once open).
 */
export function openGameConnection(token, subProtocols, transport = forcedTransport()) {
  return new GameConnection(token, subProtocols, transport);
}

class GameConnection {
  constructor(token, subProtocols, transport) {
    this.token = token;
    this.subProtocols = subProtocols;
    this.readyState = CONNECTING;
    this.protocol = "";
    this.transport = transport ?? "websocket";
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this._socket = null;          // the WebSocket, when that is the transport
    this._hub = null;             // the HubConnection, when the hub is
    this._binary = true;          // hub frames are binary (MessagePack) rather than base64 strings (JSON)
    this._closing = false;        // the page closed this connection: no fallback, no further attempt
    this._pending = [];           // hub frames that came before the open was delivered
    this._started = false;        // the current hub's start() resolved
    this._openedWith = undefined; // the sub-protocol of the current hub's Open, once it came
    if (transport === null || transport === "websocket") this._openWebSocket(transport === null);
    else this._openHub([transport]);
  }

  /** Sends one client frame (the bytes of encodeFrame); dropped unless open, as the pages check readyState first. */
  send(bytes) {
    if (this.readyState !== OPEN) return;
    if (this._socket) {
      this._socket.send(bytes);
      return;
    }
    // Fire-and-forget (HubTransport.Send): a failed send shows up as the connection's close.
    this._hub.send("Send", this._binary ? bytes : bytesToBase64(bytes)).catch(() => {});
  }

  /**
   * Closes the connection: with `code` (e.g. 1000, the player quits) the server is told, as a WebSocket close frame
   * would; without one the connection just ends (the seat stays for a resume). onclose follows.
   */
  close(code, reason) {
    if (this.readyState === CLOSED || this._closing) return;
    this._closing = true;
    if (this._socket) {
      if (code === undefined) this._socket.close();
      else this._socket.close(code, reason);
      return;
    }
    const hub = this._hub;
    const wasOpen = this.readyState === OPEN;
    this.readyState = 2; // CLOSING
    (async () => {
      if (hub && wasOpen && code !== undefined) {
        try {
          await hub.send("Close", code, reason ?? "");
        } catch {
          // the connection is going anyway
        }
      }
      if (hub) await hub.stop().catch(() => {});
      this._finish(code ?? CLOSE_NO_STATUS, reason ?? "");
    })();
  }

  _openWebSocket(fallBack) {
    this.transport = "websocket";
    let socket;
    try {
      socket = new WebSocket(gameSocketUrl(this.token), this.subProtocols);
    } catch (err) {
      // E.g. WebSocket disabled or replaced by a policy. Tell the page on a later task: it sets its handlers after this.
      if (fallBack) this._openHub(["sse", "longpolling"]);
      else setTimeout(() => this._finish(CLOSE_ABNORMAL, `WebSocket unavailable: ${err.message}`));
      return;
    }
    socket.binaryType = "arraybuffer";
    this._socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
      this.protocol = socket.protocol;
      this.readyState = OPEN;
      this.onopen?.();
    };
    socket.onmessage = (ev) => this.onmessage?.(ev);
    socket.onclose = (ev) => {
      if (!opened && fallBack && !this._closing) {
        // It never opened: the network may block WebSockets. (A server that refused the handshake refuses the hub's
        // negotiate the same way, and that ends up as this same 1006.)
        this._socket = null;
        this._openHub(["sse", "longpolling"]);
        return;
      }
      this._finish(ev.code, ev.reason);
    };
  }

  /** Tries the hub over each of `kinds` ("sse", "longpolling") in turn until one starts. */
  async _openHub(kinds) {
    let signalR;
    try {
      signalR = await loadSignalR();
    } catch (err) {
      this._finish(CLOSE_ABNORMAL, err.message);
      return;
    }
    let lastError = null;
    for (const kind of kinds) {
      if (this._closing) return; // close() finishes it
      if (kind === "sse" && typeof EventSource === "undefined") {
        lastError = new Error("this browser has no EventSource (Server-Sent Events)"); // skip it without a negotiate
        continue;
      }
      this.transport = kind;
      this._started = false;
      this._openedWith = undefined;
      const hub = this._buildHub(signalR, kind);
      this._hub = hub;
      try {
        await hub.start();
      } catch (err) {
        // A Close from the server, or the page's close(), came first and finishes the connection.
        if (this.readyState === CLOSED || this._closing) return;
        lastError = err;
        // A refused negotiate (401, 403, 429, 503) is the server's answer whatever the transport: do not try another.
        if (err?.errorType === "FailedToNegotiateWithServerError") break;
        continue;
      }
      this._started = true;
      if (this._openedWith !== undefined) this._deliverOpen();
      return;
    }
    this._hub = null;
    this._finish(CLOSE_ABNORMAL, `the hub did not connect: ${lastError?.message ?? "no transport"}`);
  }

  _buildHub(signalR, kind) {
    const sse = kind === "sse";
    const query = `${HUB_SUB_PROTOCOL_PARAMETER}=${encodeURIComponent(this.subProtocols.join(","))}`;
    const hub = new signalR.HubConnectionBuilder()
      .withUrl(`${HUB_PATH}?${query}`, {
        transport: sse ? signalR.HttpTransportType.ServerSentEvents : signalR.HttpTransportType.LongPolling,
        accessTokenFactory: () => this.token,
      })
      // Server-Sent Events carry text only: JSON, frames as base64 strings. Long polling carries binary: MessagePack.
      .withHubProtocol(sse ? new signalR.JsonHubProtocol() : new signalR.protocols.msgpack.MessagePackHubProtocol())
      .configureLogging({ log: (level, message) => logSignalR(signalR, level, message) })
      .build();
    this._binary = !sse;
    // Open comes first, possibly before start() resolves (the hub may not send yet then): deliver it once both happened.
    hub.on("Open", (subProtocol) => {
      if (hub !== this._hub || this.readyState !== CONNECTING) return;
      this._openedWith = subProtocol;
      if (this._started) this._deliverOpen();
    });
    hub.on("Frame", (frame) => {
      if (hub !== this._hub || this.readyState === CLOSED) return;
      const data = typeof frame === "string" ? base64ToBytes(frame) : frame;
      if (this.readyState === OPEN) this.onmessage?.({ data });
      else this._pending.push(data);
    });
    hub.on("Close", (code, reason) => {
      if (hub !== this._hub) return;
      // The server's close frame: it sends nothing after it and waits for this side to stop.
      this._finish(num(code), reason ?? "");
      hub.stop().catch(() => {});
    });
    hub.onclose((err) => {
      // A failed start is handled where start() was awaited, and the page's close() reports its own code.
      if (hub !== this._hub || !this._started || this._closing) return;
      this._finish(CLOSE_ABNORMAL, err?.message ?? "");
    });
    return hub;
  }

  _deliverOpen() {
    if (this.readyState !== CONNECTING || this._closing) return;
    this.protocol = this._openedWith;
    this.readyState = OPEN;
    this.onopen?.();
    for (const data of this._pending.splice(0)) {
      if (this.readyState !== OPEN) break;
      this.onmessage?.({ data });
    }
  }

  _finish(code, reason) {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this._pending.length = 0;
    this.onclose?.({ code, reason });
  }
}

let signalRLoad = null;

/** Loads the SignalR client's browser bundles once (classic scripts that define window.signalR). */
function loadSignalR() {
  signalRLoad ??= (async () => {
    for (const src of SIGNALR_SCRIPTS) {
      await new Promise((resolve, reject) => {
        const script = Object.assign(document.createElement("script"), { src, async: false });
        script.onload = resolve;
        script.onerror = () => reject(new Error(`could not load ${src} (the fallback transport's SignalR client)`));
        document.head.append(script);
      });
    }
    return window.signalR;
  })();
  signalRLoad.catch(() => { signalRLoad = null; }); // try again on the next connection
  return signalRLoad;
}

// The SignalR client logs a lost or refused connection as an error; the page handles those (reconnects, shows the
// close), so they go to the console as warnings, and the client's chatter below Warning is dropped.
function logSignalR(signalR, level, message) {
  if (level >= signalR.LogLevel.Warning && level !== signalR.LogLevel.None) console.warn(`[SignalR] ${message}`);
}

/** Base64 (the JSON hub protocol's byte[]) to bytes. */
export function base64ToBytes(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes to base64 (the JSON hub protocol's byte[]). */
export function bytesToBase64(bytes) {
  let binary = "";
  const CHUNK = 0x8000; // String.fromCharCode takes its arguments on the stack
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}
