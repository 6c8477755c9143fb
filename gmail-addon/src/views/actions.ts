// The global functions (in main.ts) that the cards' buttons and inputs call, by name.
export const ACTIONS = {
  suggestCases: "onSuggestCases",
  searchCases: "onSearchCases",
  chooseCase: "onChooseCase",
  chooseFloating: "onChooseFloating",
  changeCase: "onChangeCase",
  detailsChanged: "onDetailsChanged",
  save: "onSave",
  retrySave: "onRetrySave",
  showDetails: "onShowDetails",
  saveAnother: "onSaveAnother",
  reopen: "onReopen",
  requestFileScope: "onRequestFileScope",
  signIn: "onSignIn",
  showParties: "onShowParties",
  addParties: "onAddParties",
  createContact: "onCreateContact",
  skipParties: "onSkipParties",
} as const;

export type ActionName = (typeof ACTIONS)[keyof typeof ACTIONS];

/** A button's or input's action: which function, with which string parameters. */
export interface ActionRef {
  name: ActionName;
  params?: Record<string, string>;
}
