import { pageQuery, type Page } from "../../shared/api/schemas/common.ts";
import { badRequest } from "./problem.ts";

/** Opaque keyset cursor: the sort key of the last row a page returned. */
export function encodeCursor(key: Array<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(cursor: string | undefined, arity: number): Array<string | number> | undefined {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === "string" || typeof k === "number")) return key;
  } catch {
    // fall through
  }
  throw badRequest("invalid_cursor", "The cursor is not one this service handed out; start again without it.");
}

// `?cursor=…&limit=…` and the page it answers are part of the API contract.
export { pageQuery, type Page };

/** Cuts one extra row off a `limit + 1` result and turns it into the next cursor. */
export function toPage<R, T>(rows: R[], limit: number, key: (row: R) => Array<string | number>, map: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items: items.map(map), nextCursor: more ? encodeCursor(key(items[items.length - 1])) : null };
}
