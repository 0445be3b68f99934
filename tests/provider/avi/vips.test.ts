// The VIP addresses for a Service's status.loadBalancer.ingress, read from the Avi emulator: a dual-stack VsVip gives
// its IPv4 and its IPv6 address (ip_address and ip6_address), found from the VsVip or from a pool through the
// virtual service that uses it; a VsVip that is gone, or a pool no virtual service uses, gives none.
import * as assert from "node:assert/strict";
import { type AviSession, readPoolVips, readVsVipAddresses } from "../../../provider/avi";
import { desiredIngress } from "../../../provider/plan";
import { type Rig, startRig } from "./seed";

type Json = Record<string, unknown>;

describe("provider/avi: the VIP addresses of a virtual service (status write-back)", function () {
  this.timeout(30_000);
  let rig: Rig;
  let s: AviSession;

  before(async () => {
    rig = await startRig();
    s = rig.session;
  });
  after(async () => {
    await rig?.stop();
  });

  it("reads both addresses of a dual-stack VsVip, by its uuid and from a pool's virtual service", async () => {
    const vsvip = await s.post<Json>("vsvip", {
      name: "c1--default-web",
      vip: [
        {
          vip_id: "0",
          ip_address: { addr: "10.10.10.50", type: "V4" },
          ip6_address: { addr: "fd00:10::50", type: "V6" },
        },
      ],
    });
    const pool = await s.post<Json>("pool", {
      name: "c1--default-web-TCP-80",
      servers: [{ ip: { addr: "192.168.101.13", type: "V4" }, port: 8080 }],
    });
    await s.post<Json>("virtualservice", {
      name: "c1--default-web",
      vsvip_ref: `/api/vsvip/${String(vsvip.uuid)}`,
      pool_ref: `/api/pool/${String(pool.uuid)}`,
      services: [{ port: 80 }],
    });
    assert.deepEqual(await readVsVipAddresses(s, String(vsvip.uuid)), ["10.10.10.50", "fd00:10::50"]);
    const fromPool = await readPoolVips(s, String(pool.uuid));
    assert.deepEqual(fromPool, ["10.10.10.50", "fd00:10::50"]);
    // A Service with ipFamilies [IPv6, IPv4] lists its ingress in that order.
    assert.deepEqual(
      desiredIngress(fromPool, { families: ["ipv6", "ipv4"] }).map((i) => i.ip),
      ["fd00:10::50", "10.10.10.50"],
    );
  });

  it("gives no address for a VsVip that is gone, or a pool no virtual service uses", async () => {
    assert.deepEqual(await readVsVipAddresses(s, "vsvip-00000000-0000-0000-0000-000000000000"), []);
    const lone = await s.post<Json>("pool", { name: "c1--default-lone-TCP-80" });
    assert.deepEqual(await readPoolVips(s, String(lone.uuid)), []);
  });
});
