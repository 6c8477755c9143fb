// The dashboard's panels: critical cases, hiding and ordering panels. Danish first; every key in both languages.
export const da = {} as const;

export const en: Record<keyof typeof da, string> = {};
