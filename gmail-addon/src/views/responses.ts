type Card = GoogleAppsScript.Card_Service.Card;

/** An action's answer: this card in place of the current one, optionally with a short notification. */
export function replaceCard(card: Card, notification?: string): GoogleAppsScript.Card_Service.ActionResponse {
  const response = CardService.newActionResponseBuilder().setNavigation(CardService.newNavigation().updateCard(card));
  if (notification) response.setNotification(CardService.newNotification().setText(notification));
  return response.build();
}

/**
 * Opens the web view's sign-in over the add-on; when the person closes it, Gmail reloads the add-on, which
 * then signs in with the Google account just linked.
 */
export function openSignInResponse(url: string): GoogleAppsScript.Card_Service.ActionResponse {
  const link = CardService.newOpenLink().setUrl(url).setOpenAs(CardService.OpenAs.OVERLAY).setOnClose(CardService.OnClose.RELOAD);
  return CardService.newActionResponseBuilder().setOpenLink(link).build();
}

/** The search box's suggestions. */
export function suggestionsResponse(labels: string[]): GoogleAppsScript.Card_Service.SuggestionsResponse {
  return CardService.newSuggestionsResponseBuilder().setSuggestions(CardService.newSuggestions().addSuggestions(labels)).build();
}

/** Asks the editor to let the add-on at the open file; onFileScopeGranted runs once the user agrees. */
export function fileScopeRequest(): GoogleAppsScript.Card_Service.EditorFileScopeActionResponse {
  return CardService.newEditorFileScopeActionResponseBuilder().requestFileScopeForActiveDocument().build();
}
