import { Link } from "@fluentui/react-components";
import type { WebViewPort } from "../../hosts/adapter.ts";
import { useTexts } from "../i18n.tsx";
import { webViewLink } from "../sign-in.ts";

/** The case (or, without one, the document) in the web view, opened in the person's browser. */
export function WebViewLink({
  serviceUrl,
  caseNumber,
  documentId,
  webView,
}: {
  serviceUrl: string;
  caseNumber?: string | null;
  documentId: string;
  webView: WebViewPort;
}) {
  const { t } = useTexts();
  const { href, kind } = webViewLink(serviceUrl, { caseNumber, documentId });
  return (
    <Link
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      onClick={(e) => {
        e.preventDefault();
        webView.openInBrowser(href);
      }}
      data-testid="open-in-web"
    >
      {t(kind === "case" ? "pane.openCase" : "pane.openDocument")}
    </Link>
  );
}
