// Drives the Host's demo page in headless Chromium through a TCP proxy that the test cuts or freezes.
//   drop:   the test cuts the connection. The page must show "reconnecting…", then resume its seat (same room, same
//           entity, input sequence continuing, acknowledged); and after an outage longer than the room's grace window
//           it must say the seat was lost (13 ResumeExpired) and join afresh.
//   freeze: the page is opened with a short ?deadPeerMs=, and the test freezes the connection (open, but nothing gets
//           through either way: a half-open connection). The page must notice the silence by itself, give the socket
//           up, reconnect and resume the same entity in the same room, with snapshots continuing.
// In both, every new connection starts the page's delta base afresh (gameserver.v2): it never asks for a keyframe.
//
//   node reconnect.spec.mjs <drop|freeze> <baseUrl through the proxy> [screenshot.png]
//
// It talks to the test (BrowserReconnectTests) over stdio: it prints `@@<event> <json>` lines and waits for one line
// on stdin before going on:
//   drop:
//     @@joined {roomId, entityId, ...}   -> test drops every connection and refuses new ones, answers "dropped"
//     @@reconnecting {...}               -> test accepts connections again, answers "reopened"
//     @@resumed {...}                    -> test drops and refuses again until the seat is released, answers "reopened"
//   freeze:
//     @@joined {roomId, entityId, ...}   -> test freezes every open connection, answers "frozen"
//     @@resumed {roomId, entityId, lastAck, ...} -> test checks the room acknowledges the entity's inputs, answers "checked"
// Exits 0 after printing one JSON line of what it saw, or 1 with a message on stderr.
import { createInterface } from "node:readline";
import { openPage } from "./chromium.mjs";

const OVERALL_TIMEOUT_MS = 110_000;
const JOIN_TIMEOUT_MS = 20_000;
const STEP_TIMEOUT_MS = 30_000;
const MIN_SNAPSHOTS = 5;
const SNAPSHOT_INTERVAL_MS = 50;    // the arena sends 20 snapshots a second
const FREEZE_DEAD_PEER_MS = 2000;   // ?deadPeerMs= for the freeze scenario (the page's default is 6 s)
const CONTINUED_SNAPSHOTS = 20;     // snapshots that must follow the resume

const [, , scenario, baseUrl, screenshotPath] = process.argv;
if (!["drop", "freeze"].includes(scenario) || !baseUrl) {
  console.error("usage: node reconnect.spec.mjs <drop|freeze> <baseUrl> [screenshot.png]");
  process.exit(2);
}

const pageProblems = [];
let browser;
let page;

const lines = createInterface({ input: process.stdin });
const pendingLines = [];
const lineWaiters = [];
lines.on("line", (line) => (lineWaiters.length ? lineWaiters.shift()(line) : pendingLines.push(line)));

const watchdog = setTimeout(() => fail(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s overall`), OVERALL_TIMEOUT_MS);

try {
  await main();
} catch (err) {
  await fail(err instanceof Error ? err.message : String(err));
}

async function main() {
  ({ browser, page } = await openPage({ width: 1100, height: 820 }, pageProblems));
  const pageUrl = scenario === "freeze" ? new URL(`/?deadPeerMs=${FREEZE_DEAD_PEER_MS}`, baseUrl).href : baseUrl;
  await page.goto(pageUrl, { waitUntil: "load", timeout: JOIN_TIMEOUT_MS });
  await page.click("#quick-play", { timeout: JOIN_TIMEOUT_MS }); // the page opens in the lobby

  await waitForDemo(
    `state 'in-room', ${MIN_SNAPSHOTS} snapshots and an acknowledged input`,
    (min) => {
      const d = window.gameDemo;
      return !!d && d.state === "in-room" && d.snapshots >= min && d.lastAck > 0;
    },
    MIN_SNAPSHOTS,
    JOIN_TIMEOUT_MS,
  );
  // Record every text the status element shows from here on: "reconnecting…" may be up only briefly.
  await page.evaluate(() => {
    window.connStateTexts = [];
    const el = document.querySelector("#conn-state");
    new MutationObserver(() => window.connStateTexts.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
  const seen = scenario === "freeze" ? await freezeScenario() : await dropScenario();

  const scriptErrors = pageProblems.filter((p) => p.startsWith("page error"));
  check(!scriptErrors.length, `the page threw: ${scriptErrors.join("; ")}`);
  if (screenshotPath) {
    await page.screenshot({ path: screenshotPath });
  }
  console.log(JSON.stringify({
    ok: true,
    scenario,
    url: pageUrl,
    ...seen,
    // Chromium names the failed socket URL, token and all: keep the token out of the test log.
    problems: pageProblems.map((p) => p.replace(/access_token=[^'&\s]+/g, "access_token=…")),
  }));
  clearTimeout(watchdog);
  await browser.close();
  process.exit(0);
}

/** The test cuts the connection: resumed; then cut for longer than the grace window: the seat is lost, joined afresh. */
async function dropScenario() {
  const before = await demoState();

  // ---- 1. a dropped connection is resumed ---------------------------------------------------------------------
  await handshake("joined", { roomId: before.roomId, entityId: before.entityId, inputSeq: before.inputSeq }, "dropped");
  await waitForDemo(
    "state 'reconnecting' shown in #conn-state",
    () => window.gameDemo.state === "reconnecting" && /reconnecting/i.test(document.querySelector("#conn-state").textContent),
    undefined,
    STEP_TIMEOUT_MS,
  );
  const during = await demoState();
  await handshake("reconnecting", { attempt: during.reconnectAttempt, closeCode: during.closeCode }, "reopened");
  // Inputs after the resume carry sequences above the ones before the drop, and the server acknowledges them.
  await waitForFirstResume(during.inputSeq);
  const resumed = await demoState();
  const resumedUi = await uiText();
  const texts = await page.evaluate(() => window.connStateTexts.slice());
  check(resumed.entityId === before.entityId, `entity changed across the resume: ${before.entityId} -> ${resumed.entityId}`);
  check(resumed.roomId === before.roomId, `room changed across the resume: ${before.roomId} -> ${resumed.roomId}`);
  check(resumed.resumed === true, "gameDemo.resumed is not true after the resume");
  check(resumed.inputSeq > during.inputSeq && during.inputSeq >= before.inputSeq, `input sequence did not continue: ${before.inputSeq} before, ${during.inputSeq} during, ${resumed.inputSeq} after`);
  check(texts.some((t) => /reconnecting/i.test(t)), `#conn-state never showed 'reconnecting': ${JSON.stringify(texts)}`);
  check(/resumed/i.test(resumedUi.connState), `#conn-state says '${resumedUi.connState}' after the resume, expected it to mention 'resumed'`);
  check(/resumed/i.test(resumedUi.session), `#session says '${resumedUi.session}' after the resume, expected 'resumed …'`);
  check(resumedUi.entityId === String(before.entityId), `#entity-id says '${resumedUi.entityId}', expected ${before.entityId}`);
  check(resumed.stateLog.join(",").includes("in-room,reconnecting,in-room"), `states went ${resumed.stateLog.join(" -> ")}`);

  // ---- 2. an outage longer than the grace window loses the seat: the page says so and joins afresh ----------
  await handshake("resumed", { entityId: resumed.entityId, lastOutageMs: resumed.lastOutageMs }, "reopened");
  await waitForDemo(
    "the refused resume (13 ResumeExpired) reported and a fresh seat taken",
    (min) => {
      const d = window.gameDemo;
      return d.resumeFailures === 1 && d.state === "in-room" && d.snapshots >= min && d.lastAck > 0;
    },
    MIN_SNAPSHOTS,
    STEP_TIMEOUT_MS,
  );
  const fresh = await demoState();
  const freshUi = await uiText();
  check(/ResumeExpired/.test(freshUi.lastError ?? ""), `#last-error says '${freshUi.lastError}', expected the ResumeExpired message`);
  check(/seat lost/i.test(freshUi.session), `#session says '${freshUi.session}', expected 'seat lost …'`);
  check(fresh.resumed === false, "gameDemo.resumed is still true on the fresh seat");
  check(fresh.resumes === 1, `resumes went to ${fresh.resumes}`);
  checkDeltas(fresh, resumed);

  return {
    before: pick(before),
    during: pick(during),
    resumed: pick(resumed),
    fresh: pick(fresh),
    statusTexts: [...new Set(texts)],
    ui: { resumed: resumedUi, fresh: freshUi },
  };
}

/**
 * The test freezes the connection: nothing arrives and nothing closes. The page must notice the silence itself (no
 * close event will come), reconnect and resume the same entity, and snapshots must continue.
 */
async function freezeScenario() {
  // A live connection never trips the watchdog: stay in the room through two deadlines first.
  const healthySnapshots = Math.ceil((2 * FREEZE_DEAD_PEER_MS) / SNAPSHOT_INTERVAL_MS);
  await waitForDemo(
    `${healthySnapshots} snapshots (two dead-peer deadlines) on the first connection`,
    (min) => window.gameDemo.snapshots >= min || window.gameDemo.deadPeerDrops > 0,
    healthySnapshots,
    STEP_TIMEOUT_MS,
  );
  const before = await demoState();
  check(before.deadPeerMs === FREEZE_DEAD_PEER_MS, `gameDemo.deadPeerMs is ${before.deadPeerMs}: ?deadPeerMs=${FREEZE_DEAD_PEER_MS} was not applied`);
  check(before.deadPeerDrops === 0 && before.reconnects === 0 && before.state === "in-room",
    `a live connection was given up: deadPeerDrops ${before.deadPeerDrops}, reconnects ${before.reconnects}, state '${before.state}'`);

  await handshake("joined", { roomId: before.roomId, entityId: before.entityId, inputSeq: before.inputSeq }, "frozen");
  const frozenAt = Date.now();
  await waitForDemo("the silence noticed: gameDemo.deadPeerDrops 1", () => window.gameDemo.deadPeerDrops >= 1, undefined, STEP_TIMEOUT_MS);
  const noticedAfterMs = Date.now() - frozenAt;
  const during = await demoState();
  await waitForFirstResume(during.inputSeq);
  const resumed = await demoState();
  await waitForDemo(
    `${CONTINUED_SNAPSHOTS} more snapshots with the tick advancing past ${resumed.tick}`,
    ([min, tick]) => window.gameDemo.snapshots >= min && window.gameDemo.tick > tick,
    [resumed.snapshots + CONTINUED_SNAPSHOTS, resumed.tick],
    STEP_TIMEOUT_MS,
  );
  const after = await demoState();
  const afterUi = await uiText();
  const texts = await page.evaluate(() => window.connStateTexts.slice());
  check(after.state === "in-room", `state '${after.state}' after the resume`);
  check(after.entityId === before.entityId, `entity changed across the resume: ${before.entityId} -> ${after.entityId}`);
  check(after.roomId === before.roomId, `room changed across the resume: ${before.roomId} -> ${after.roomId}`);
  check(after.resumed === true, "gameDemo.resumed is not true after the resume");
  check(after.deadPeerDrops === 1, `deadPeerDrops went to ${after.deadPeerDrops}`);
  check(after.reconnects === 1 && after.resumes === 1 && after.resumeFailures === 0,
    `reconnects ${after.reconnects}, resumes ${after.resumes}, resumeFailures ${after.resumeFailures}: expected 1, 1, 0`);
  check(after.inputSeq > during.inputSeq && during.inputSeq >= before.inputSeq, `input sequence did not continue: ${before.inputSeq} before, ${during.inputSeq} during, ${after.inputSeq} after`);
  check(after.stateLog.join(",").includes("in-room,reconnecting,in-room"), `states went ${after.stateLog.join(" -> ")}`);
  check(texts.some((t) => /reconnecting/i.test(t)), `#conn-state never showed 'reconnecting': ${JSON.stringify(texts)}`);
  check(/resumed/i.test(afterUi.session), `#session says '${afterUi.session}' after the resume, expected 'resumed …'`);
  check(afterUi.entityId === String(before.entityId), `#entity-id says '${afterUi.entityId}', expected ${before.entityId}`);
  checkDeltas(after, resumed);

  await handshake("resumed", { roomId: after.roomId, entityId: after.entityId, lastAck: after.lastAck, inputSeq: after.inputSeq }, "checked");
  return {
    before: pick(before),
    during: pick(during),
    after: pick(after),
    noticedAfterMs,
    statusTexts: [...new Set(texts)],
    ui: afterUi,
  };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

/** Snapshots went on as deltas on the new connection (gameserver.v2), applied since `earlier` without a keyframe request. */
function checkDeltas(d, earlier) {
  check(d.protocol === "gameserver.v2", `the new connection agreed sub-protocol '${d.protocol}', expected 'gameserver.v2'`);
  check(d.deltas > earlier.deltas, `no delta applied after the reconnect (${d.deltas} in all, ${earlier.deltas} before)`);
  check(d.keyframeRequests === 0, `the page asked for ${d.keyframeRequests} keyframe(s)`);
}

function pick(d) {
  const keys = ["state", "roomId", "entityId", "tick", "inputSeq", "lastAck", "snapshots", "protocol", "fullSnapshots", "deltas", "keyframeRequests", "reconnects", "resumes", "resumeFailures", "deadPeerDrops", "lastOutageMs", "closeCode", "session"];
  return Object.fromEntries(keys.map((k) => [k, d[k]]));
}

/** Tells the test `event` happened and waits for its answer line, which must be `expected`. */
async function handshake(event, data, expected) {
  console.log(`@@${event} ${JSON.stringify(data)}`);
  const answer = await Promise.race([
    nextLine(),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no '${expected}' from the test within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS)),
  ]);
  check(answer.trim() === expected, `the test answered '${answer}' to @@${event}, expected '${expected}'`);
}

function nextLine() {
  return pendingLines.length ? Promise.resolve(pendingLines.shift()) : new Promise((resolve) => lineWaiters.push(resolve));
}

/** Polls `predicate` in the page (every 50 ms) until it is truthy or `timeoutMs` passes. */
async function waitForDemo(what, predicate, arg, timeoutMs) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: timeoutMs, polling: 50 });
  } catch {
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
  }
}

/** The page resumed its seat for the first time, and the room acknowledges an input sent after `inputSeq`. */
async function waitForFirstResume(inputSeq) {
  await waitForDemo(
    "the seat resumed: state 'in-room', resumes 1, and new snapshots",
    (min) => {
      const d = window.gameDemo;
      return d.state === "in-room" && d.resumes === 1 && d.snapshots >= min;
    },
    MIN_SNAPSHOTS,
    STEP_TIMEOUT_MS,
  );
  await waitForDemo(
    `an input numbered above ${inputSeq} acknowledged after the resume`,
    (seq) => window.gameDemo.lastAck > seq,
    inputSeq,
    STEP_TIMEOUT_MS,
  );
}

async function demoState() {
  return page.evaluate(() => JSON.parse(JSON.stringify(window.gameDemo ?? null)));
}

async function uiText() {
  return page.evaluate(() => {
    const t = (sel) => document.querySelector(sel)?.textContent?.trim() ?? null;
    return { connState: t("#conn-state"), session: t("#session"), entityId: t("#entity-id"), lastError: document.querySelector("#last-error")?.hidden ? null : t("#last-error") };
  });
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
  console.error(`reconnect.spec: FAIL: ${message}`);
  console.error(`  url: ${baseUrl}`);
  console.error(`  window.gameDemo: ${JSON.stringify(seen)}`);
  for (const p of pageProblems) console.error(`  ${p.replace(/access_token=[^'&\s]+/g, "access_token=…")}`);
  try {
    await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 3000))]);
  } catch {
    // ignore
  }
  process.exit(1);
}
