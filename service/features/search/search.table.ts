import type { Generated } from "kysely";

/** An indexed object's integer key in the FTS5 tables. */
export interface SearchRowTable {
  rowid: Generated<number>;
  kind: SearchObjectKind;
  object_id: string;
  // A case's or document's access, copied from the live rows by triggers in the transaction that changes them
  // (migration 190); null for tasks and contacts. Read only through searchRowVisibleTo (access.ts).
  /** The case's access group; an unfiled document's own. */
  access_group_id: string | null;
  /** A filed document's own access group, which narrows its case's. */
  own_group_id: string | null;
  /** The case's owner; an unfiled document's. */
  owner_id: string | null;
  /** The case's responsible. */
  responsible_id: string | null;
}
export type SearchObjectKind = "case" | "document" | "task" | "contact";
/** Objects whose index row is stale, noted by triggers in the transaction that changed them. */
export interface SearchDirtyTable {
  kind: SearchObjectKind;
  object_id: string;
}
/** A contentless FTS5 table: what is inserted is indexed, nothing is stored (columns read back as null). */
export interface FtsTable {
  rowid: number;
  title: string;
  meta: string;
  body: string;
}
/** The trigram index of numbers and codes (case numbers, journal codes, CVR and phone numbers): part of one finds it. */
export interface FtsCodesTable {
  rowid: number;
  codes: string;
}
/** The text of a saved file, by its content: written once the file has been read (none yet means pending). */
export interface ContentTextTable {
  sha256: string;
  status: "done" | "failed" | "skipped";
  /** Why it failed or was skipped; null when done. */
  reason: string | null;
  text: string;
  /** 1 when the text was cut at the extraction limit. */
  truncated: number;
  extracted_at: string;
}
