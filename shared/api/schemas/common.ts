import { z } from "zod";

// Building blocks of the API's schemas. Requests are strict (an unknown field is refused, so a typo is
// never silently ignored); responses are strict too, so a test that gets more than the schema names fails.

/** An id of anything in the archive (cases, documents, users, …). */
export const Id = z.string().min(1).max(100);
export const Ids = z.array(Id).max(10_000);
/** A calendar date, e.g. 2024-01-31. */
export const IsoDate = z.iso.date();
/** A moment as the service writes it: ISO 8601 in UTC. */
export const Timestamp = z.string();
/** A name a person gives something (groups, templates, rules, …). */
export const Name = z.string().trim().min(1).max(200);
export const Title = z.string().trim().min(1).max(500);

/** `?cursor=…&limit=…` of every listing that pages. */
export const pageQuery = {
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
};

/** A page of a listing: its items and the cursor of the next page (null on the last). */
export const page = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item), nextCursor: z.string().nullable() });

/** A whole listing in one answer. */
export const items = <T extends z.ZodType>(item: T) => z.strictObject({ items: z.array(item) });

/** `?flag=true|false` as query strings carry it. */
export const QueryBoolean = z.enum(["true", "false"]);

/** A user as other objects name them. */
export const UserRef = z.strictObject({ id: Id, name: z.string() });
export const NamedRef = z.strictObject({ id: Id, name: z.string() });
export const PersonRef = z.strictObject({ id: Id, name: z.string(), email: z.string() });

export const someField = (o: object) => Object.keys(o).length > 0;
export const nameAField = "name at least one field to change";

export const IdParams = z.object({ id: Id });

/** A page of T, as `page(T)` describes it. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
