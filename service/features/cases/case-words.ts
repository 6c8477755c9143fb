/** The words of a title as the suggest index keeps them: lower-case, accents kept (æ, ø, å are letters). */
export function titleWords(title: string): string[] {
  const words = title
    .normalize("NFC")
    .toLocaleLowerCase("da")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
  return [...new Set(words)].map((w) => w.slice(0, 100));
}
