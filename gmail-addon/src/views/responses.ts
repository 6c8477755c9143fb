type Card = GoogleAppsScript.Card_Service.Card;

/** An action's answer: this card in place of the current one, optionally with a short notification. */
export function replaceCard(card: Card, notification?: string): GoogleAppsScript.Card_Service.ActionResponse {
  const response = CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().updateCard(card));
  if (notification) response.setNotification(CardService.newNotification().setText(notification));
  return response.build();
}

/** The search box's suggestions. */
export function suggestionsResponse(labels: string[]): GoogleAppsScript.Card_Service.SuggestionsResponse {
  return CardService.newSuggestionsResponseBuilder().setSuggestions(CardService.newSuggestions().addSuggestions(labels)).build();
}

/** Asks the editor to let the add-on at the open file; onFileScopeGranted runs once the user agrees. */
export function fileScopeRequest(): GoogleAppsScript.Card_Service.EditorFileScopeActionResponse {
  return CardService.newEditorFileScopeActionResponseBuilder().requestFileScopeForActiveDocument().build();
}
