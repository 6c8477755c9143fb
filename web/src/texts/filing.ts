// Filing in the browser: dropping files onto a case, a document or the floating inbox. Danish first; every key in both languages.
export const da = {} as const;

export const en: Record<keyof typeof da, string> = {};
