import { client } from "../api.ts";
import { Listing } from "../components/Listing.tsx";
import { CaseTable } from "../components/Tables.tsx";
import { useTexts } from "../i18n.tsx";

/** SAGER: every case the person may see (GET /api/cases). */
export function Cases() {
  const { t } = useTexts();
  return (
    <Listing
      title="web.cases.title"
      empty="web.cases.none"
      testId="case-list"
      queryKey={["cases", "all"]}
      fetchPage={(cursor, limit) => client.listCases({ filter: "all", cursor, limit })}
    >
      {(items) => <CaseTable items={items} label={t("web.cases.title")} />}
    </Listing>
  );
}
