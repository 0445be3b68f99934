// How many connections the reader opens: one per read, reused for every page, and closed afterwards.
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as net from "node:net";
import { generateCluster, type KubeEmulator, startKubeEmulator } from "../../../emulator/kube";
import { readNodes } from "../../../provider/kube";

describe("placement reader connections", function () {
  this.timeout(30000);
  let kube: KubeEmulator;
  let relay: net.Server;
  let opened = 0;
  const live = new Set<net.Socket>();
  let kubeconfigPath: string;

  before(async () => {
    kube = await startKubeEmulator({ objects: generateCluster({ nodes: 12, services: 0 }) });
    const port = Number(new URL(kube.url).port);
    // A TCP relay in front of the emulator that counts the connections clients open.
    relay = net.createServer((client) => {
      opened++;
      const upstream = net.connect(port, "127.0.0.1");
      live.add(client);
      client.on("close", () => {
        live.delete(client);
        upstream.destroy();
      });
      for (const s of [client, upstream]) s.on("error", () => s.destroy());
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", () => resolve()));
    const relayPort = (relay.address() as net.AddressInfo).port;
    kubeconfigPath = `${kube.kubeconfig}.relay`;
    fs.writeFileSync(kubeconfigPath, kube.kubeconfigContent.replace(kube.url, `https://127.0.0.1:${relayPort}`));
  });

  after(async () => {
    for (const s of live) s.destroy();
    relay.close();
    fs.rmSync(kubeconfigPath, { force: true });
    await kube.stop();
  });

  it("reads every page of a paged list over one TLS connection and closes it when done", async () => {
    const before = kube.requestLog.length;
    const result = await readNodes({ kubeconfigPath }, { cni: "default", pageSize: 2 });
    assert.equal(result.nodes.length, 12);
    assert.ok(kube.requestLog.length - before >= 6, "the list was not paged");
    assert.equal(opened, 1);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(live.size, 0, "the reader left its connection open");
  });
});
