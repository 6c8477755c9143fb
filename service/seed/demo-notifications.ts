import type { AppContext } from "../context.ts";
import { scopedCases, scopedDocuments } from "../features/access/access.ts";
import { addComment } from "../features/documents/related.service.ts";
import { setFollowing } from "../features/notifications/notifications.service.ts";
import { actorOf, demoUser, type DemoDirectory } from "./demo-directory.ts";

// Following and a short exchange on the cases shared with the external partner, so the demo people have
// unread notifications (notifikationer) on first sign-in: made as they would be, through the services, which
// notify the followers. Bent owns the shared cases and follows them automatically; Eva chooses to follow one.

interface DemoFollow {
  login: string;
  case: string;
}
interface DemoComment {
  login: string;
  document: string;
  body: string;
}

const FOLLOWS: DemoFollow[] = [{ login: "eva", case: "M/S August Jensen" }];

const COMMENTS: DemoComment[] = [
  { login: "eva", document: "Budget for istandsættelse", body: "Fonden har spurgt til posten for nye master. Kan vi få et opdateret tilbud med?" },
  { login: "bent", document: "Budget for istandsættelse", body: "Jeg har bedt værftet om et nyt tilbud og lægger det på sagen, når det kommer." },
  { login: "eva", document: "Referat af bestyrelsesmøde 12. juni 2019", body: "Referatet er godkendt uden bemærkninger fra min side." },
];

/** Eva follows a shared case, and she and Bent comment on its documents: each hears of the other's words. */
export async function seedNotifications(ctx: AppContext, dir: DemoDirectory): Promise<{ comments: number }> {
  const actor = (login: string) => actorOf(ctx.db, demoUser(dir, login));
  for (const f of FOLLOWS) {
    const by = await actor(f.login);
    const c = await scopedCases(ctx.db, by).select("cases.id").where("cases.title", "=", f.case).executeTakeFirst();
    if (!c) throw new Error(`The demo follow names a case "${f.case}" that ${f.login} does not see.`);
    await setFollowing(ctx.db, by, c.id, true);
  }
  for (const comment of COMMENTS) {
    const by = await actor(comment.login);
    const doc = await scopedDocuments(ctx.db, by).select("documents.id").where("documents.title", "=", comment.document).executeTakeFirst();
    if (!doc) throw new Error(`The demo comment names a document "${comment.document}" that ${comment.login} does not see.`);
    await addComment(ctx.db, by, doc.id, comment.body);
  }
  return { comments: COMMENTS.length };
}
