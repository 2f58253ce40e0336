// Drives the demo page's lobby in headless Chromium with four tabs, each its own browser context (another player):
//   watcher  stays in the lobby and records every room its list ever shows.
//   host     creates a private room and shows its code.
//   friend   first types a wrong code (the page must say no room has it), then the host's code in lower case, and
//            joins: both tabs show the same room id, and each sees two players. The friend then moves (arrow key
//            held), and the host's tab must draw the friend's entity where it went; both tabs got the room's state
//            as deltas (gameserver.v2) and never had to ask for a full snapshot.
//   public   quick-plays a duel: the watcher's list must show that room (mode duel), and must never have shown the
//            private one.
//
//   node lobby.spec.mjs <baseUrl> [screenshot.png]
//
// Exits 0 after printing one JSON line of what it saw, or 1 with a message on stderr.
// Run by BrowserDemoTests (tests/GameServer.EndToEnd.Tests); `npm ci` in this folder installs playwright-core.
import { openPage, newPage } from "./chromium.mjs";

const OVERALL_TIMEOUT_MS = 80_000;
const STEP_TIMEOUT_MS = 20_000;
const LIST_TIMEOUT_MS = 15_000;     // the page polls every 2 s; rooms report their seats to the matchmaker within seconds
const POLLS_AFTER_CREATE = 3;       // lobby answers the watcher must get, after the private room opened, without it
const WRONG_CODE = "zzzzzz";        // well-formed; 31^6 codes, so no open room has it but by a fluke
const VIEWPORT = { width: 1100, height: 820 };
const MIN_MOVE_UNITS = 50;          // the arena moves 200 units/s at full input; the key is held 1 s

const [, , baseUrl, screenshotPath] = process.argv;
if (!baseUrl) {
  console.error("usage: node lobby.spec.mjs <baseUrl> [screenshot.png]");
  process.exit(2);
}

const pageProblems = [];
const pages = {};
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
  pages.watcher = page;
  for (const name of ["host", "friend", "public"]) pages[name] = await newPage(browser, VIEWPORT, pageProblems);
  for (const p of Object.values(pages)) await p.goto(baseUrl, { waitUntil: "load", timeout: STEP_TIMEOUT_MS });
  for (const [name, p] of Object.entries(pages)) {
    await waitFor(p, `${name}: the lobby`, () => window.gameDemo?.state === "connected" && !document.querySelector("#lobby").hidden);
  }

  // The watcher remembers every room id its list shows, at any moment.
  await pages.watcher.evaluate(() => {
    window.seenRoomIds = new Set();
    const list = document.querySelector("#room-list tbody");
    const record = () => list.querySelectorAll("tr[data-room-id]").forEach((row) => window.seenRoomIds.add(row.dataset.roomId));
    new MutationObserver(record).observe(list, { childList: true, subtree: true });
    record();
  });

  // 1. The host creates a private room; its code is shown large.
  await pages.host.click("#create-private");
  await waitFor(pages.host, "host: in the private room with its code shown", () => {
    const d = window.gameDemo;
    return d.state === "in-room" && d.snapshots > 0 && !document.querySelector("#room-code-box").hidden
      && /^[A-Z2-9]{6}$/.test(document.querySelector("#room-code").textContent);
  });
  const host = await demoState(pages.host);
  const code = await pages.host.textContent("#room-code");
  check(host.roomCode === code, `the code shown (${code}) is not the Welcome's (${host.roomCode})`);
  const pollsAtCreate = (await demoState(pages.watcher)).lobbyPolls;

  // 2. The friend mistypes the code, then types it in lower case (codes are case-insensitive).
  await pages.friend.fill("#code-input", WRONG_CODE);
  await pages.friend.click("#join-by-code");
  await waitFor(pages.friend, "friend: a message that no room has the wrong code", () => {
    const m = document.querySelector("#lobby-message");
    return !m.hidden && /no open room has that code/i.test(m.textContent);
  });
  check((await demoState(pages.friend)).state === "connected", "the wrong code took the friend out of the lobby");
  await pages.friend.fill("#code-input", code.toLowerCase());
  await pages.friend.click("#join-by-code");
  await waitFor(pages.friend, "friend: in the host's room, seeing 2 players", (roomId) => {
    const d = window.gameDemo;
    return d.state === "in-room" && d.roomId === roomId && d.players === 2;
  }, host.roomId);
  const friend = await demoState(pages.friend);
  await waitFor(pages.host, "host: sees the friend's entity", (id) => window.gameDemo.rendered.some((e) => e.id === id), friend.entityId);
  const roomIdText = { host: await pages.host.textContent("#room-id"), friend: await pages.friend.textContent("#room-id") };
  check(roomIdText.host === host.roomId && roomIdText.friend === host.roomId, `#room-id shows ${JSON.stringify(roomIdText)}, expected ${host.roomId} in both`);
  check(friend.roomCode === code, `the friend's Welcome has code ${friend.roomCode}, expected ${code}`);

  // The friend moves toward the middle (spawn points are random); the host's tab, rebuilding the friend's entity from
  // deltas, must draw it moved.
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
  for (const name of ["host", "friend"]) {
    const d = await demoState(pages[name]);
    check(d.protocol === "gameserver.v2", `${name}: agreed sub-protocol '${d.protocol}', expected 'gameserver.v2'`);
    check(d.deltas > 0, `${name}: applied no deltas (${d.fullSnapshots} full snapshots)`);
    check(d.keyframeRequests === 0, `${name}: asked for ${d.keyframeRequests} keyframe(s)`);
    check(d.lastAck > 0, `${name}: the server acknowledged no input (lastAck ${d.lastAck} after ${d.inputSeq} inputs)`);
  }
  const deltas = { host: (await demoState(pages.host)).deltas, friend: (await demoState(pages.friend)).deltas };

  // 3. A public duel: the watcher's list shows it.
  await pages.public.selectOption("#mode", "duel");
  await pages.public.click("#quick-play");
  await waitFor(pages.public, "public: in a duel room", () => window.gameDemo.state === "in-room" && window.gameDemo.properties?.mode === "duel");
  const pub = await demoState(pages.public);
  check(pub.roomCode === null, `the quick-play room has a code (${pub.roomCode})`);
  await waitFor(pages.watcher, `watcher: room ${pub.roomId} listed as a duel`, (roomId) => {
    const row = document.querySelector(`#room-list tr[data-room-id="${roomId}"]`);
    return !!row && row.cells[2].textContent === "duel" && /^\d+ \/ \d+$/.test(row.cells[1].textContent);
  }, pub.roomId, LIST_TIMEOUT_MS);
  const listed = await pages.watcher.$eval(`#room-list tr[data-room-id="${pub.roomId}"]`, (row) => Array.from(row.cells, (c) => c.textContent));

  // 4. The private room never showed in the watcher's list, over several polls since it opened.
  await waitFor(pages.watcher, `watcher: ${POLLS_AFTER_CREATE} lobby polls since the private room opened`,
    (min) => window.gameDemo.lobbyPolls >= min, pollsAtCreate + POLLS_AFTER_CREATE, LIST_TIMEOUT_MS);
  const seen = await pages.watcher.evaluate(() => Array.from(window.seenRoomIds));
  check(!seen.includes(host.roomId), `the private room ${host.roomId} showed in the lobby list`);
  const watcher = await demoState(pages.watcher);
  check(watcher.state === "connected", `the watcher left the lobby (state '${watcher.state}')`);

  const scriptErrors = pageProblems.filter((p) => p.startsWith("page error"));
  check(!scriptErrors.length, `a page threw: ${scriptErrors.join("; ")}`);

  if (screenshotPath) await pages.host.screenshot({ path: screenshotPath });

  console.log(JSON.stringify({
    ok: true,
    url: baseUrl,
    privateRoom: host.roomId,
    code,
    hostEntity: host.entityId,
    friendEntity: friend.entityId,
    friendPlayers: friend.players,
    friendStart,
    deltas,
    publicRoom: pub.roomId,
    listedRow: listed,
    roomsSeenByWatcher: seen,
    watcherPolls: watcher.lobbyPolls,
    problems: pageProblems,
    screenshot: screenshotPath ?? null,
  }));
  clearTimeout(watchdog);
  await browser.close();
  process.exit(0);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Polls `predicate` in `page` (every 100 ms) until it is truthy or `timeoutMs` passes. */
async function waitFor(page, what, predicate, arg, timeoutMs = STEP_TIMEOUT_MS) {
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
  console.error(`lobby.spec: FAIL: ${message}`);
  console.error(`  url: ${baseUrl}`);
  for (const [name, page] of Object.entries(pages)) {
    let seen = null;
    try {
      seen = await Promise.race([demoState(page), new Promise((r) => setTimeout(() => r("(page did not answer)"), 2000))]);
    } catch {
      // the page may be gone; report what we have
    }
    const { rendered, stateLog, ...rest } = seen && typeof seen === "object" ? seen : { rendered: null, stateLog: null };
    console.error(`  ${name}: ${JSON.stringify(seen && typeof seen === "object" ? { ...rest, stateLog } : seen)}`);
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
