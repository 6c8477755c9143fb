// The free-text search page: tasks, cases, documents and contacts found by free text. Danish first; every key in both languages.
export const da = {
  "web.search.title": "Søgning",
  "web.search.results": "Søgeresultater for «{q}»",
  "web.search.none": "Intet, du har adgang til, matcher «{q}».",
  "web.search.empty":
    "Skriv ord, et sagsnummer eller en kode i søgefeltet. Ord findes i alle bøjninger; skriv * efter et ord for at finde alt, der begynder sådan.",
  "web.search.tasks": "Opgaver ({count})",
  "web.search.cases": "Sager ({count})",
  "web.search.documents": "Dokumenter ({count})",
  "web.search.contacts": "Parter ({count})",
  "web.search.capped": "{count}+",
  "web.search.showAll": "VIS ALLE",
  "web.search.showAllOf": "Vis alle: {group}",
  "web.search.inCase": "Sag {number}",
  "web.search.floating": "Ikke journaliseret",
  "web.search.deadline": "Deadline {date}",
  "web.search.back": "Tilbage til alle grupper",
  "web.search.csv": "Eksportér CSV",
  "web.search.advanced": "Avanceret søgning",
  "web.search.firstOf": "Viser de første {shown} af {count}. Eksportér CSV for at få dem alle.",
} as const;

export const en: Record<keyof typeof da, string> = {
  "web.search.title": "Search",
  "web.search.results": "Search results for “{q}”",
  "web.search.none": "Nothing you have access to matches “{q}”.",
  "web.search.empty":
    "Type words, a case number or a code in the search field. Words are found in every form; put * after a word to find everything that begins so.",
  "web.search.tasks": "Tasks ({count})",
  "web.search.cases": "Cases ({count})",
  "web.search.documents": "Documents ({count})",
  "web.search.contacts": "Contacts ({count})",
  "web.search.capped": "{count}+",
  "web.search.showAll": "SHOW ALL",
  "web.search.showAllOf": "Show all: {group}",
  "web.search.inCase": "Case {number}",
  "web.search.floating": "Not filed",
  "web.search.deadline": "Deadline {date}",
  "web.search.back": "Back to all groups",
  "web.search.csv": "Export CSV",
  "web.search.advanced": "Advanced search",
  "web.search.firstOf": "Showing the first {shown} of {count}. Export CSV to get them all.",
};
