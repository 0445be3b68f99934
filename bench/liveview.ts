// The live view at size: an Avi emulator loaded with 1,000 pool servers (one large pool and nine small ones, five
// pods a node) and 5,000 static routes (ours per node, 10% foreign), opened in headless Chromium after logging in
// through the page. Prints the time to first contentful paint and to the data painted (median of the loads), the
// state's size, the DOM's size, and how long a write takes to show. --quick runs a small version.
import { performance } from "node:perf_hooks";
import type { Browser } from "playwright-core";
import { type AviEmulator, startAviEmulator } from "../emulator/avi";
import { type AviSession, createAviSession } from "../provider/avi";
import { findChromium, launchChromium } from "../tests/support/chromium";

export interface LiveViewFigures {
  servers: number;
  routes: number;
  virtualServices: number;
  loads: number;
  /** Median ms from navigation to the browser's first contentful paint. */
  firstContentfulPaintMs: number;
  /** Median ms from navigation to the state drawn (lists and picture). */
  dataPaintedMs: number;
  stateBytes: number;
  domElements: number;
  /** ms from a pool write's acknowledgement to the page showing it. */
  writeShownMs: number;
}

export type LiveViewResult = LiveViewFigures | { skipped: string };

type Json = Record<string, unknown>;

// Functions run inside the page see the browser's globals; this project compiles without the DOM library.
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  getElementsByTagName(t: string): { length: number };
};
declare function fetch(url: string): Promise<{ text(): Promise<string> }>;

export function liveViewSize(quick: boolean): { servers: number; routes: number; virtualServices: number } {
  return quick
    ? { servers: 40, routes: 100, virtualServices: 3 }
    : { servers: 1000, routes: 5000, virtualServices: 10 };
}

const PODS_PER_NODE = 5;
const podIp = (i: number) => {
  const node = Math.floor(i / PODS_PER_NODE);
  return `10.${128 + Math.floor(node / 250)}.${(node % 250) + 1}.${(i % PODS_PER_NODE) + 10}`;
};
const nodeName = (n: number) => `node-${String(n).padStart(4, "0")}`;

/** Pools of the sizes asked, their virtual services, and the VRF's routes, written over the REST API. */
async function load(
  s: AviSession,
  size: { servers: number; routes: number; virtualServices: number },
): Promise<string> {
  const small = Math.min(10, Math.floor(size.servers / (size.virtualServices * 2)));
  const counts = [size.servers - small * (size.virtualServices - 1), ...Array(size.virtualServices - 1).fill(small)];
  let next = 0;
  let bigPool = "";
  for (const [v, count] of counts.entries()) {
    const servers = Array.from({ length: count }, () => {
      const i = next++;
      return {
        ip: { addr: podIp(i), type: "V4" },
        port: 8080,
        enabled: i % 97 !== 0,
        server_node: nodeName(Math.floor(i / PODS_PER_NODE)),
      };
    });
    const markers = [
      { key: "clustername", values: ["bench"] },
      { key: "Namespace", values: ["default"] },
      { key: "ServiceName", values: [`svc-${v}`] },
    ];
    const pool = await s.post<Json>("pool", { name: `bench-svc-${v}-80`, default_server_port: 8080, servers, markers });
    if (v === 0) bigPool = String(pool.uuid);
    const vip = await s.post<Json>("vsvip", {
      name: `bench-svc-${v}`,
      vip: [{ vip_id: "0", ip_address: { addr: `10.10.${Math.floor(v / 250)}.${(v % 250) + 1}`, type: "V4" } }],
      markers,
    });
    await s.post("virtualservice", {
      name: `bench-svc-${v}`,
      vsvip_ref: vip.url,
      pool_ref: pool.url,
      services: [{ port: 80 }],
      markers,
    });
  }
  const routes = Array.from({ length: size.routes }, (_, n) => ({
    route_id: `r-${n}`,
    prefix: { ip_addr: { addr: `10.${128 + Math.floor(n / 250)}.${(n % 250) + 1}.0`, type: "V4" }, mask: 24 },
    next_hop: { addr: `172.16.${Math.floor(n / 250)}.${(n % 250) + 1}`, type: "V4" },
    ...(n % 10 === 9 ? {} : { labels: [{ key: "clustername", value: "bench" }] }),
  }));
  const [vrf] = await s.list<Json>("vrfcontext", { params: { name: "global" } });
  if (!vrf) throw new Error("the emulator has no VRF global");
  await s.put(`vrfcontext/${String(vrf.uuid)}`, { ...vrf, static_routes: routes });
  return bigPool;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function measure(browser: Browser, avi: AviEmulator, s: AviSession, pool: string, loads: number) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1440, height: 1000 } });
  try {
    const page = await context.newPage();
    await page.goto(avi.ui);
    await page.fill('input[name="username"]', avi.username);
    await page.fill('input[name="password"]', avi.password);
    await page.click('button[type="submit"]');
    await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
    const fcp: number[] = [];
    const painted: number[] = [];
    for (let i = 0; i < loads; i++) {
      await page.goto(avi.ui);
      await page.waitForSelector("body[data-ready]", { timeout: 60_000 });
      const t = await page.evaluate(() => {
        const perf = (
          globalThis as unknown as { performance: { getEntriesByName(n: string): { startTime: number }[] } }
        ).performance;
        return {
          fcp: perf.getEntriesByName("first-contentful-paint")[0]?.startTime ?? Number.NaN,
          painted: perf.getEntriesByName("live-view-rendered")[0]?.startTime ?? Number.NaN,
        };
      });
      fcp.push(t.fcp);
      painted.push(t.painted);
    }
    const domElements = await page.evaluate(() => document.getElementsByTagName("*").length);
    const stateBytes = await page.evaluate(async () => (await (await fetch("/ui/api/state")).text()).length);
    const current = await s.get<Json>(`pool/${pool}`);
    const servers = (current.servers as Json[]).slice(1);
    const started = performance.now();
    await s.put(`pool/${pool}`, { ...current, servers });
    const version = String(avi.changeLog().at(-1)?.seq ?? 0);
    await page.waitForFunction((v) => Number(document.body.dataset.version ?? 0) >= Number(v), version, {
      timeout: 10_000,
      polling: 10,
    });
    const writeShownMs = performance.now() - started;
    return {
      firstContentfulPaintMs: median(fcp),
      dataPaintedMs: median(painted),
      domElements,
      stateBytes,
      writeShownMs,
    };
  } finally {
    await context.close();
  }
}

export async function measureLiveView(quick: boolean, log: (t: string) => void): Promise<LiveViewResult> {
  const chromium = findChromium();
  if (!chromium.ok) {
    log(`live view: SKIPPED (no browser): ${chromium.reason}`);
    return { skipped: chromium.reason };
  }
  const size = liveViewSize(quick);
  const avi = await startAviEmulator();
  let browser: Browser | undefined;
  const s = createAviSession({
    controller: avi.url,
    username: avi.username,
    password: avi.password,
    caCert: avi.caCert,
  });
  try {
    const pool = await load(s, size);
    browser = await launchChromium(chromium.executablePath);
    const loads = quick ? 1 : 3;
    const m = await measure(browser, avi, s, pool, loads);
    const figures: LiveViewFigures = { ...size, loads, ...m };
    log(
      `live view at ${size.servers.toLocaleString("en-US")} servers / ${size.routes.toLocaleString("en-US")} routes / ` +
        `${size.virtualServices} virtual services: first contentful paint ${figures.firstContentfulPaintMs.toFixed(0)} ms, ` +
        `data painted ${figures.dataPaintedMs.toFixed(0)} ms (median of ${loads}); state ${(figures.stateBytes / 1024).toFixed(0)} KB, ` +
        `${figures.domElements.toLocaleString("en-US")} DOM elements; a pool write shown ${figures.writeShownMs.toFixed(0)} ms after its acknowledgement`,
    );
    return figures;
  } finally {
    await browser?.close();
    await s.logout().catch(() => undefined);
    await avi.stop();
  }
}
