import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type express from 'express';

/** A listening server: where it is and how to stop it. */
export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Listens on `port` (0 picks a free one) on every interface, or on `host` when given. The url
 * uses the loopback address for local callers. `close()` stops accepting, ends idle keep-alive
 * connections and resolves when in-flight requests have been answered.
 */
export function startServer(app: express.Express, port: number, host?: string): Promise<RunningServer> {
  const server = createServer(app);
  // A load balancer's keep-alive is usually 60 s; ours must outlast it or it sees resets.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const actual = (server.address() as AddressInfo).port;
      const shownHost = !host || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      resolve({
        url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
