// The search page: cases found by number or title words. Danish first; every key in both languages.
export const da = {
  "web.search.title": "Søgning",
  "web.search.results": "Sager, der matcher «{q}»",
  "web.search.none": "Ingen sager, du har adgang til, matcher «{q}».",
  "web.search.empty": "Skriv et sagsnummer eller ord fra en sags titel i søgefeltet.",
} as const;

export const en: Record<keyof typeof da, string> = {
  "web.search.title": "Search",
  "web.search.results": "Cases matching “{q}”",
  "web.search.none": "No case you have access to matches “{q}”.",
  "web.search.empty": "Type a case number or words from a case's title in the search field.",
};
