import { ApiError, chooseCase, chooseFloating, goTo, searchCases, withQuery, type CaseSummary } from "../../../shared/index.ts";
import { parameterOf, stringInput, type AddOnEvent } from "../event.ts";
import { ACTIONS } from "../views/actions.ts";
import { caseCard, suggestionLabels } from "../views/case-card.ts";
import { detailsCard } from "../views/details-card.ts";
import { problemCard } from "../views/problem-card.ts";
import { replaceCard, suggestionsResponse } from "../views/responses.ts";
import { canRetry, failureOf } from "./problems.ts";
import type { Services } from "./services.ts";
import { expired, turnOf } from "./turn.ts";

/** As the user types in the search box: matching cases as suggestions (none when the archive cannot answer). */
export async function suggest(s: Services, e: AddOnEvent) {
  const query = stringInput(e, "query").trim();
  if (!query) return suggestionsResponse([]);
  try {
    return suggestionsResponse(suggestionLabels(await s.client().suggestCases(query, 8)));
  } catch {
    return suggestionsResponse([]);
  }
}

/** Search (the button, or leaving the box): the matching cases to choose from. */
export async function search(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  const query = stringInput(e, "query");
  let state = withQuery(turn.flow.state, query);
  try {
    state = { ...(await searchCases(s.client(), state, query)), failure: null };
  } catch (err) {
    state = { ...state, failure: failureOf(err, () => s.userEmail()) };
  }
  const flow = { ...turn.flow, state };
  s.flows.save(turn.flowId, flow);
  return replaceCard(caseCard(flow, turn.view));
}

/** A case is chosen from the proposal, the search or the recent list: on to the details. */
export async function choose(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  const caseId = parameterOf(e, "caseId");
  const st = turn.flow.state;
  const known: CaseSummary | undefined = [st.proposal?.case, ...st.suggestions, ...st.recent].find((c) => c?.id === caseId);
  try {
    const chosen = known ?? (await s.client().getCase(caseId));
    const flow = { ...turn.flow, state: chooseCase({ ...st, failure: null }, chosen) };
    s.flows.save(turn.flowId, flow);
    return replaceCard(detailsCard(flow, turn.view));
  } catch (err) {
    const message = failureOf(err, () => s.userEmail());
    const retry =
      canRetry(message) && !(err instanceof ApiError && err.status === 404) ? { name: ACTIONS.chooseCase, params: { flowId: turn.flowId, caseId } } : undefined;
    return replaceCard(problemCard({ message, retry, back: { name: ACTIONS.changeCase, params: { flowId: turn.flowId } } }, turn.view));
  }
}

/** Save without a case: a floating document. */
export async function chooseNoCase(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  const flow = { ...turn.flow, state: chooseFloating({ ...turn.flow.state, failure: null }) };
  s.flows.save(turn.flowId, flow);
  return replaceCard(detailsCard(flow, turn.view));
}

/** Back to the case step from the details. */
export async function changeCase(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  const flow = { ...turn.flow, state: goTo({ ...turn.flow.state, failure: null }, "case") };
  s.flows.save(turn.flowId, flow);
  return replaceCard(caseCard(flow, turn.view));
}
