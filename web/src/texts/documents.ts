// The document page, its preview, versions, attachments, comments and references. Danish first; every key in both languages.
export const da = {} as const;

export const en: Record<keyof typeof da, string> = {};
