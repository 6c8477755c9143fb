import type { Generated } from "kysely";

/** An indexed object's integer key in the FTS5 tables. */
export interface SearchRowTable {
  rowid: Generated<number>;
  kind: "case" | "document";
  object_id: string;
}
/** Objects whose index row is stale, noted by triggers in the transaction that changed them. */
export interface SearchDirtyTable {
  kind: "case" | "document";
  object_id: string;
}
/** A contentless FTS5 table: what is inserted is indexed, nothing is stored (columns read back as null). */
export interface FtsTable {
  rowid: number;
  title: string;
  meta: string;
  body: string;
}
