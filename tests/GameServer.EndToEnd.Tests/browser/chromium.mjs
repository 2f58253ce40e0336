// Shared by the browser specs: the system Chromium (Debian package) in headless mode through playwright-core, and
// a page that records every page error, console error, failed request and HTTP error into `problems`.
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export async function openPage(viewport, problems, { describeResponse = (res) => `HTTP ${res.status()} for ${res.url()}` } = {}) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: 30_000,
  });
  const page = await newPage(browser, viewport, problems, { describeResponse });
  return { browser, page };
}

/** Another page of `browser` in a context of its own (its own storage: another player), recording into `problems`. */
export async function newPage(browser, viewport, problems, { describeResponse = (res) => `HTTP ${res.status()} for ${res.url()}` } = {}) {
  const page = await browser.newPage({ viewport });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("requestfailed", (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(describeResponse(res));
  });
  return page;
}
