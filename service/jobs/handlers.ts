import type { AppContext } from "../context.ts";
import { adoptMailSubject, contentOfVersion } from "../features/documents/documents.service.ts";
import { PARSE_MAIL_JOB, parseMail, type ParseMailPayload } from "../features/mail/mail.service.ts";
import { BACKFILL_TEXT_JOB, backfillTexts, EXTRACT_TEXT_JOB, extractContentText } from "../features/search/extraction.ts";
import type { JobHandler } from "./jobs.ts";

// Jobs sit above the features, like the admin routes: a handler composes the services a job needs.

async function parseMailJob(ctx: AppContext, payload: ParseMailPayload): Promise<void> {
  const content = await contentOfVersion(ctx.db, payload.versionId);
  if (!content) return; // the document was deleted meanwhile
  const outcome = await parseMail(ctx, payload, { sha256: content.sha256, size: content.size, filename: content.filename, mediaType: content.media_type });
  if (outcome?.titleFromSubject && outcome.subject) await adoptMailSubject(ctx.db, payload.documentId, outcome.subject);
}

/** Every kind of background job and what runs it, for the service's in-process runner and for worker.ts alike. */
export const jobHandlers: Record<string, JobHandler> = {
  [PARSE_MAIL_JOB]: parseMailJob,
  [EXTRACT_TEXT_JOB]: extractContentText,
  [BACKFILL_TEXT_JOB]: backfillTexts,
};
