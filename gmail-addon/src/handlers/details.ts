import { save, saveAnother as nextDocument } from "../../../shared/index.ts";
import type { AddOnEvent } from "../event.ts";
import type { AddOnFlow } from "../flow.ts";
import { ACTIONS } from "../views/actions.ts";
import { caseCard } from "../views/case-card.ts";
import { detailsCard } from "../views/details-card.ts";
import { problemCard } from "../views/problem-card.ts";
import { replaceCard } from "../views/responses.ts";
import { resultCard } from "../views/result-card.ts";
import { applyDetailsForm, detailsFormOf } from "./form.ts";
import { PROPOSE_WITHIN_MS, proposalsFor } from "./parties.ts";
import { canRetry, failureOf } from "./problems.ts";
import type { Services } from "./services.ts";
import { expired, turnOf, type Turn } from "./turn.ts";

/** A choice on the details card changed (type, format): the card again, showing what it implies. */
export async function detailsChanged(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  const flow = applyDetailsForm(turn.flow, detailsFormOf(e));
  s.flows.save(turn.flowId, flow);
  return replaceCard(detailsCard(flow, turn.view));
}

/** Saves with the shared flow: slices through the resumable upload, then the document, retried safely. */
async function saveFlow(s: Services, e: AddOnEvent, turn: Turn, flow: AddOnFlow) {
  const describe = (err: unknown) => failureOf(err, () => s.userEmail());
  const started = s.now().getTime();
  let next: typeof flow.state;
  try {
    const sources = flow.origin.host === "gmail" ? s.mail.sources(e, flow.origin, flow.state.capture) : s.files.sources(flow.origin, flow.state.capture);
    next = await save(s.client(), flow.state, sources, { language: turn.language, retry: s.retry, chunkSize: s.chunkSize, describe });
  } catch (err) {
    next = { ...flow.state, step: "metadata", progress: null, failure: describe(err) };
  }
  let after: AddOnFlow = { ...flow, state: next, parties: null };
  // The mail is saved; its parties are proposed on the same card unless the save used up most of the action's time.
  if (next.step === "done" && s.now().getTime() - started < PROPOSE_WITHIN_MS) after = { ...after, parties: await proposalsFor(s.client(), after) };
  s.flows.save(turn.flowId, after);
  if (next.step === "done") return replaceCard(resultCard(after, turn.view));
  if (next.failure) {
    const retry = canRetry(next.failure) ? { name: ACTIONS.retrySave, params: { flowId: turn.flowId } } : undefined;
    return replaceCard(problemCard({ message: next.failure, retry, back: { name: ACTIONS.showDetails, params: { flowId: turn.flowId } } }, turn.view));
  }
  // The form did not pass the shared validation: the card again with the messages at their fields.
  const first = Object.values(next.errors)[0];
  return replaceCard(detailsCard(after, turn.view), first ? turn.t(first.key, first.params) : undefined);
}

/** Save, with what the details card holds. */
export async function saveDocument(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  return saveFlow(s, e, turn, applyDetailsForm(turn.flow, detailsFormOf(e)));
}

/** Retry after a failed save: the same state and idempotency key, so nothing is stored twice. */
export async function retrySave(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  return saveFlow(s, e, turn, turn.flow);
}

/** Back from a failure to the details as they were. */
export async function showDetails(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  const flow = { ...turn.flow, state: { ...turn.flow.state, failure: null } };
  s.flows.save(turn.flowId, flow);
  return replaceCard(detailsCard(flow, turn.view));
}

/** "Save another": the same mail or file, a clean form and a new idempotency key. */
export async function saveAnother(s: Services, e: AddOnEvent) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  const flow = { ...turn.flow, state: nextDocument(turn.flow.state, s.newId(), s.now()) };
  s.flows.save(turn.flowId, flow);
  return replaceCard(caseCard(flow, turn.view));
}
