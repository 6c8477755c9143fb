import { z } from "zod";

/** An RFC 9457 problem as the service sends it; some problems carry more members. */
export const ProblemBody = z.looseObject({
  status: z.number().int(),
  code: z.string(),
  detail: z.string(),
  errors: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  currentEtag: z.string().optional(),
});
export type ProblemBody = z.infer<typeof ProblemBody>;
