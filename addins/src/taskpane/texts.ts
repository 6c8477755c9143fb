// The pane's own texts for signing in through the web view and opening pages of it; the save flow's texts
// are shared (shared/i18n). Danish first; every key in both languages.
export const da = {
  "pane.signIn": "Log ind",
  "pane.signIn.explain": "Log ind med din bruger i IMS Case. Et vindue åbner, hvor du logger ind og giver {host} adgang.",
  "pane.signIn.waiting": "Log ind i vinduet, der er åbnet …",
  "pane.signIn.cancelled": "Du blev ikke logget ind. Vælg Log ind for at prøve igen.",
  "pane.signIn.again": "Du er logget ud af IMS Case, eller din adgang er blevet afbrudt. Log ind igen.",
  "pane.signOut": "Log ud",
  "pane.developer": "For udviklere: indsæt et API-token",
  "pane.openCase": "Åbn sagen i IMS Case",
  "pane.openDocument": "Åbn dokumentet i IMS Case",
} as const;

export type PaneKey = keyof typeof da;

export const en: Record<PaneKey, string> = {
  "pane.signIn": "Sign in",
  "pane.signIn.explain": "Sign in with your IMS Case user. A window opens where you sign in and give {host} access.",
  "pane.signIn.waiting": "Sign in in the window that opened …",
  "pane.signIn.cancelled": "You were not signed in. Choose Sign in to try again.",
  "pane.signIn.again": "You are signed out of IMS Case, or your access was ended. Sign in again.",
  "pane.signOut": "Sign out",
  "pane.developer": "For developers: paste an API token",
  "pane.openCase": "Open the case in IMS Case",
  "pane.openDocument": "Open the document in IMS Case",
};
