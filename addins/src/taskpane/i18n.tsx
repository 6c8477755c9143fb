import { createContext, useContext } from "react";
import { translator, type Language, type Message, type Translate } from "../../../shared/index.ts";

const TranslateContext = createContext<{ t: Translate; language: Language }>({ t: translator("da"), language: "da" });

export const TranslateProvider = TranslateContext.Provider;

/** The pane's texts in Office's display language. */
export function useTexts() {
  const { t, language } = useContext(TranslateContext);
  return { t, language, say: (m: Message | null | undefined) => (m ? t(m.key, m.params) : "") };
}
