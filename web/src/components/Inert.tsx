// Text someone else chose (titles, file names, names in a mail's headers) shown as it is, never as markup
// (React writes it as text) and never re-ordering what is around it: the bidirectional controls that can
// make "fakturafdp.exe" read as "fakturaexe.pdf" are shown as visible marks, and the text is isolated.

// Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI).
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** The text with every bidirectional control replaced by a visible mark naming it, e.g. "⟨U+202E⟩". */
export const visibleControls = (text: string): string =>
  text.replace(BIDI_CONTROLS, (c) => `⟨U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}⟩`);

/** Someone else's text, inert: isolated from its surroundings, its bidirectional controls made visible. */
export function Inert({ text }: { text: string }) {
  return <bdi>{visibleControls(text)}</bdi>;
}
