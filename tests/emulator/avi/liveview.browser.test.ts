// The live view in a real browser (headless Chromium through playwright-core): log in with the emulator's
// credentials, see the seed virtual service with its 4 servers, our 2 routes and the foreign one, then watch a
// server leave the page within 2 s of the controller write, without a reload. Screenshots are kept under
// test-artifacts/liveview/. Without Chromium every test here is reported pending with the reason printed.
// The membership sync's acceptance step: with the stack in membership "sync" and the sync running against lab.avi
// and lab.kube, pod web-a deleted through lab.kube leaves the page within 2 s.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { type AviEmulator, startAviEmulator } from "../../../emulator/avi";
import { startSync } from "../../../provider/sync";
import { applySyncStack, connectionOf } from "../../provider/sync/support";
import { findChromium, launchChromium, skipNotice } from "../../support/chromium";
import { login } from "./http";
import { FOREIGN, removeServer, type SeededLab, startSeededLab } from "./seeded";

// What the functions run inside the page use (this project compiles without the DOM library).
declare const document: {
  querySelectorAll(selector: string): { length: number };
  getElementById(id: string): { textContent: string | null } | null;
};
declare const window: { notReloaded?: boolean };

const ARTIFACTS = path.resolve(__dirname, "../../../../test-artifacts/liveview");

async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`      screenshot: ${path.relative(process.cwd(), file)}`);
  return file;
}

async function text(locator: Locator): Promise<string> {
  return (await locator.textContent()) ?? "";
}

/** Waits until no row, picture box or anything else on the page stands for this server; returns the time taken. */
async function expectGone(page: Page, ip: string, withinMs: number): Promise<number> {
  const started = Date.now();
  await page.waitForFunction((addr) => document.querySelectorAll(`[data-ip="${addr}"]`).length === 0, ip, {
    timeout: withinMs,
    polling: 50,
  });
  return Date.now() - started;
}

describe("Avi emulator: the live view in headless Chromium", function () {
  this.timeout(60_000);
  const chromium = findChromium();
  let lab: SeededLab | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  // Script errors and console errors (a refused stylesheet or script under the page's CSP shows here).
  const problems: string[] = [];

  before(async () => {
    if (!chromium.ok) {
      console.log(skipNotice("the live view's browser test", chromium.reason));
      return;
    }
    lab = await startSeededLab();
    browser = await launchChromium(chromium.executablePath);
    // The emulator's certificate comes from a CA made at its start; a user accepts it once in the browser.
    context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 1000 } });
    page = await context.newPage();
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      // The refused login of the first test is the one error expected.
      const refusedLogin = /status of 401/.test(m.text()) && m.location().url.endsWith("/login");
      if (m.type() === "error" && !refusedLogin) problems.push(`console error: ${m.text()} (${m.location().url})`);
    });
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await lab?.stop();
  });

  beforeEach(function () {
    if (!chromium.ok) this.skip();
  });

  it("asks for the controller's credentials, refuses a wrong password and logs in with the right one", async () => {
    const l = lab as SeededLab;
    await page.goto(l.avi.ui);
    await page.waitForSelector("#login-form", { state: "visible" });
    await page.fill('input[name="username"]', l.avi.username);
    await page.fill('input[name="password"]', "not-the-password");
    await page.click('button[type="submit"]');
    await page.waitForFunction(() =>
      /Invalid credentials/.test(document.getElementById("login-error")?.textContent ?? ""),
    );
    await page.fill('input[name="password"]', l.avi.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector("body[data-ready]", { timeout: 10_000 });
    assert.equal(await page.inputValue('input[name="password"]'), "", "the password field is cleared");
    const html = await page.content();
    assert.ok(!html.includes(l.avi.password), "the password is nowhere in the page");
    const cookies = await context?.cookies();
    assert.ok(
      cookies?.some((c) => c.name === "avi-sessionid" && c.httpOnly),
      "the controller's session cookie is set",
    );
  });

  it("shows the seed virtual service with its 4 servers, our 2 routes and the foreign one", async () => {
    const l = lab as SeededLab;
    const vs = page.locator("details.vs-card").first();
    await vs.locator(".vs-head h3").waitFor();
    assert.match(await text(vs.locator(".vs-head h3")), /web/);
    assert.match(await text(vs.locator(".vs-meta")), /VIP 10\.10\.10\.50/);
    const rows = page.locator(`[data-pool="${l.pool}"] .server-row`);
    assert.equal(await rows.count(), 4);
    const ips = (await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-ip")))).sort();
    assert.deepEqual(ips, ["192.168.101.13", "192.168.101.22", "192.168.102.17", "192.168.102.36"]);
    assert.match(await text(page.locator(`[data-pool="${l.pool}"]`)), /node1[\s\S]*node2/);
    const ours = await page
      .locator('.route-row[data-owner="ours"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-prefix")));
    assert.deepEqual(ours.sort(), ["192.168.101.0/24", "192.168.102.0/24"]);
    const foreign = page.locator('.route-row[data-owner="foreign"]');
    assert.equal(await foreign.count(), 1);
    assert.equal(await foreign.getAttribute("data-prefix"), FOREIGN.prefix);
    assert.match(await text(foreign), /foreign/);
    // The picture: 4 pods, both nodes with the addresses their routes give them, and the routes.
    const picture = await page.locator("#topology svg").innerHTML();
    for (const text of ["192.168.101.13:8080", "node1", "10.100.1.101", "node2", "192.168.102.0/24", FOREIGN.prefix]) {
      assert.ok(picture.includes(text), `the picture shows ${text}`);
    }
    assert.equal(await page.locator("#status").getAttribute("data-state"), "live");
    await screenshot(page, "seed.png");
  });

  it("a server removed through the REST API (a PUT, as the sync writes) leaves the page within 2 s without a reload", async () => {
    const l = lab as SeededLab;
    await page.evaluate(() => {
      window.notReloaded = true;
    });
    await removeServer(l.session, l.pool, "192.168.101.13");
    const took = await expectGone(page, "192.168.101.13", 2000);
    console.log(`      the server left the page ${took} ms after the PUT was acknowledged`);
    assert.equal(await page.locator(`[data-pool="${l.pool}"] .server-row`).count(), 3);
    assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was not reloaded");
    const latest = page.locator("#changes > li").first();
    assert.match(await text(latest), /PUT[\s\S]*servers removed \(1\): 192\.168\.101\.13:8080/);
    assert.match(await text(latest), /by admin · pulumi-avi-k8s\//);
    await screenshot(page, "after-removal.png");
  });

  it("filters servers and routes, and draws the picture of one virtual service", async () => {
    const l = lab as SeededLab;
    await page.fill("#server-filter", "node2");
    await page.waitForFunction(() => document.querySelectorAll(".server-row").length === 2);
    await page.fill("#server-filter", "");
    await page.waitForFunction(() => document.querySelectorAll(".server-row").length === 3);
    await page.click(".chip-button.foreign");
    await page.waitForFunction(() => document.querySelectorAll(".route-row").length === 1);
    assert.equal(await page.locator(".route-row").getAttribute("data-prefix"), FOREIGN.prefix);
    await page.click(".chip-button.ours");
    await page.waitForFunction(() => document.querySelectorAll(".route-row").length === 2);
    await page.fill("#route-filter", "192.168.102");
    await page.waitForFunction(() => document.querySelectorAll(".route-row").length === 1);
    await page.click(".chip-button.all");
    await page.fill("#route-filter", "");
    await page.waitForFunction(() => document.querySelectorAll(".route-row").length === 3);
    const vs = await page.locator("#picture-of option").nth(1).getAttribute("value");
    await page.selectOption("#picture-of", vs ?? "");
    assert.equal(await page.locator("#topology svg .box.pool").count(), 1);
    assert.ok((await text(page.locator("#topology svg"))).includes(l.pool));
  });

  it("a pod deleted through the Kubernetes emulator, with avi-k8s sync running, leaves the page within 2 s", async () => {
    const l = lab as SeededLab;
    // The stack as an `up` in membership "sync" writes it: the pool carries the marker, the routes their record.
    await applySyncStack(l.session, l.kube, "demo", [{ namespace: "default", name: "web", vip: "10.10.10.50" }]);
    const sync = await startSync({
      cluster: "demo",
      kube: { kubeconfigContent: l.kube.kubeconfigContent },
      avi: connectionOf(l.avi),
      leaderElection: false,
      quietMs: 100,
      log: () => undefined,
    });
    try {
      // Its first full resync puts back web-a's server, which was removed by hand above (web-a still runs).
      await page.waitForSelector('[data-ip="192.168.101.13"]', { timeout: 5000 });
      assert.match(await text(page.locator(`[data-pool="${l.pool}"]`)), /web-a/, "the pod column names the pods");
      l.kube.deletePod("default", "web-a");
      const took = await expectGone(page, "192.168.101.13", 2000);
      console.log(`      web-a's server left the page ${took} ms after the pod was deleted`);
      const latest = page.locator("#changes > li").first();
      assert.match(await text(latest), /PUT[\s\S]*servers removed \(1\): 192\.168\.101\.13:8080/);
      assert.match(await text(latest), /by admin · pulumi-avi-k8s\/\S+ \(sync; /);
      await screenshot(page, "after-sync.png");
    } finally {
      await sync.stop();
    }
  });

  it("ran without a script error, a console error or a content-security-policy violation", () => {
    assert.deepEqual(problems, []);
  });

  it("shows the login form again after logging out, and the page's data calls are refused", async () => {
    await page.click("#logout");
    await page.waitForSelector("#login-form", { state: "visible" });
    const status = await page.evaluate(async () => (await fetch("/ui/api/state")).status);
    assert.equal(status, 401);
  });
});

describe("Avi emulator: the live view across a controller restart", function () {
  this.timeout(60_000);
  const chromium = findChromium();
  let dir = "";
  let browser: Browser | undefined;
  let avi: AviEmulator | undefined;

  before(async () => {
    if (!chromium.ok) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "avi-liveview-restart-"));
    browser = await launchChromium(chromium.executablePath);
  });

  after(async () => {
    await browser?.close();
    await avi?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(function () {
    if (!chromium.ok) this.skip();
  });

  it("asks for a new login when the restarted controller dropped the session, then shows its state", async () => {
    const options = { stateDir: dir, password: "restart-test-password", http: true };
    avi = await startAviEmulator(options);
    const s = await login(avi);
    await s.call("POST", "/api/pool", { name: "before-restart", servers: [{ ip: { addr: "10.9.0.1", type: "V4" } }] });
    const page = await (browser as Browser).newPage();
    await page.goto(avi.ui);
    await page.fill('input[name="username"]', avi.username);
    await page.fill('input[name="password"]', avi.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-pool="before-restart"] .server-row');
    const port = new URL(avi.url).port;
    await avi.stop();
    avi = await startAviEmulator({ ...options, port: Number(port) });
    await page.waitForSelector("#login-form", { state: "visible", timeout: 10_000 });
    await page.fill('input[name="password"]', avi.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector('[data-pool="before-restart"] .server-row');
    const s2 = await login(avi);
    await s2.call("POST", "/api/pool", { name: "after-restart", servers: [{ ip: { addr: "10.9.0.2", type: "V4" } }] });
    // The new controller counts writes from 1 again: the page must take its state and log all the same.
    await page.waitForSelector('[data-pool="after-restart"] .server-row', { timeout: 2000 });
    assert.match(await text(page.locator("#changes > li").first()), /POST[\s\S]*after-restart/);
    await page.close();
  });
});
