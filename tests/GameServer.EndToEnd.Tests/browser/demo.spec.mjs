// Drives the Host's demo page in headless Chromium: it must connect, join an arena room, receive snapshots, move
// the player right while ArrowRight is held, and show the connection state and RTT. The page offers gameserver.v2,
// so it must have agreed it and rebuilt most snapshots from deltas, with no keyframe request (the server never sends
// a delta the page cannot apply). With ?protocol=v1 in the URL the page offers only gameserver.v1: then it must
// agree v1 and get full snapshots only.
//
//   node demo.spec.mjs <baseUrl>[/?protocol=v1] [screenshot.png]
//
// Exits 0 after printing one JSON line of what it saw, or 1 with a message on stderr.
// Run by BrowserDemoTests (tests/GameServer.EndToEnd.Tests); `npm ci` in this folder installs playwright-core.
import { openPage } from "./chromium.mjs";

const OVERALL_TIMEOUT_MS = 80_000;
const JOIN_TIMEOUT_MS = 20_000;
const MOVE_TIMEOUT_MS = 10_000;
const MIN_SNAPSHOTS = 5;
const MIN_MOVE_UNITS = 50;          // the arena moves 200 units/s at full input; 1 s of ArrowRight is ~200
const MAX_START_X = 700;            // arena is 1000 wide: leave room to move right
const MIN_DELTAS = 20;              // deltas applied by the end (v2): snapshots come at 20 Hz for several seconds

const [, , baseUrl, screenshotPath] = process.argv;
if (!baseUrl) {
  console.error("usage: node demo.spec.mjs <baseUrl>[/?protocol=v1] [screenshot.png]");
  process.exit(2);
}
const expectV1 = new URL(baseUrl).searchParams.get("protocol") === "v1";
const expectedProtocol = expectV1 ? "gameserver.v1" : "gameserver.v2";

const pageProblems = [];
let browser;
let page;

const watchdog = setTimeout(() => fail(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s overall`), OVERALL_TIMEOUT_MS);

try {
  await main();
} catch (err) {
  await fail(err instanceof Error ? err.message : String(err));
}

async function main() {
  ({ browser, page } = await openPage({ width: 1100, height: 820 }, pageProblems));

  await page.goto(baseUrl, { waitUntil: "load", timeout: JOIN_TIMEOUT_MS });
  await page.click("#quick-play", { timeout: JOIN_TIMEOUT_MS }); // the page opens in the lobby

  await waitForDemo(
    `state 'in-room' and ${MIN_SNAPSHOTS} snapshots`,
    (min) => {
      const d = window.gameDemo;
      return !!d && d.state === "in-room" && d.snapshots >= min && !!d.myPosition;
    },
    MIN_SNAPSHOTS,
    JOIN_TIMEOUT_MS,
  );
  const joined = await demoState();
  await page.click("#arena"); // focus the page for the keyboard

  // Spawn points are random; start from the left part of the arena so moving right is measurable.
  const spawn = joined.myPosition;
  if (spawn.x > MAX_START_X) {
    await page.keyboard.down("ArrowLeft");
    try {
      await waitForDemo(
        `x < ${MAX_START_X - 100} while holding ArrowLeft`,
        (limit) => window.gameDemo.myPosition && window.gameDemo.myPosition.x < limit,
        MAX_START_X - 100,
        MOVE_TIMEOUT_MS,
      );
    } finally {
      await page.keyboard.up("ArrowLeft");
    }
    await settle();
  }

  const start = (await demoState()).myPosition;
  await page.keyboard.down("ArrowRight");
  await page.waitForTimeout(1000);
  await page.keyboard.up("ArrowRight");
  await waitForDemo(
    `x to increase by ${MIN_MOVE_UNITS} from ${start.x.toFixed(1)} after holding ArrowRight`,
    ([x0, margin]) => window.gameDemo.myPosition && window.gameDemo.myPosition.x >= x0 + margin,
    [start.x, MIN_MOVE_UNITS],
    MOVE_TIMEOUT_MS,
  );
  await settle();
  const end = (await demoState()).myPosition;

  await waitForDemo("a numeric RTT in #rtt", () => Number.isFinite(parseFloat(document.querySelector("#rtt")?.textContent ?? "")), undefined, 5_000);
  const text = await page.evaluate(() => {
    const t = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
    return {
      connState: t("#conn-state"), rtt: t("#rtt"), tick: t("#tick"), snapRate: t("#snap-rate"),
      bytesRate: t("#bytes-rate"), roomId: t("#room-id"), players: t("#player-count"),
    };
  });
  if (!/connected|in room/i.test(text.connState ?? "")) {
    throw new Error(`#conn-state says '${text.connState}', expected 'connected' / 'in room'`);
  }
  const rttMs = parseFloat(text.rtt);
  if (!Number.isFinite(rttMs) || rttMs < 0) {
    throw new Error(`#rtt says '${text.rtt}', expected a number of ms`);
  }
  const final = await demoState();
  if (!(final.lastAck > 0)) {
    throw new Error(`the server acknowledged no input (lastAck ${final.lastAck} after ${final.inputSeq} inputs)`);
  }
  if (final.protocol !== expectedProtocol) {
    throw new Error(`the page agreed sub-protocol '${final.protocol}', expected '${expectedProtocol}'`);
  }
  if (final.keyframeRequests !== 0) {
    throw new Error(`the page asked for ${final.keyframeRequests} keyframe(s): a delta did not follow the last snapshot it applied`);
  }
  if (expectV1 ? final.deltas !== 0 : final.deltas < MIN_DELTAS) {
    throw new Error(`the page applied ${final.deltas} deltas (and ${final.fullSnapshots} full snapshots), expected ${expectV1 ? "none on v1" : `at least ${MIN_DELTAS}`}`);
  }
  if (final.lastError) {
    throw new Error(`the page shows an error: ${final.lastError}`);
  }
  const scriptErrors = pageProblems.filter((p) => p.startsWith("page error"));
  if (scriptErrors.length) {
    throw new Error(`the page threw: ${scriptErrors.join("; ")}`);
  }

  if (screenshotPath) {
    await page.screenshot({ path: screenshotPath });
  }

  console.log(JSON.stringify({
    ok: true,
    url: baseUrl,
    state: final.state,
    roomId: final.roomId,
    entityId: final.entityId,
    tick: final.tick,
    snapshots: final.snapshots,
    protocol: final.protocol,
    fullSnapshots: final.fullSnapshots,
    deltas: final.deltas,
    keyframeRequests: final.keyframeRequests,
    players: final.players,
    spawn,
    inputSeq: final.inputSeq,
    lastAck: final.lastAck,
    start,
    end,
    movedX: +(end.x - start.x).toFixed(1),
    ui: text,
    problems: pageProblems,
    screenshot: screenshotPath ?? null,
  }));
  clearTimeout(watchdog);
  await browser.close();
  process.exit(0);
}

/** Polls `predicate` in the page (every 100 ms) until it is truthy or `timeoutMs` passes. */
async function waitForDemo(what, predicate, arg, timeoutMs) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: timeoutMs, polling: 100 });
  } catch (err) {
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  }
}

/** Waits until a few more snapshots arrived, so the position reflects released keys. */
async function settle() {
  const n = (await demoState()).snapshots;
  await waitForDemo("3 more snapshots", (m) => window.gameDemo.snapshots >= m + 3, n, 5_000);
}

async function demoState() {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.gameDemo ?? null)));
}

async function fail(message) {
  clearTimeout(watchdog);
  let seen = null;
  try {
    if (page) {
      seen = await Promise.race([demoState(), new Promise((r) => setTimeout(() => r("(page did not answer)"), 2000))]);
      if (screenshotPath) {
        await Promise.race([page.screenshot({ path: screenshotPath }), new Promise((r) => setTimeout(r, 3000))]);
      }
    }
  } catch {
    // the page may be gone; report what we have
  }
  console.error(`demo.spec: FAIL: ${message}`);
  console.error(`  url: ${baseUrl}`);
  console.error(`  window.gameDemo: ${JSON.stringify(seen)}`);
  for (const p of pageProblems) console.error(`  ${p}`);
  try {
    await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 3000))]);
  } catch {
    // ignore
  }
  process.exit(1);
}
