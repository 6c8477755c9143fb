// The add-on's entry points: the functions appsscript.json and the cards name. build.ts bundles this file
// into dist/Code.js with every export as a global function. Each runs one handler with Apps Script's
// services and returns its result synchronously (see runtime/sync-promise.ts).
import { appsScriptServices } from "./adapters/platform.ts";
import type { AddOnEvent } from "./event.ts";
import { changeCase, choose, chooseNoCase, search, suggest } from "./handlers/case-step.ts";
import { detailsChanged, retrySave, saveAnother, saveDocument, showDetails } from "./handlers/details.ts";
import { openFile, openHome, openMessage, reopen } from "./handlers/open.ts";
import { addProposedParties, createProposedContact, showParties, skipProposedParties } from "./handlers/parties.ts";
import { signIn } from "./handlers/turn.ts";
import type { Services } from "./handlers/services.ts";
import { settledValue } from "./runtime/settled.ts";
import { fileScopeRequest } from "./views/responses.ts";

const run = <T>(handler: (s: Services, e: AddOnEvent) => Promise<T>, e: AddOnEvent): T => settledValue(handler(appsScriptServices(), e));

/** Gmail contextual trigger (a message is open). */
export function onGmailMessageOpen(e: AddOnEvent) {
  return [run(openMessage, e)];
}

/** Homepage in every host (Gmail with no message open; in Docs, Sheets and Slides the open file). */
export function onHomepage(e: AddOnEvent) {
  return run(openHome, e);
}

/** Docs, Sheets and Slides homepage. */
export function onEditorHomepage(e: AddOnEvent) {
  return run(openFile, e);
}

/** Docs, Sheets and Slides: the user has let the add-on at the open file. */
export function onFileScopeGranted(e: AddOnEvent) {
  return run(openFile, e);
}

export function onRequestFileScope() {
  return fileScopeRequest();
}

export function onSuggestCases(e: AddOnEvent) {
  return run(suggest, e);
}

export function onSearchCases(e: AddOnEvent) {
  return run(search, e);
}

export function onChooseCase(e: AddOnEvent) {
  return run(choose, e);
}

export function onChooseFloating(e: AddOnEvent) {
  return run(chooseNoCase, e);
}

export function onChangeCase(e: AddOnEvent) {
  return run(changeCase, e);
}

export function onDetailsChanged(e: AddOnEvent) {
  return run(detailsChanged, e);
}

export function onSave(e: AddOnEvent) {
  return run(saveDocument, e);
}

export function onRetrySave(e: AddOnEvent) {
  return run(retrySave, e);
}

export function onShowDetails(e: AddOnEvent) {
  return run(showDetails, e);
}

export function onSaveAnother(e: AddOnEvent) {
  return run(saveAnother, e);
}

export function onReopen(e: AddOnEvent) {
  return run(reopen, e);
}

/** After a mail is saved: its sender and recipients proposed as parties (again, after a failure). */
export function onShowParties(e: AddOnEvent) {
  return run(showParties, e);
}

export function onAddParties(e: AddOnEvent) {
  return run(addProposedParties, e);
}

export function onCreateContact(e: AddOnEvent) {
  return run(createProposedContact, e);
}

export function onSkipParties(e: AddOnEvent) {
  return run(skipProposedParties, e);
}

/** "Log ind" on the card of a Google account no user answers to. */
export function onSignIn(e: AddOnEvent) {
  return run(signIn, e);
}

/**
 * For setting up the service: run it once in the Apps Script editor and put the logged client id in the
 * service's GOOGLE_CLIENT_ID (it is the `aud` of the identity tokens the add-on sends).
 */
export function showClientId() {
  const token = ScriptApp.getIdentityToken();
  const payload = JSON.parse(Utilities.newBlob(Utilities.base64DecodeWebSafe(token.split(".")[1])).getDataAsString()) as { aud?: string; email?: string };
  Logger.log(`GOOGLE_CLIENT_ID=${payload.aud ?? "?"} (token for ${payload.email ?? "?"})`);
}
