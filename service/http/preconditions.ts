import type { Request } from "express";
import { IdempotencyKey } from "../../shared/api/schemas/documents.ts";
import { badRequest, Problem } from "./problem.ts";

const ENTITY_TAG = /(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"/g;

/**
 * Whether an If-Match header holds for a resource whose current entity tag is `current` (RFC 9110 §13.1.1):
 * no header holds; "*" holds for any current representation; otherwise one listed tag must equal it by strong
 * comparison, so a weak tag (W/"…") never matches. A value that lists no entity tag matches nothing.
 */
export function ifMatchHolds(header: string | undefined, current: string): boolean {
  if (header === undefined) return true;
  if (header.trim() === "*") return true;
  const tags: string[] = header.match(ENTITY_TAG) ?? [];
  return tags.includes(current);
}

/** The 412 for a write based on an older state: names the current ETag (body and header) and what else says where it stands. */
export function preconditionFailed(what: string, currentEtag: string, state: Record<string, unknown> = {}): Problem {
  return new Problem(
    412,
    "precondition_failed",
    `The ${what} has changed since you fetched it (it is now ${currentEtag}); fetch it again and retry.`,
    { currentEtag, ...state },
    { ETag: currentEtag },
  );
}

/**
 * The refusal for a write that another change overtook between reading and writing (only possible where
 * writers run side by side): 412 when the client's If-Match named the state it expected, else 409.
 */
export function overtaken(what: string, ifMatch: string | undefined, current: { etag: string; state: Record<string, unknown> } | undefined): Problem {
  if (current && ifMatch !== undefined && ifMatch.trim() !== "*") return preconditionFailed(what, current.etag, current.state);
  return new Problem(409, "concurrent_change", `The ${what} was changed by someone else at the same moment; fetch it again and retry.`);
}

/** The request's Idempotency-Key: a retry with the same key answers what the first request did. Undefined without one. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.get("Idempotency-Key");
  if (key === undefined) return undefined;
  const r = IdempotencyKey.safeParse(key);
  if (!r.success) throw badRequest("invalid_idempotency_key", "The Idempotency-Key header must be 8–200 printable characters without spaces.");
  return r.data;
}
