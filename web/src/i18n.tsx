import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";
import { translator, type Language, type Message, type MessageKey } from "../../shared/index.ts";

/** The web view's own texts, Danish first; refusals keep the shared problem texts (shared/i18n). */
const da = {
  "web.product": "IMS Case",
  "web.loading": "Henter …",
  "web.nav.label": "Hovedmenu",
  "web.nav.cases": "SAGER",
  "web.nav.documents": "DOKUMENTER",
  "web.user.menu": "Brugermenu for {name}",
  "web.language": "Sprog",
  "web.language.da": "Dansk",
  "web.language.en": "English",
  "web.signOut": "Log ud",
  "web.signIn.title": "Log ind på IMS Case",
  "web.signIn.email": "E-mailadresse",
  "web.signIn.password": "Adgangskode",
  "web.signIn.submit": "Log ind",
  "web.password.title": "Vælg en ny adgangskode",
  "web.password.intro": "Den adgangskode, du loggede ind med, var midlertidig. Vælg din egen, før du fortsætter.",
  "web.password.current": "Nuværende adgangskode",
  "web.password.new": "Ny adgangskode (mindst 12 tegn)",
  "web.password.repeat": "Gentag den nye adgangskode",
  "web.password.mismatch": "De to nye adgangskoder er ikke ens.",
  "web.password.submit": "Skift adgangskode",
  "web.dashboard.title": "Overblik",
  "web.dashboard.myCases": "Mine sager",
  "web.dashboard.latestDocuments": "Seneste dokumenter",
  "web.dashboard.count": "{title} ({count})",
  "web.dashboard.countMore": "{title} ({count}+)",
  "web.dashboard.noCases": "Du har ingen sager endnu.",
  "web.dashboard.noDocuments": "Der er ingen dokumenter endnu.",
  "web.column.case": "Sag",
  "web.column.number": "Sagsnummer",
  "web.column.title": "Titel",
  "web.column.changed": "Ændret",
  "web.column.changedBy": "Ændret af",
  "web.changedBy.formerUser": "Tidligere bruger",
  "web.notFound.title": "Siden findes ikke",
  "web.notFound.body": "Siden {path} findes ikke i IMS Case endnu.",
  "web.notFound.home": "Gå til overblikket",
  "web.retry": "Prøv igen",
  "web.more": "Vis flere",
  "web.cases.title": "Sager",
  "web.cases.none": "Der er ingen sager, du har adgang til.",
  "web.documents.title": "Dokumenter",
  "web.documents.none": "Der er ingen dokumenter, du har adgang til.",
} as const;

type WebKey = keyof typeof da;

const en: Record<WebKey, string> = {
  "web.product": "IMS Case",
  "web.loading": "Loading …",
  "web.nav.label": "Main menu",
  "web.nav.cases": "CASES",
  "web.nav.documents": "DOCUMENTS",
  "web.user.menu": "User menu for {name}",
  "web.language": "Language",
  "web.language.da": "Dansk",
  "web.language.en": "English",
  "web.signOut": "Sign out",
  "web.signIn.title": "Sign in to IMS Case",
  "web.signIn.email": "E-mail address",
  "web.signIn.password": "Password",
  "web.signIn.submit": "Sign in",
  "web.password.title": "Choose a new password",
  "web.password.intro": "The password you signed in with was temporary. Choose your own before you continue.",
  "web.password.current": "Current password",
  "web.password.new": "New password (at least 12 characters)",
  "web.password.repeat": "Repeat the new password",
  "web.password.mismatch": "The two new passwords are not the same.",
  "web.password.submit": "Change password",
  "web.dashboard.title": "Overview",
  "web.dashboard.myCases": "My cases",
  "web.dashboard.latestDocuments": "Latest documents",
  "web.dashboard.count": "{title} ({count})",
  "web.dashboard.countMore": "{title} ({count}+)",
  "web.dashboard.noCases": "You have no cases yet.",
  "web.dashboard.noDocuments": "There are no documents yet.",
  "web.column.case": "Case",
  "web.column.number": "Case number",
  "web.column.title": "Title",
  "web.column.changed": "Changed",
  "web.column.changedBy": "Changed by",
  "web.changedBy.formerUser": "Former user",
  "web.notFound.title": "Page not found",
  "web.notFound.body": "The page {path} does not exist in IMS Case yet.",
  "web.notFound.home": "Go to the overview",
  "web.retry": "Try again",
  "web.more": "Show more",
  "web.cases.title": "Cases",
  "web.cases.none": "There are no cases you have access to.",
  "web.documents.title": "Documents",
  "web.documents.none": "There are no documents you have access to.",
};

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
    const own: Record<WebKey, string> = language === "en" ? en : da;
    const t = (key: TextKey, params?: Params) => (key in own ? fill(own[key as WebKey], params) : shared(key as MessageKey, params));
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
