import { z } from "zod";
import { items, PersonRef } from "./common.ts";

// The organisation's people as colleagues see them: to name a case's owner and responsible, and to pick them.

/** GET /api/users: active staff whose name or e-mail address contains `q`, by name. */
export const PeopleQuery = z.object({
  q: z.string().trim().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

export const Colleague = PersonRef;
export type Colleague = z.infer<typeof Colleague>;

export const Colleagues = items(Colleague);
