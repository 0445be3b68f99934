// A byte-counting TCP relay in front of an emulator: what each writer sends to the controller and gets back,
// measured on the wire (TLS records included), so every writer is measured the same way whatever its client does.
import * as net from "node:net";

export interface ByteCounts {
  /** Bytes the client sent (requests: headers, bodies, TLS). */
  sent: number;
  /** Bytes the server sent back. */
  received: number;
  connections: number;
}

export interface CountingProxy {
  url: string;
  counts(): ByteCounts;
  reset(): void;
  stop(): Promise<void>;
}

/** Relays 127.0.0.1:<own port> to 127.0.0.1:<targetPort>, keeping the target's scheme in `url`. */
export async function startCountingProxy(targetUrl: string): Promise<CountingProxy> {
  const target = new URL(targetUrl);
  const counts: ByteCounts = { sent: 0, received: 0, connections: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    counts.connections++;
    const upstream = net.connect(Number(target.port), "127.0.0.1");
    sockets.add(client);
    sockets.add(upstream);
    client.on("data", (b: Buffer) => {
      counts.sent += b.length;
    });
    upstream.on("data", (b: Buffer) => {
      counts.received += b.length;
    });
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${target.protocol}//127.0.0.1:${port}`,
    counts: () => ({ ...counts }),
    reset: () => {
      counts.sent = 0;
      counts.received = 0;
      counts.connections = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
