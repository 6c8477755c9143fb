import { useEffect } from "react";
import { useTexts } from "../i18n.tsx";
import { visibleControls } from "./Inert.tsx";

/** The browser tab names the page ("Elev 1 – IMS Case") while it is shown, and only the product once it is left. */
export function usePageTitle(title: string | undefined): void {
  const { t } = useTexts();
  useEffect(() => {
    if (title !== undefined) document.title = `${visibleControls(title)} – ${t("web.product")}`;
    return () => {
      document.title = t("web.product");
    };
  }, [title, t]);
}
