// Drives the Host's designer page (/admin/) in headless Chromium: it must get a development admin token, list the
// live room with a measured tick rate near 20 Hz, apply a tunable (arena MaxSpeed) that the API then reports as
// effective and the live room picks up, show the server's error next to an out-of-range field (TickRateHz 500)
// without changing anything, change and reset one room's own setting, and reset the room type to configuration.
//
//   node admin.spec.mjs <baseUrl> [screenshot.png] [roomId]
//
// roomId: a live arena room to look for (any live room when left out). Exits 0 after printing one JSON line of
// what it saw, or 1 with a message on stderr. Run by AdminPageBrowserTests (tests/GameServer.EndToEnd.Tests).
import { openPage } from "./chromium.mjs";

const OVERALL_TIMEOUT_MS = 80_000;
const STEP_TIMEOUT_MS = 15_000;
const ROOM_TYPE = "arena";
const EXPECTED_TICK_RATE_HZ = 20;   // appsettings.json Rooms:arena:TickRateHz
const TICK_RATE_TOLERANCE_HZ = 3;
const NEW_MAX_SPEED = 250;
const ROOM_MAX_SPEED = 300;
const BAD_TICK_RATE_HZ = 500;       // allowed 1–120 Hz

const [, , baseUrl, screenshotPath, wantedRoomId, expectedWaiting] = process.argv;
if (!baseUrl) {
  console.error("usage: node admin.spec.mjs <baseUrl> [screenshot.png] [roomId]");
  process.exit(2);
}

const pageProblems = [];
let browser;
let page;
let step = "starting";

const watchdog = setTimeout(() => fail(`gave up after ${OVERALL_TIMEOUT_MS / 1000} s overall`), OVERALL_TIMEOUT_MS);

try {
  await main();
} catch (err) {
  await fail(err instanceof Error ? err.message : String(err));
}

async function main() {
  ({ browser, page } = await openPage({ width: 1400, height: 900 }, pageProblems, { describeResponse: (res) => `HTTP ${res.status()} for ${res.request().method()} ${res.url()}` }));

  step = "open /admin/";
  await page.goto(new URL("/admin/", baseUrl).href, { waitUntil: "load", timeout: STEP_TIMEOUT_MS });
  await waitFor("the page to get a token and load the room types", () => window.adminPage?.state === "ready" || window.adminPage?.state === "no-token");
  const start = await adminState();
  if (start.state !== "ready") {
    throw new Error(`the page found no admin token: ${await text("#token-problem")}`);
  }

  step = "live room";
  const roomRow = wantedRoomId ? `[data-testid=room-row][data-room-id="${wantedRoomId}"]` : "[data-testid=room-row]";
  await waitFor(
    `a live room${wantedRoomId ? ` '${wantedRoomId}'` : ""} measured at ${EXPECTED_TICK_RATE_HZ} ± ${TICK_RATE_TOLERANCE_HZ} Hz`,
    ([selector, hz, tolerance]) => {
      const value = parseFloat(document.querySelector(`${selector} [data-col=measured]`)?.dataset.value ?? "");
      return Math.abs(value - hz) <= tolerance;
    },
    [roomRow, EXPECTED_TICK_RATE_HZ, TICK_RATE_TOLERANCE_HZ]);
  const room = await page.evaluate((selector) => {
    const row = document.querySelector(selector);
    const cells = Object.fromEntries([...row.querySelectorAll("[data-col]")].map((c) => [c.dataset.col, c.textContent.trim()]));
    return { roomId: row.dataset.roomId, ...cells };
  }, roomRow);
  if (!/^\d+\/\d+$/.test(room.players) || !/ms$/.test(room.p50) || !/B\/s$/.test(room.bytes)) {
    throw new Error(`the room row reads oddly: ${JSON.stringify(room)}`);
  }
  if (expectedWaiting !== undefined && room.waiting !== expectedWaiting) {
    throw new Error(`the room row shows ${room.waiting} seats waiting for a resume, expected ${expectedWaiting}: ${JSON.stringify(room)}`);
  }
  // Checkpoints are saved about once a second (20 ticks) and the page refreshes every second: well under 60 ticks old.
  const checkpointAge = /^(\d+) ticks? ago$/.exec(room.checkpoint);
  if (!checkpointAge || Number(checkpointAge[1]) > 60) {
    throw new Error(`the room's checkpoint reads '${room.checkpoint}', expected a few ticks ago`);
  }

  step = "apply MaxSpeed";
  const form = `[data-testid=room-type-form][data-room-type="${ROOM_TYPE}"]`;
  const maxSpeed = `${form} [data-field="tunables.MaxSpeed"]`;
  const tickRate = `${form} [data-field="tickRateHz"]`;
  const before = await getJson("/admin/api/room-types");
  const arenaBefore = before.find((t) => t.roomType === ROOM_TYPE);
  if (!arenaBefore) throw new Error(`GET /admin/api/room-types lists no '${ROOM_TYPE}'`);
  const configuredMaxSpeed = arenaBefore.configured.tunables.MaxSpeed;
  const shownMaxSpeed = Number(await page.inputValue(maxSpeed));
  if (shownMaxSpeed !== arenaBefore.effective.tunables.MaxSpeed) {
    throw new Error(`the MaxSpeed input shows ${shownMaxSpeed}, the API says ${arenaBefore.effective.tunables.MaxSpeed}`);
  }
  await page.fill(maxSpeed, String(NEW_MAX_SPEED));
  await page.click(`${form} [data-testid=apply]`);
  await waitForStatus(form, "ok", "Applied:");
  const applied = await adminState();
  const afterApply = (await getJson("/admin/api/room-types")).find((t) => t.roomType === ROOM_TYPE);
  if (afterApply.effective.tunables.MaxSpeed !== NEW_MAX_SPEED) {
    throw new Error(`after Apply, effective.tunables.MaxSpeed is ${afterApply.effective.tunables.MaxSpeed}, expected ${NEW_MAX_SPEED}`);
  }
  if (afterApply.overrides.tickRateHz !== null || afterApply.effective.tickRateHz !== arenaBefore.effective.tickRateHz) {
    throw new Error(`Apply must send only the changed field, but tickRateHz changed: ${JSON.stringify(afterApply.overrides)}`);
  }
  await waitFor(`room ${room.roomId} to run with MaxSpeed ${NEW_MAX_SPEED}`, ([id, v]) =>
    window.adminPage.rooms.find((r) => r.roomId === id)?.config?.tunables?.MaxSpeed === v, [room.roomId, NEW_MAX_SPEED]);

  step = "out-of-range tickRateHz";
  await page.fill(tickRate, String(BAD_TICK_RATE_HZ));
  const clientHint = await waitForError(form, "tickRateHz", "client");
  await page.click(`${form} [data-testid=apply]`);
  await waitForStatus(form, "error");
  const serverError = await waitForError(form, "tickRateHz", "server");
  if (!/out of range/i.test(serverError) || !serverError.includes("120")) {
    throw new Error(`the tickRateHz error says '${serverError}', expected the server's range message (1–120 Hz)`);
  }
  const refused = await adminState();
  if (refused.lastResult?.status !== 400) {
    throw new Error(`expected the PUT to answer 400, got ${JSON.stringify(refused.lastResult)}`);
  }
  const afterRefusal = (await getJson("/admin/api/room-types")).find((t) => t.roomType === ROOM_TYPE);
  if (afterRefusal.effective.tickRateHz !== arenaBefore.effective.tickRateHz) {
    throw new Error(`a refused change altered tickRateHz: ${afterRefusal.effective.tickRateHz}`);
  }
  // The shot shows the changed tunable, the refused field and some chart history.
  await waitFor("a few seconds of chart data", () => window.adminPage.roomRefreshes >= 5);
  if (screenshotPath) {
    await page.screenshot({ path: screenshotPath, fullPage: true });
  }

  step = "reset room type";
  await page.click(`${form} [data-testid=reset]`);
  await waitForStatus(form, "ok", "Reset:");
  const afterReset = (await getJson("/admin/api/room-types")).find((t) => t.roomType === ROOM_TYPE);
  const leftovers = Object.entries(afterReset.overrides).filter(([, v]) => v !== null);
  if (leftovers.length || afterReset.effective.tunables.MaxSpeed !== configuredMaxSpeed) {
    throw new Error(`after Reset: overrides ${JSON.stringify(afterReset.overrides)}, MaxSpeed ${afterReset.effective.tunables.MaxSpeed} (configured ${configuredMaxSpeed})`);
  }
  await waitFor("the form to show the configured values again", ([maxSel, tickSel, speed, hz]) =>
    Number(document.querySelector(maxSel).value) === speed && Number(document.querySelector(tickSel).value) === hz,
  [maxSpeed, tickRate, configuredMaxSpeed, arenaBefore.configured.tickRateHz]);

  step = "per-room edit";
  await page.click(`${roomRow} [data-testid=room-edit]`);
  const roomForm = `[data-testid=room-form][data-room-id="${room.roomId}"]`;
  await page.waitForSelector(roomForm, { state: "visible", timeout: STEP_TIMEOUT_MS });
  await page.fill(`${roomForm} [data-field="tunables.MaxSpeed"]`, String(ROOM_MAX_SPEED));
  await page.click(`${roomForm} [data-testid=apply]`);
  await waitForStatus(roomForm, "ok", "Applied:");
  const roomChanged = (await getJson(`/admin/api/rooms/${encodeURIComponent(room.roomId)}`));
  const typeAfterRoomChange = (await getJson("/admin/api/room-types")).find((t) => t.roomType === ROOM_TYPE);
  if (roomChanged.config.tunables.MaxSpeed !== ROOM_MAX_SPEED || roomChanged.overrides.tunables?.MaxSpeed !== ROOM_MAX_SPEED) {
    throw new Error(`after the room's Apply, the room has MaxSpeed ${roomChanged.config.tunables.MaxSpeed}, overrides ${JSON.stringify(roomChanged.overrides)}`);
  }
  if (typeAfterRoomChange.effective.tunables.MaxSpeed !== configuredMaxSpeed) {
    throw new Error(`a room's change leaked into the room type: MaxSpeed ${typeAfterRoomChange.effective.tunables.MaxSpeed}`);
  }
  await page.click(`${roomForm} [data-testid=reset]`);
  await waitForStatus(roomForm, "ok", "Reset:");
  const roomReset = (await getJson(`/admin/api/rooms/${encodeURIComponent(room.roomId)}`));
  if (roomReset.config.tunables.MaxSpeed !== configuredMaxSpeed) {
    throw new Error(`after the room's reset, MaxSpeed is ${roomReset.config.tunables.MaxSpeed}, expected ${configuredMaxSpeed}`);
  }

  step = "audit";
  await waitFor("the audit trail to list the changes", () => document.querySelectorAll("[data-testid=audit-row]").length >= 4);
  const audit = await page.$$eval("[data-testid=audit-row]", (rows) => rows.slice(0, 4).map((r) => r.textContent));
  if (!audit.some((line) => line.includes(`MaxSpeed ${configuredMaxSpeed} → ${NEW_MAX_SPEED}`))) {
    throw new Error(`the audit trail does not show MaxSpeed ${configuredMaxSpeed} → ${NEW_MAX_SPEED}: ${JSON.stringify(audit)}`);
  }

  const scriptErrors = pageProblems.filter((p) => p.startsWith("page error"));
  if (scriptErrors.length) {
    throw new Error(`the page threw: ${scriptErrors.join("; ")}`);
  }
  // The only failed request should be the refused PUT (and Chromium's console line about it).
  const unexpected = pageProblems.filter((p) => !/(HTTP 400 for PUT|status of 400)/.test(p));
  if (unexpected.length) {
    throw new Error(`unexpected problems: ${unexpected.join("; ")}`);
  }

  console.log(JSON.stringify({
    ok: true,
    url: baseUrl,
    tokenSource: start.tokenSource,
    room,
    applied: applied.lastResult,
    clientHint,
    serverError,
    audit,
    problems: pageProblems,
    screenshot: screenshotPath ?? null,
  }));
  clearTimeout(watchdog);
  await browser.close();
  process.exit(0);
}

/** Polls `predicate` in the page (every 100 ms) until it is truthy or the step's timeout passes. */
async function waitFor(what, predicate, arg) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: STEP_TIMEOUT_MS, polling: 100 });
  } catch {
    throw new Error(`timed out after ${STEP_TIMEOUT_MS / 1000} s waiting for ${what}`);
  }
}

/** Waits until the form's status line is in `state` (and starts with `prefix`, when given). */
async function waitForStatus(form, state, prefix = "") {
  await waitFor(`${form}'s status to become '${state}'${prefix ? ` starting '${prefix}'` : ""}`, ([sel, s, p]) => {
    const status = document.querySelector(`${sel} [data-testid=form-status]`);
    return status?.dataset.state === s && status.textContent.startsWith(p);
  }, [form, state, prefix]);
}

/** Waits for the error shown next to `field`, from `source` ('client' or 'server'), and returns its text. */
async function waitForError(form, field, source) {
  const selector = `${form} [data-error-for="${field}"]`;
  await waitFor(`a ${source} error next to ${field}`, ([sel, src]) => {
    const e = document.querySelector(sel);
    return !!e && e.dataset.source === src && e.textContent.trim() !== "" && e.offsetParent !== null;
  }, [selector, source]);
  return text(selector);
}

/** GET with the page's own token, from inside the page. */
async function getJson(path) {
  const result = await page.evaluate(async (p) => {
    const response = await fetch(p, { headers: { Authorization: `Bearer ${window.adminPage.token}` }, cache: "no-store" });
    return { status: response.status, body: await response.text() };
  }, path);
  if (result.status !== 200) {
    throw new Error(`GET ${path} answered ${result.status}: ${result.body}`);
  }
  return JSON.parse(result.body);
}

async function text(selector) {
  return page.evaluate((sel) => document.querySelector(sel)?.textContent?.trim() ?? null, selector);
}

async function adminState() {
  return page.evaluate(() => {
    const { token, ...rest } = window.adminPage ?? {};
    return JSON.parse(JSON.stringify({ ...rest, hasToken: !!token, rooms: undefined, roomTypes: undefined, audit: undefined }));
  });
}

async function fail(message) {
  clearTimeout(watchdog);
  let seen = null;
  try {
    if (page) {
      seen = await Promise.race([adminState(), new Promise((r) => setTimeout(() => r("(page did not answer)"), 2000))]);
      if (screenshotPath) {
        await Promise.race([page.screenshot({ path: screenshotPath, fullPage: true }), new Promise((r) => setTimeout(r, 3000))]);
      }
    }
  } catch {
    // the page may be gone; report what we have
  }
  console.error(`admin.spec: FAIL at step '${step}': ${message}`);
  console.error(`  url: ${baseUrl}`);
  console.error(`  window.adminPage: ${JSON.stringify(seen)}`);
  for (const p of pageProblems) console.error(`  ${p}`);
  try {
    await Promise.race([browser?.close(), new Promise((r) => setTimeout(r, 3000))]);
  } catch {
    // ignore
  }
  process.exit(1);
}
