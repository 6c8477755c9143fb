import http from "node:http";
import type { Socket } from "node:net";
import type { Config } from "../config.ts";

// After shutdown began, a connection may stay silent this long: an upload that is moving finishes, one
// trickling in is cut; whatever is still open when the grace period ends is closed.
const DRAIN_IDLE_MS = 2_000;

/**
 * The HTTP server, bounding what one client can hold: headers within 20 s, a whole request within the
 * request timeout, no silence longer than the idle timeout (a body sent a byte at a time), and a maximum
 * of connections.
 */
export function createHttpServer(handler: http.RequestListener, config: Pick<Config, "requestTimeoutMs" | "idleTimeoutMs" | "maxConnections">): http.Server {
  const server = http.createServer(
    {
      headersTimeout: Math.min(20_000, config.requestTimeoutMs),
      requestTimeout: config.requestTimeoutMs,
      // Node checks both timeouts on this interval; the default (30 s) would let a slow request overstay.
      connectionsCheckingInterval: Math.min(1_000, config.requestTimeoutMs),
    },
    handler,
  );
  server.timeout = config.idleTimeoutMs;
  server.keepAliveTimeout = Math.min(5_000, config.idleTimeoutMs);
  server.maxConnections = config.maxConnections;
  server.on("timeout", (socket: Socket) => socket.destroy());
  const open = sockets(server);
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.once("close", () => open.delete(socket));
  });
  return server;
}

/**
 * Stops accepting connections and waits for the requests in progress, but not for ever: connections that
 * go quiet are cut after a short while, and whatever is left after the drain period is closed.
 */
export function drain(server: http.Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
    server.timeout = DRAIN_IDLE_MS;
    for (const socket of sockets(server)) socket.setTimeout(DRAIN_IDLE_MS);
  });
}

const tracked = new WeakMap<http.Server, Set<Socket>>();

function sockets(server: http.Server): Set<Socket> {
  let set = tracked.get(server);
  if (!set) {
    set = new Set();
    tracked.set(server, set);
  }
  return set;
}
