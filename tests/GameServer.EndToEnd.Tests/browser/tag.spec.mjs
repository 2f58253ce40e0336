// Plays the Host's tag page (wwwroot/tag.html) in headless Chromium, in two tabs of their own (two players): one
// ?team=red, one ?team=blue. Each must be given its team's role and view and show its own player; while the two are
// out of sight (they spawn in opposite quarters, at least 20 units apart; sight is 12) neither tab may receive the
// other team's player, checked on the page's state, on the last snapshot's bytes decoded here independently, and,
// tick by tick, against the true distance (each tab knows its own player's position); the welcome event reaches only
// its own player's tab. Then both walk towards each other (the spec steers with held arrow keys) until each tab has
// the "spotted" event and the enemy on screen. A third tab, ?team=green, must show the game's refusal.
//
//   node tag.spec.mjs <baseUrl> [screenshot.png]
//
// Exits 0 after printing one JSON line of what it saw, or 1 with a message on stderr.
// Run by BrowserDemoTests (tests/GameServer.EndToEnd.Tests); `npm ci` in this folder installs playwright-core.
import { newPage, openPage } from "./chromium.mjs";

const OVERALL_TIMEOUT_MS = 80_000;
const JOIN_TIMEOUT_MS = 20_000;
const MEET_TIMEOUT_MS = 20_000;
const SIGHT_UNITS = 12;
const SIGHT_MARGIN_UNITS = 0.5;   // distances this close to the sight radius are not judged (rounding to tenths)
const TEAM_CODE = { red: 1, blue: 2 };
const VIEW = { red: 1, blue: 2 };

const [, , baseArg, screenshotPath] = process.argv;
if (!baseArg) {
  console.error("usage: node tag.spec.mjs <baseUrl> [screenshot.png]");
  process.exit(2);
}
const base = baseArg.replace(/\/+$/, "");

const pageProblems = [];
const failures = [];               // checks that failed but do not stop the rest: reported together at the end
let browser;
const tabs = {};                   // team -> page

const watchdog = setTimeout(() => fail(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s overall`), OVERALL_TIMEOUT_MS);

try {
  await main();
} catch (err) {
  await fail(err instanceof Error ? err.message : String(err));
}

async function main() {
  const viewport = { width: 1100, height: 820 };
  let page;
  ({ browser, page } = await openPage(viewport, pageProblems));
  tabs.red = page;
  tabs.blue = await newPage(browser, viewport, pageProblems);

  // Red first, so both land in the same room whatever order the joins would race in.
  await tabs.red.goto(`${base}/tag.html?team=red`, { waitUntil: "load", timeout: JOIN_TIMEOUT_MS });
  await waitInRoom("red");
  await tabs.blue.goto(`${base}/tag.html?team=blue`, { waitUntil: "load", timeout: JOIN_TIMEOUT_MS });
  await waitInRoom("blue");

  const red = await tagState("red");
  const blue = await tagState("blue");
  if (red.roomId !== blue.roomId) throw new Error(`the tabs are in different rooms: red in ${red.roomId}, blue in ${blue.roomId}`);
  for (const [team, s] of [["red", red], ["blue", blue]]) {
    if (s.role !== team || s.view !== VIEW[team]) {
      throw new Error(`the ${team} tab was given role '${s.role}' and view ${s.view}, expected '${team}' and ${VIEW[team]}`);
    }
    const roleText = await text(team, "#role");
    if (roleText !== team) throw new Error(`the ${team} tab's #role says '${roleText}'`);
    const own = s.visible.find((e) => e.id === s.entityId);
    if (!own || own.team !== team) {
      throw new Error(`the ${team} tab does not show its own player #${s.entityId} as ${team}: it shows ${JSON.stringify(s.visible)}`);
    }
  }

  // Out of sight: no enemy on either page, in the page's state, its raw entity list, or the frame's bytes.
  const apart = distance(own(red), own(blue));
  if (!(apart > SIGHT_UNITS + SIGHT_MARGIN_UNITS)) {
    throw new Error(`the players spawned ${apart.toFixed(1)} units apart, within sight (${SIGHT_UNITS}): expected opposite quarters`);
  }
  for (const team of ["red", "blue"]) {
    const enemy = team === "red" ? "blue" : "red";
    const s = await tagState(team);
    const seen = s.visible.filter((e) => e.team === enemy);
    if (seen.length) throw new Error(`out of sight, the ${team} tab shows ${enemy} players ${JSON.stringify(seen)}`);
    const rawTeams = teamsOf(s.rawEntities);
    if (rawTeams.includes(TEAM_CODE[enemy])) throw new Error(`out of sight, the ${team} tab's last snapshot lists a ${enemy} player: ${JSON.stringify(s.rawEntities)}`);
    const decoded = await decodeLastFrame(team);
    if (!decoded.entities.length || teamsOf(decoded.entities).some((t) => t !== TEAM_CODE[team])) {
      throw new Error(`out of sight, the ${team} tab's last snapshot frame decodes to entities ${JSON.stringify(decoded.entities)}: expected only team ${TEAM_CODE[team]}`);
    }
  }

  // The welcome event goes to the joiner only: each tab has one (the game emits it as the player joins), and the
  // other tab never got it. A missing one is recorded and the spec goes on, so one run shows every finding.
  const welcomes = {};
  for (const team of ["red", "blue"]) {
    try {
      await waitFor(team, "its welcome event", () => window.tagDemo.events.some((e) => e.payload?.[0] === "welcome"), undefined, 5_000);
    } catch {
      // judged below with what arrived
    }
    const s = await tagState(team);
    const mine = s.events.filter((e) => e.payload?.[0] === "welcome");
    if (mine.length !== 1) {
      failures.push(`the ${team} tab got ${mine.length} welcome events, expected 1 (frames by type ${JSON.stringify(s.frames)}, events ${JSON.stringify(s.events)})`);
      continue;
    }
    welcomes[team] = mine[0];
    const feed = await text(team, "#feed");
    if (!feed.includes(mine[0].payload[1])) failures.push(`the ${team} tab's feed does not show its welcome '${mine[0].payload[1]}': '${feed}'`);
  }
  for (const [team, other] of [["red", "blue"], ["blue", "red"]]) {
    if (!welcomes[team]) continue;
    const s = await tagState(other);
    if (s.events.some((e) => e.seq === welcomes[team].seq)) failures.push(`the ${other} tab got the ${team} player's welcome (seq ${welcomes[team].seq})`);
    const feed = await text(other, "#feed");
    if (welcomes[team].payload[1] !== welcomes[other]?.payload[1] && feed.includes(welcomes[team].payload[1])) {
      failures.push(`the ${other} tab's feed shows the ${team} player's welcome`);
    }
  }

  // Walk towards each other until each tab has the spotted event and the enemy on screen.
  const met = await meet(red.entityId, blue.entityId);
  const after = { red: await tagState("red"), blue: await tagState("blue") };
  for (const [team, other] of [["red", "blue"], ["blue", "red"]]) {
    const spotted = after[team].events.filter((e) => e.payload?.[0] === "spotted");
    if (!spotted.some((e) => e.payload[1] === after[other].entityId)) {
      throw new Error(`the ${team} tab's spotted events ${JSON.stringify(spotted)} do not name the ${other} player #${after[other].entityId}`);
    }
  }

  // Tick by tick: whenever the two were out of sight, neither tab had the enemy; whenever within sight, both had.
  const judged = judgeHistory(after.red, after.blue);
  if (judged.far < 10) throw new Error(`only ${judged.far} common snapshots with the players out of sight: too few to judge`);
  if (judged.near < 1) throw new Error("no common snapshot with the players within sight");

  // A team the game does not know: the page shows the game's reason.
  const green = await newPage(browser, viewport, pageProblems);
  tabs.green = green;
  await green.goto(`${base}/tag.html?team=green`, { waitUntil: "load", timeout: JOIN_TIMEOUT_MS });
  await waitFor("green", "state 'refused'", () => window.tagDemo?.state === "refused", undefined, JOIN_TIMEOUT_MS);
  const refused = await tagState("green");
  const errorText = await text("green", "#last-error");
  if (!/green/.test(refused.lastError ?? "") || errorText !== refused.lastError || !(await green.isVisible("#last-error"))) {
    throw new Error(`the green tab shows '${errorText}' (lastError '${refused.lastError}'), expected the game's refusal naming 'green'`);
  }
  if (refused.entityId !== null || refused.snapshots !== 0) throw new Error(`the refused tab got a seat: entity ${refused.entityId}, ${refused.snapshots} snapshots`);

  for (const team of ["red", "blue"]) {
    const s = after[team];
    if (s.lastError) throw new Error(`the ${team} tab shows an error: ${s.lastError}`);
    if (s.keyframeRequests !== 0 || s.deltas !== 0) throw new Error(`the ${team} tab got ${s.deltas} deltas: the tag game sends full snapshots only`);
    if (!(s.inputSeq > 0)) throw new Error(`the ${team} tab sent no input`);
  }
  const scriptErrors = pageProblems.filter((p) => p.startsWith("page error") || p.startsWith("console error"));
  if (scriptErrors.length) throw new Error(`the pages reported: ${scriptErrors.join("; ")}`);

  if (failures.length) throw new Error(failures.join("; "));

  if (screenshotPath) {
    await tabs.red.screenshot({ path: screenshotPath });
    await tabs.blue.screenshot({ path: screenshotPath.replace(/(\.png)?$/, "-blue.png") });
  }

  console.log(JSON.stringify({
    ok: true,
    roomId: red.roomId,
    protocol: red.protocol,
    red: { entityId: red.entityId, role: red.role, view: red.view, welcome: welcomes.red },
    blue: { entityId: blue.entityId, role: blue.role, view: blue.view, welcome: welcomes.blue },
    spawnDistance: +apart.toFixed(1),
    met,
    judged,
    refusal: refused.lastError,
    problems: pageProblems,
  }));
  clearTimeout(watchdog);
  await browser.close();
  process.exit(0);
}

/**
 * Steers both players towards each other with held arrow keys (each tab knows only its own position; the spec knows
 * both) until each tab has a spotted event and shows the enemy. Returns how long it took and where they were.
 */
async function meet(redId, blueId) {
  const started = Date.now();
  const held = { red: new Set(), blue: new Set() };
  try {
    for (;;) {
      const [r, b] = [await tagState("red"), await tagState("blue")];
      const seesEnemy = (s, enemy) => s.events.some((e) => e.payload?.[0] === "spotted") && s.visible.some((e) => e.team === enemy);
      // Walk on until clearly within sight, so the tick-by-tick check below has snapshots to judge on that side too.
      if (seesEnemy(r, "blue") && seesEnemy(b, "red") && distance(own(r), own(b)) < SIGHT_UNITS - 2) {
        return { ms: Date.now() - started, red: own(r), blue: own(b), distance: +distance(own(r), own(b)).toFixed(1) };
      }
      if (Date.now() - started > MEET_TIMEOUT_MS) {
        throw new Error(`the players did not see each other within ${MEET_TIMEOUT_MS / 1000} s of walking towards each other: red at ${JSON.stringify(own(r))} sees ${JSON.stringify(r.visible)}, events ${JSON.stringify(r.events)}; blue at ${JSON.stringify(own(b))} sees ${JSON.stringify(b.visible)}, events ${JSON.stringify(b.events)}`);
      }
      await hold("red", held.red, keysTowards(own(r), own(b)));
      await hold("blue", held.blue, keysTowards(own(b), own(r)));
      // Steer again once a few more snapshots arrived (positions moved), not after a fixed pause.
      await waitFor("red", "3 more snapshots", (n) => window.tagDemo.snapshots >= n + 3, r.snapshots, 5_000);
    }
  } finally {
    for (const team of ["red", "blue"]) await hold(team, held[team], []);
  }
}

/** The arrow keys that move from `from` towards `to` (a key per axis, none when within 1 unit on it). */
function keysTowards(from, to) {
  const keys = [];
  if (to.x > from.x + 1) keys.push("ArrowRight");
  else if (to.x < from.x - 1) keys.push("ArrowLeft");
  if (to.y > from.y + 1) keys.push("ArrowDown");
  else if (to.y < from.y - 1) keys.push("ArrowUp");
  return keys;
}

/** Makes exactly `keys` held in `team`'s tab. */
async function hold(team, held, keys) {
  for (const key of [...held]) {
    if (!keys.includes(key)) {
      await tabs[team].keyboard.up(key);
      held.delete(key);
    }
  }
  for (const key of keys) {
    if (!held.has(key)) {
      await tabs[team].keyboard.down(key);
      held.add(key);
    }
  }
}

/**
 * Joins the two tabs' snapshot histories by tick. At each common tick the two own players' true distance is known:
 * beyond sight neither tab may have the enemy, within sight both must. Returns how many ticks were judged each way.
 */
function judgeHistory(red, blue) {
  const blueByTick = new Map(blue.history.map((h) => [h.tick, h.entities]));
  let far = 0;
  let near = 0;
  for (const { tick, entities: redEntities } of red.history) {
    const blueEntities = blueByTick.get(tick);
    if (!blueEntities) continue;
    const r = redEntities.find((e) => e[0] === red.entityId);
    const b = blueEntities.find((e) => e[0] === blue.entityId);
    if (!r || !b) continue;
    const d = Math.hypot(r[2] - b[2], r[3] - b[3]) / 10;
    const redSeesBlue = redEntities.some((e) => e[1] === TEAM_CODE.blue);
    const blueSeesRed = blueEntities.some((e) => e[1] === TEAM_CODE.red);
    if (d > SIGHT_UNITS + SIGHT_MARGIN_UNITS) {
      far += 1;
      if (redSeesBlue || blueSeesRed) {
        throw new Error(`at tick ${tick} the players were ${d.toFixed(1)} units apart (sight ${SIGHT_UNITS}) yet ${redSeesBlue ? "the red tab got the blue player" : "the blue tab got the red player"}: red ${JSON.stringify(redEntities)}, blue ${JSON.stringify(blueEntities)}`);
      }
    } else if (d < SIGHT_UNITS - SIGHT_MARGIN_UNITS) {
      near += 1;
      if (!redSeesBlue || !blueSeesRed) {
        throw new Error(`at tick ${tick} the players were ${d.toFixed(1)} units apart (sight ${SIGHT_UNITS}) yet ${!redSeesBlue ? "the red tab lacked the blue player" : "the blue tab lacked the red player"}: red ${JSON.stringify(redEntities)}, blue ${JSON.stringify(blueEntities)}`);
      }
    }
  }
  return { far, near };
}

async function waitInRoom(team) {
  await waitFor(
    team,
    "state 'in-room' and 3 snapshots",
    () => {
      const t = window.tagDemo;
      return !!t && t.state === "in-room" && t.snapshots >= 3;
    },
    undefined,
    JOIN_TIMEOUT_MS,
  );
}

/** Decodes the tab's last Snapshot frame with the page's MessagePack library, apart from the page's own decoding. */
async function decodeLastFrame(team) {
  return tabs[team].evaluate(async () => {
    const { decode } = await import("/lib/msgpack/index.mjs");
    const [type, body] = decode(window.tagDemo.lastSnapshotFrame);
    const state = body[3];
    return { type: Number(type), tick: Number(body[0]), entities: (state?.[3] ?? []).map(Number) };
  });
}

/** The tab's own player's position in units, from its last snapshot. */
function own(s) {
  const e = s.visible.find((v) => v.id === s.entityId);
  return e ? { x: e.x, y: e.y } : null;
}

function distance(a, b) {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** The team codes of a flat [id, team, x, y, ...] list. */
function teamsOf(flat) {
  return flat.filter((_, i) => i % 4 === 1);
}

/** Polls `predicate` in the tab (every 100 ms) until it is truthy or `timeoutMs` passes. */
async function waitFor(team, what, predicate, arg, timeoutMs) {
  try {
    await tabs[team].waitForFunction(predicate, arg, { timeout: timeoutMs, polling: 100 });
  } catch {
    throw new Error(`timed out after ${timeoutMs / 1000} s waiting for the ${team} tab: ${what}`);
  }
}

async function text(team, selector) {
  return tabs[team].evaluate((sel) => document.querySelector(sel)?.textContent?.trim() ?? null, selector);
}

async function tagState(team) {
  return tabs[team].evaluate(() => JSON.parse(JSON.stringify(window.tagDemo ?? null)));
}

async function fail(message) {
  clearTimeout(watchdog);
  const seen = {};
  for (const [team, page] of Object.entries(tabs)) {
    try {
      const s = await Promise.race([page.evaluate(() => JSON.parse(JSON.stringify(window.tagDemo ?? null))), new Promise((r) => setTimeout(() => r("(page did not answer)"), 2000))]);
      if (s && typeof s === "object") delete s.history; // long; the message says what mattered
      seen[team] = s;
    } catch {
      seen[team] = "(page gone)";
    }
  }
  try {
    if (screenshotPath && tabs.red) await Promise.race([tabs.red.screenshot({ path: screenshotPath }), new Promise((r) => setTimeout(r, 3000))]);
  } catch {
    // the page may be gone; report what we have
  }
  console.error(`tag.spec: FAIL: ${message}`);
  console.error(`  base: ${base}`);
  for (const [team, s] of Object.entries(seen)) console.error(`  ${team} tab window.tagDemo: ${JSON.stringify(s)}`);
  for (const p of pageProblems) console.error(`  ${p}`);
  try {
    await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 3000))]);
  } catch {
    // ignore
  }
  process.exit(1);
}
