import { PARSE_MAIL_JOB, parseMailJob } from "../features/mail/mail.service.ts";
import type { JobHandler } from "./jobs.ts";

/** Every kind of background job and what runs it, for the service's in-process runner and for worker.ts alike. */
export const jobHandlers: Record<string, JobHandler> = {
  [PARSE_MAIL_JOB]: parseMailJob,
};
