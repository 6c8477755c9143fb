// The dashboard's panels: critical cases, hiding and ordering panels. Danish first; every key in both languages.
export const da = {
  "web.dashboard.criticalCases": "Kritiske sager",
  "web.dashboard.noCriticalCases": "Der er ingen kritiske sager.",
  "web.dashboard.showAll": "VIS ALLE",
  "web.dashboard.showAllOf": "Vis alle: {title}",
  "web.dashboard.customise": "Tilpas overblikket",
  "web.dashboard.customiseDone": "Færdig",
  "web.dashboard.customiseIntro": "Vælg, hvilke paneler overblikket viser, og i hvilken rækkefølge. Valget gemmes for dig.",
  "web.dashboard.panelShown": "Vis {title}",
  "web.dashboard.moveUp": "Flyt {title} op",
  "web.dashboard.moveDown": "Flyt {title} ned",
  "web.dashboard.allHidden": "Alle paneler er skjult. Vælg «Tilpas overblikket» for at vise dem igen.",
} as const;

export const en: Record<keyof typeof da, string> = {
  "web.dashboard.criticalCases": "Critical cases",
  "web.dashboard.noCriticalCases": "There are no critical cases.",
  "web.dashboard.showAll": "SHOW ALL",
  "web.dashboard.showAllOf": "Show all: {title}",
  "web.dashboard.customise": "Customise the dashboard",
  "web.dashboard.customiseDone": "Done",
  "web.dashboard.customiseIntro": "Choose which panels the dashboard shows, and in which order. Your choice is saved for you.",
  "web.dashboard.panelShown": "Show {title}",
  "web.dashboard.moveUp": "Move {title} up",
  "web.dashboard.moveDown": "Move {title} down",
  "web.dashboard.allHidden": "Every panel is hidden. Choose “Customise the dashboard” to show them again.",
};
