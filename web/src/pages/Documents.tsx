import { client } from "../api.ts";
import { Listing } from "../components/Listing.tsx";
import { DocumentTable } from "../components/Tables.tsx";
import { useTexts } from "../i18n.tsx";
import { useMe } from "../session.ts";

/** DOKUMENTER: every document the person may see, most recently changed first (GET /api/documents). */
export function Documents() {
  const { t } = useTexts();
  const me = useMe().data;
  return (
    <Listing
      title="web.documents.title"
      empty="web.documents.none"
      testId="document-list"
      queryKey={["documents", "all"]}
      fetchPage={(cursor, limit) => client.listDocuments({ cursor, limit })}
    >
      {(items) => <DocumentTable items={items} me={me} label={t("web.documents.title")} />}
    </Listing>
  );
}
