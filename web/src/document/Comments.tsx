import type { DocumentDetails } from "../../../shared/index.ts";
import { client } from "../api.ts";
import { CommentThread } from "../components/CommentThread.tsx";
import { useTexts } from "../i18n.tsx";

/** Comments on the document, oldest first, and a new one. */
export function Comments({ doc, onChanged }: { doc: DocumentDetails; onChanged(): Promise<unknown> }) {
  const { t } = useTexts();
  return (
    <CommentThread
      comments={doc.comments.map((c) => ({ ...c, author: c.authorName ?? t("web.doc.person.unknown") }))}
      draftKey={`document-comment:${doc.id}`}
      add={(body) => client.addComment(doc.id, body)}
      onChanged={onChanged}
    />
  );
}
