import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AppContext } from "../context.ts";
import type { Actor } from "../features/access/actor.ts";
import { createCase, setCaseStatus } from "../features/cases/cases.service.ts";
import { prepareDocument, saveDocument, type IncomingContent } from "../features/documents/documents.service.ts";
import { addComment, addReference } from "../features/documents/related.service.ts";
import { addAttachment, addVersion } from "../features/documents/versions.service.ts";
import { DEMO_CASES, DEMO_FLOATING, type DemoDocument, type DemoFile } from "./demo-content.ts";
import { actorOf, demoUser, idOf, type DemoDirectory } from "./demo-directory.ts";

/** Where the demo files live: committed with the repository, so a fresh clone seeds without anything else. */
export const DEMO_FILES_DIR = fileURLToPath(new URL("./files/", import.meta.url));

const MEDIA_TYPES: Record<string, string> = {
  ".doc": "application/msword",
  ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  ".odt": "application/vnd.oasis.opendocument.text",
  ".eml": "message/rfc822",
  ".pdf": "application/pdf",
};

const mediaTypeOf = (filename: string) => MEDIA_TYPES[path.extname(filename).toLowerCase()] ?? "application/octet-stream";

/** Streams a demo file into the blob store exactly as an upload would arrive. */
async function upload(ctx: AppContext, f: DemoFile): Promise<IncomingContent> {
  // The upload limit guards against clients; the demo's own files are known and small.
  const blob = await ctx.blobs.put(fs.createReadStream(path.join(DEMO_FILES_DIR, f.file)), Number.POSITIVE_INFINITY);
  return { blob, filename: f.filename, mediaType: mediaTypeOf(f.filename) };
}

export interface SeededContent {
  cases: number;
  documents: number;
}

/** Creates the demo cases and documents as their owners would: every step audited, versioned, retention computed. */
export async function seedCases(ctx: AppContext, dir: DemoDirectory): Promise<SeededContent> {
  const actors = new Map<string, Actor>();
  const actor = async (login: string) => {
    if (!actors.has(login)) actors.set(login, await actorOf(ctx.db, demoUser(dir, login)));
    return actors.get(login)!;
  };
  const saved: Array<{ id: string; spec: DemoDocument; by: Actor }> = [];

  async function save(by: Actor, doc: DemoDocument, caseId: string | null): Promise<void> {
    const prepared = await prepareDocument(ctx.db, by, {
      title: doc.title,
      documentTypeId: idOf.documentType(dir, doc.type),
      caseId,
      status: doc.status,
      accessGroupId: doc.accessGroup ? idOf.accessGroup(dir, doc.accessGroup) : undefined,
    });
    const { id } = await saveDocument(ctx.db, by, prepared, await upload(ctx, doc), [], undefined);
    for (const a of doc.attachments ?? []) await addAttachment(ctx.db, by, id, undefined, await upload(ctx, a));
    if (doc.nextVersion) await addVersion(ctx.db, by, id, "*", await upload(ctx, doc.nextVersion), doc.nextVersion.comment);
    saved.push({ id, spec: doc, by });
  }

  for (const spec of DEMO_CASES) {
    const owner = await actor(spec.owner);
    const c = await createCase(ctx.db, owner, {
      templateId: idOf.template(dir, spec.template),
      title: spec.title,
      startDate: spec.startDate,
      journalCode: spec.journalCode,
      critical: spec.critical,
      metadata: spec.metadata,
    });
    for (const doc of spec.documents) await save(doc.by ? await actor(doc.by) : owner, doc, c.id);
    if (spec.closedOn) await setCaseStatus(ctx.db, owner, c.id, "closed", spec.closedOn);
  }
  for (const doc of DEMO_FLOATING) await save(await actor(doc.by), doc, null);

  // Comments and references last, when every document they name exists.
  const byTitle = new Map(saved.map((s) => [s.spec.title, s.id]));
  for (const { id, spec, by } of saved) {
    for (const comment of spec.comments ?? []) await addComment(ctx.db, await actor(comment.by), id, comment.body);
    for (const ref of spec.references ?? []) {
      const to = byTitle.get(ref.to);
      if (!to) throw new Error(`The demo document "${spec.title}" refers to an unknown document "${ref.to}".`);
      await addReference(ctx.db, by, id, to, ref.kind);
    }
  }
  return { cases: DEMO_CASES.length, documents: saved.length };
}
