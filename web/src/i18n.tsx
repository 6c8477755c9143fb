import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { translator, type Language, type Message, type MessageKey } from "../../shared/index.ts";
import * as core from "./texts/core.ts";
import * as dashboard from "./texts/dashboard.ts";
import type * as pages from "./texts/pages.ts";

// The web view's own texts, one file per part of the app (web/src/texts/); refusals keep the shared problem
// texts (shared/i18n). The sign-in page and the dashboard carry theirs; the other pages' come with the first of them.
type WebKey = keyof typeof core.da | keyof typeof dashboard.da | keyof typeof pages.da;

const loaded: Record<Language, Partial<Record<WebKey, string>>> = {
  da: { ...core.da, ...dashboard.da },
  en: { ...core.en, ...dashboard.en },
};

let pageTexts: Promise<void> | undefined;

/** Fetches the other pages' texts once; App.tsx's lazy routes wait for it before they render. */
export function loadPageTexts(): Promise<void> {
  pageTexts ??= import("./texts/pages.ts").then((texts) => {
    Object.assign(loaded.da, texts.da);
    Object.assign(loaded.en, texts.en);
  });
  return pageTexts;
}

/** A page module together with the texts it shows. */
export async function withPageTexts<T>(page: Promise<T>): Promise<T> {
  const [module] = await Promise.all([page, loadPageTexts()]);
  return module;
}

export type TextKey = WebKey | MessageKey;
type Params = Record<string, string | number>;

const LANGUAGE_KEY = "imsCase.language";

const fill = (text: string, params?: Params) => text.replace(/\{(\w+)\}/g, (_, name: string) => String(params?.[name] ?? `{${name}}`));

/** Danish unless the person chose English here before (remembered in this browser). */
function storedLanguage(): Language {
  try {
    return localStorage.getItem(LANGUAGE_KEY) === "en" ? "en" : "da";
  } catch {
    return "da";
  }
}

interface Texts {
  language: Language;
  setLanguage(language: Language): void;
  t(key: TextKey, params?: Params): string;
  /** A shared message (a refusal) in the current language, with the service's sentence left out. */
  say(message: Message): string;
}

const TextsContext = createContext<Texts | null>(null);

/** The chosen language for the whole app; choosing one also sets <html lang> and is remembered. */
export function TextsProvider({ children }: { children: ReactNode }) {
  const [language, choose] = useState<Language>(storedLanguage);
  const setLanguage = useCallback((next: Language) => {
    try {
      localStorage.setItem(LANGUAGE_KEY, next);
    } catch {
      // A browser that keeps no storage still switches, for this visit.
    }
    choose(next);
  }, []);
  const texts = useMemo<Texts>(() => {
    const shared = translator(language);
    const own = loaded[language];
    const t = (key: TextKey, params?: Params) => {
      const text = own[key as WebKey];
      return text !== undefined ? fill(text, params) : shared(key as MessageKey, params);
    };
    document.documentElement.lang = language;
    return { language, setLanguage, t, say: (m) => t(m.key, m.params) };
  }, [language, setLanguage]);
  return <TextsContext.Provider value={texts}>{children}</TextsContext.Provider>;
}

export function useTexts(): Texts {
  const texts = useContext(TextsContext);
  if (!texts) throw new Error("useTexts outside TextsProvider");
  return texts;
}
