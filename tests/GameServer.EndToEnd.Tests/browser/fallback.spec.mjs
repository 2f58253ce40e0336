// The demo page over the fallback transport (the SignalR hub at /hub), in two headless Chromium tabs (two players):
//   sse                WebSocket is blocked (its constructor throws, as where a policy disables it): the page must
//                      fall back to Server-Sent Events (JSON hub protocol, frames as base64 strings).
//   longpolling        WebSocket is blocked and there is no EventSource: the page must fall back to long polling
//                      (MessagePack hub protocol, binary frames).
//   forced-longpolling WebSocket works, but the page URL says ?transport=longpolling: the page must not even try a
//                      WebSocket.
// In each case the host tab creates a private room and the friend joins it by its code; both tabs must show the
// transport, the friend's input acks must advance on the page, and the host's tab must draw the friend's entity
// where it moved. The hub carries the same frames as a WebSocket, so the page agrees gameserver.v2 and applies deltas.
//
//   node fallback.spec.mjs <baseUrl> <sse|longpolling|forced-longpolling> [screenshot.png]
//
// Exits 0 after printing one JSON line of what it saw, or 1 with a message on stderr.
// Run by BrowserDemoTests (tests/GameServer.EndToEnd.Tests); `npm ci` in this folder installs playwright-core.
import { openPage, newPage } from "./chromium.mjs";

const OVERALL_TIMEOUT_MS = 80_000;
const STEP_TIMEOUT_MS = 20_000;
const VIEWPORT = { width: 1100, height: 820 };
const MIN_MOVE_UNITS = 50;          // the arena moves 200 units/s at full input; the key is held 1 s
const CASES = {
  sse: { query: "", blockWebSocket: true, blockEventSource: false, transport: "sse", label: "Server-Sent Events" },
  longpolling: { query: "", blockWebSocket: true, blockEventSource: true, transport: "longpolling", label: "long polling" },
  "forced-longpolling": { query: "?transport=longpolling", blockWebSocket: false, blockEventSource: false, transport: "longpolling", label: "long polling" },
};

const [, , baseUrl, caseName, screenshotPath] = process.argv;
const testCase = CASES[caseName];
if (!baseUrl || !testCase) {
  console.error(`usage: node fallback.spec.mjs <baseUrl> <${Object.keys(CASES).join("|")}> [screenshot.png]`);
  process.exit(2);
}
const pageUrl = new URL(`/${testCase.query}`, baseUrl).href;

const pageProblems = [];
const pages = {};
const hubRequests = { host: [], friend: [] };   // [resourceType, method, path] of every request to /hub
let browser;

const watchdog = setTimeout(() => fail(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s overall`), OVERALL_TIMEOUT_MS);

try {
  await main();
} catch (err) {
  await fail(err instanceof Error ? err.message : String(err));
}

async function main() {
  let page;
  ({ browser, page } = await openPage(VIEWPORT, pageProblems));
  pages.host = page;
  pages.friend = await newPage(browser, VIEWPORT, pageProblems);
  for (const [name, p] of Object.entries(pages)) {
    // Counts WebSocket constructions, and blocks WebSocket (and EventSource) as the case says, before any page script.
    await p.addInitScript(({ blockWebSocket, blockEventSource }) => {
      window.webSocketsConstructed = 0;
      const RealWebSocket = window.WebSocket;
      window.WebSocket = blockWebSocket
        ? class BlockedWebSocket {
          constructor() {
            window.webSocketsConstructed += 1;
            throw new DOMException("WebSockets are blocked on this network (test)", "SecurityError");
          }
        }
        : class CountedWebSocket extends RealWebSocket {
          constructor(...args) {
            window.webSocketsConstructed += 1;
            super(...args);
          }
        };
      if (blockEventSource) window.EventSource = undefined;
    }, testCase);
    p.on("request", (req) => {
      const url = new URL(req.url());
      if (url.pathname === "/hub" || url.pathname.startsWith("/hub/")) hubRequests[name].push([req.resourceType(), req.method(), url.pathname]);
    });
    await p.goto(pageUrl, { waitUntil: "load", timeout: STEP_TIMEOUT_MS });
  }

  // Both tabs connect over the expected transport and show it.
  for (const [name, p] of Object.entries(pages)) {
    await waitFor(p, `${name}: connected (the lobby) over ${testCase.transport}`,
      (transport) => window.gameDemo?.state === "connected" && window.gameDemo.transport === transport, testCase.transport);
    const shown = (await p.textContent("#transport"))?.trim();
    check(shown === testCase.label, `${name}: #transport shows '${shown}', expected '${testCase.label}'`);
    const constructed = await p.evaluate(() => window.webSocketsConstructed);
    if (testCase.query) check(constructed === 0, `${name}: ?transport=longpolling, yet the page constructed ${constructed} WebSocket(s)`);
    else check(constructed >= 1, `${name}: the page never tried a WebSocket before falling back`);
  }

  // The host creates a private room; the friend joins it by its code.
  await pages.host.click("#create-private");
  await waitFor(pages.host, "host: in the private room with its code shown", () => {
    const d = window.gameDemo;
    return d.state === "in-room" && d.snapshots > 0 && /^[A-Z2-9]{6}$/.test(document.querySelector("#room-code").textContent);
  });
  const host = await demoState(pages.host);
  await pages.friend.fill("#code-input", host.roomCode);
  await pages.friend.click("#join-by-code");
  await waitFor(pages.friend, "friend: in the host's room, seeing 2 players", (roomId) => {
    const d = window.gameDemo;
    return d.state === "in-room" && d.roomId === roomId && d.players === 2;
  }, host.roomId);
  const friend = await demoState(pages.friend);
  await waitFor(pages.host, "host: draws the friend's entity", (id) => window.gameDemo.rendered.some((e) => e.id === id), friend.entityId);

  // The page's ack display (#input-ack, "seq / acked") advances: the server acknowledges the friend's inputs.
  await waitFor(pages.friend, "friend: #input-ack shows an acknowledged input", () => ackShown() > 0, undefined);
  const firstAck = await pages.friend.evaluate(() => ackShown());

  // The friend moves toward the middle (spawn points are random); the host's tab must draw it moved.
  const friendStart = friend.myPosition;
  const key = friendStart.x > 500 ? "ArrowLeft" : "ArrowRight";
  const sign = key === "ArrowRight" ? 1 : -1;
  await pages.friend.click("#arena"); // focus the page for the keyboard
  await pages.friend.keyboard.down(key);
  await pages.friend.waitForTimeout(1000);
  await pages.friend.keyboard.up(key);
  await waitFor(pages.host, `host: the friend's entity drawn ${MIN_MOVE_UNITS} units ${key === "ArrowRight" ? "right" : "left"} of x ${friendStart.x.toFixed(1)}`,
    ([id, x0, s, margin]) => window.gameDemo.rendered.some((e) => e.id === id && s * (e.x - x0) >= margin),
    [friend.entityId, friendStart.x, sign, MIN_MOVE_UNITS]);
  await waitFor(pages.friend, `friend: #input-ack beyond ${firstAck}`, (a) => ackShown() > a, firstAck);
  const lastAck = await pages.friend.evaluate(() => ackShown());

  const seen = {};
  for (const [name, p] of Object.entries(pages)) {
    const d = await demoState(p);
    seen[name] = d;
    check(d.transport === testCase.transport, `${name}: ended on transport '${d.transport}', expected '${testCase.transport}'`);
    check(d.protocol === "gameserver.v2", `${name}: agreed sub-protocol '${d.protocol}', expected 'gameserver.v2'`);
    check(d.deltas > 0, `${name}: applied no deltas (${d.fullSnapshots} full snapshots)`);
    check(d.keyframeRequests === 0, `${name}: asked for ${d.keyframeRequests} keyframe(s)`);
    check(d.reconnects === 0, `${name}: reconnected ${d.reconnects} time(s) (${d.session})`);
    check(d.rttMs !== null, `${name}: no RTT (no Pong came back)`);
    check(!d.lastError, `${name}: the page shows an error: ${d.lastError}`);
    // The hub really carried it: negotiate, then the transport's own requests.
    const requests = hubRequests[name];
    check(requests.some(([, method, path]) => method === "POST" && path === "/hub/negotiate"), `${name}: no POST /hub/negotiate`);
    const carrier = testCase.transport === "sse"
      ? requests.some(([type, method, path]) => type === "eventsource" && method === "GET" && path === "/hub")
      : requests.filter(([type, method, path]) => type !== "eventsource" && method === "GET" && path === "/hub").length >= 2;
    check(carrier, `${name}: no ${testCase.transport === "sse" ? "EventSource GET /hub" : "long polls (GET /hub)"} among ${JSON.stringify(requests.slice(0, 12))}`);
  }
  check(!pageProblems.length, `the pages had problems: ${pageProblems.join("; ")}`);

  if (screenshotPath) await pages.host.screenshot({ path: screenshotPath });

  console.log(JSON.stringify({
    ok: true,
    url: pageUrl,
    case: caseName,
    transport: seen.host.transport,
    room: host.roomId,
    hostEntity: host.entityId,
    friendEntity: friend.entityId,
    friendStart,
    acks: [firstAck, lastAck],
    deltas: { host: seen.host.deltas, friend: seen.friend.deltas },
    rttMs: { host: seen.host.rttMs, friend: seen.friend.rttMs },
    hubRequests: { host: hubRequests.host.length, friend: hubRequests.friend.length },
    screenshot: screenshotPath ?? null,
  }));
  clearTimeout(watchdog);
  await browser.close();
  process.exit(0);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls `predicate` in `page` (every 100 ms) until it is truthy or `timeoutMs` passes; `ackShown()` is defined there. */
async function waitFor(page, what, predicate, arg, timeoutMs = STEP_TIMEOUT_MS) {
  await page.evaluate(() => {
    // The acked number #input-ack shows ("seq / acked"), or -1.
    window.ackShown ??= () => {
      const m = /^\d+ \/ (\d+)$/.exec(document.querySelector("#input-ack")?.textContent?.trim() ?? "");
      return m ? Number(m[1]) : -1;
    };
  });
  try {
    await page.waitForFunction(predicate, arg, { timeout: timeoutMs, polling: 100 });
  } catch {
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  }
}

async function demoState(page) {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.gameDemo ?? null)));
}

async function fail(message) {
  clearTimeout(watchdog);
  console.error(`fallback.spec: FAIL (${caseName}): ${message}`);
  console.error(`  url: ${pageUrl}`);
  for (const [name, page] of Object.entries(pages)) {
    let seen = null;
    try {
      seen = await Promise.race([demoState(page), new Promise((r) => setTimeout(() => r("(page did not answer)"), 2000))]);
    } catch {
      // the page may be gone; report what we have
    }
    const { rendered, ...rest } = seen && typeof seen === "object" ? seen : { rendered: null };
    console.error(`  ${name}: ${JSON.stringify(seen && typeof seen === "object" ? rest : seen)}`);
    console.error(`  ${name} hub requests: ${JSON.stringify(hubRequests[name].slice(0, 20))}`);
  }
  for (const p of pageProblems) console.error(`  ${p}`);
  try {
    if (screenshotPath && pages.host) {
      await Promise.race([pages.host.screenshot({ path: screenshotPath }), new Promise((r) => setTimeout(r, 3000))]);
    }
    await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 3000))]);
  } catch {
    // ignore
  }
  process.exit(1);
}
