// The case list, the case page, creating and editing cases. Danish first; every key in both languages.
export const da = {} as const;

export const en: Record<keyof typeof da, string> = {};
