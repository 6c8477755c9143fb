import { makeStyles, Text } from "@fluentui/react-components";
import { Link, useLocation } from "react-router";
import { useTexts } from "../i18n.tsx";

const useStyles = makeStyles({ page: { padding: "24px", display: "flex", flexDirection: "column", gap: "12px" } });

/** A path this version of the web view has no page for (a deep link to a page still to come). */
export function NotFound() {
  const s = useStyles();
  const { t } = useTexts();
  const { pathname } = useLocation();
  return (
    <main className={s.page}>
      <Text as="h1" size={600} weight="semibold">
        {t("web.notFound.title")}
      </Text>
      <Text data-testid="not-found">{t("web.notFound.body", { path: pathname })}</Text>
      <Link to="/">{t("web.notFound.home")}</Link>
    </main>
  );
}
