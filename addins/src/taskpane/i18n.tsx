import { createContext, useContext } from "react";
import { translator, type Language, type Message, type MessageKey, type Translate } from "../../../shared/index.ts";
import { da, en, type PaneKey } from "./texts.ts";

const TranslateContext = createContext<{ t: Translate; language: Language }>({ t: translator("da"), language: "da" });

export const TranslateProvider = TranslateContext.Provider;

const fill = (text: string, params?: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`));

/** The pane's texts in Office's display language: the shared save flow's, and the pane's own (texts.ts). */
export function useTexts() {
  const { t: shared, language } = useContext(TranslateContext);
  const own: Record<PaneKey, string> = language === "en" ? en : da;
  const t = (key: MessageKey | PaneKey, params?: Record<string, string | number>) =>
    key in own ? fill(own[key as PaneKey], params) : shared(key as MessageKey, params);
  return { t, language, say: (m: Message | null | undefined) => (m ? shared(m.key, m.params) : "") };
}
