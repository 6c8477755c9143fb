import { isIPv6 } from "node:net";
import type { RateLimits } from "../db/dialect.ts";

/**
 * Counts failed authentications per client address and says when an address must wait. The counts are kept
 * in memory by one service process on SQLite; several processes on PostgreSQL share them in the database
 * (rate-limiter-flexible's Postgres limiter, with the same calls: see `RateLimits`).
 */
export interface AuthThrottle {
  /** Milliseconds the address must wait before it may present a credential again; 0 when it may now. */
  waitFor(address: string): Promise<number>;
  /**
   * Counts one failed authentication from the address. Returns 0 while the failure is within the
   * allowance, otherwise the wait: attempts that were already running when the block began are over it.
   */
  failed(address: string): Promise<number>;
}

export interface ThrottleLimits {
  /** Failed authentications an address may make per minute before it is blocked. */
  failuresPerMinute: number;
  /** How long a blocked address waits. */
  blockSeconds: number;
}

/** An address's failures, forgotten a minute after the first (or when its block ends). `name` keeps two throttles' counts apart. */
export function authThrottle(limits: ThrottleLimits, name: string, store: RateLimits): AuthThrottle {
  const limiter = store({ keyPrefix: `auth-${name}`, points: limits.failuresPerMinute, duration: 60, blockDuration: limits.blockSeconds });
  return {
    async waitFor(address) {
      const state = await limiter.get(throttleKey(address));
      return state && state.consumedPoints >= limits.failuresPerMinute ? Math.max(state.msBeforeNext, 1) : 0;
    },
    async failed(address) {
      const key = throttleKey(address);
      const state = await limiter.penalty(key);
      // The failure that uses up the allowance starts the block; it is the last one within it.
      if (state.consumedPoints === limits.failuresPerMinute) await limiter.block(key, limits.blockSeconds);
      return state.consumedPoints > limits.failuresPerMinute ? Math.max(state.msBeforeNext, 1) : 0;
    },
  };
}

/**
 * The unit an address is counted in: an IPv4 address (also when written IPv4-mapped, ::ffff:a.b.c.d) or an
 * IPv6 /64, since one IPv6 host commonly holds a whole /64 and could otherwise pick a fresh address per guess.
 */
export function throttleKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
