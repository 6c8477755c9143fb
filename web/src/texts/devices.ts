// Signing in an add-in (Outlook, Word, Excel, PowerPoint, Gmail) through the web view. Danish first; every key in both languages.
export const da = {} as const;

export const en: Record<keyof typeof da, string> = {};
