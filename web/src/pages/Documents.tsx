import { client } from "../api.ts";
import { Listing } from "../components/Listing.tsx";
import { DocumentTable } from "../components/Tables.tsx";
import { useTexts } from "../i18n.tsx";

/** DOKUMENTER: every document the person may see, most recently changed first (GET /api/documents). */
export function Documents() {
  const { t } = useTexts();
  return (
    <Listing
      title="web.documents.title"
      empty="web.documents.none"
      testId="document-list"
      queryKey={["documents", "all"]}
      fetchPage={(cursor, limit) => client.listDocuments({ cursor, limit })}
    >
      {(items) => <DocumentTable items={items} label={t("web.documents.title")} />}
    </Listing>
  );
}
