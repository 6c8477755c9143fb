import { FluentProvider, webLightTheme } from "@fluentui/react-components";
import { createRoot } from "react-dom/client";
import { languageOf, translator } from "../../../shared/index.ts";
import { adapterFor } from "../hosts/select.ts";
import { App } from "./App.tsx";
import { TranslateProvider } from "./i18n.tsx";

Office.onReady((info) => {
  const root = createRoot(document.getElementById("root")!);
  const adapter = adapterFor(info);
  const language = languageOf(adapter?.displayLanguage ?? navigator.language);
  const t = translator(language);
  document.documentElement.lang = language;
  document.title = t("app.title");
  root.render(
    <FluentProvider theme={webLightTheme}>
      <TranslateProvider value={{ t, language }}>
        {adapter ? <App adapter={adapter} /> : <p style={{ padding: 12 }}>{t("app.outsideOffice")}</p>}
      </TranslateProvider>
    </FluentProvider>,
  );
});
