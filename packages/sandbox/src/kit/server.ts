/**
 * Starting and stopping an emulator's HTTP server, the same way for every emulator: on a port
 * (0 picks a free one), answering on 127.0.0.1 unless told otherwise, closing every open
 * connection on close so a test's afterAll never waits on a keep-alive socket.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where to listen. */
export interface ListenOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
}

/** A listening emulator server. */
export interface Listening {
  /** `http://host:port`, the host a client can reach (127.0.0.1 when bound to every interface). */
  url: string;
  port: number;
  server: Server;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

/** Serves `handler` (an express app or a plain request listener) on `opts.port`. */
export async function listen(handler: RequestListener, opts: ListenOptions = {}): Promise<Listening> {
  const server = createServer(handler);
  const bind = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.keepAliveTimeout = 5000;
  const { port } = server.address() as AddressInfo;
  const host = bind === '0.0.0.0' ? '127.0.0.1' : bind;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
