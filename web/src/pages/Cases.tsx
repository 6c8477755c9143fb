import { Spinner } from "@fluentui/react-components";
import { lazy, Suspense } from "react";
import { useTexts, withPageTexts } from "../i18n.tsx";

// The list with its filters and the new-case form is its own chunk: the sign-in page and the dashboard
// load without it (App.tsx routes here directly).
const CaseList = lazy(async () => ({ default: (await withPageTexts(import("../cases/CaseList.tsx"))).CaseList }));

/** SAGER: every case the person may see, filtered and sorted as the address says (GET /api/cases). */
export function Cases() {
  const { t } = useTexts();
  return (
    <Suspense fallback={<Spinner label={t("web.loading")} />}>
      <CaseList />
    </Suspense>
  );
}
