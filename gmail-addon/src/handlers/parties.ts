import {
  addParties,
  chooseAlsoOnCase,
  chooseRole,
  createContactFor,
  editNewContact,
  loadPartyProposals,
  mailPartiesOf,
  selectParty,
  skipParties,
  type PartyProposals,
} from "../../../shared/flow/parties.ts";
import type { ImsClient } from "../../../shared/index.ts";
import { parameterOf, stringInput, stringInputs, type AddOnEvent } from "../event.ts";
import type { AddOnFlow } from "../flow.ts";
import { PARTY_FIELDS, partiesNotice } from "../views/parties.ts";
import { replaceCard } from "../views/responses.ts";
import { resultCard } from "../views/result-card.ts";
import type { Services } from "./services.ts";
import { expired, turnOf } from "./turn.ts";

/**
 * A card action has 30 seconds. A save that took longer than this leaves the proposal to a button, so
 * looking up the contacts never makes the save's own card fail.
 */
export const PROPOSE_WITHIN_MS = 15_000;

/** The proposal for the flow's saved mail; null for a file or a new version (nothing to propose). */
export async function proposalsFor(client: ImsClient, flow: AddOnFlow): Promise<PartyProposals | null> {
  const s = flow.state;
  if (!s.result || s.capture.kind !== "mail" || !s.capture.mail || s.asNewVersion) return null;
  const document = s.result.document;
  return loadPartyProposals(client, { documentId: document.id, caseId: document.case?.id ?? null, mail: mailPartiesOf(s.capture.mail) });
}

/** The card's party inputs applied with the shared steps (Google leaves unticked boxes out: absent is unticked). */
function applyPartiesForm(p: PartyProposals, e: AddOnEvent): PartyProposals {
  let next = p;
  for (const r of p.rows) {
    if (r.contact) {
      next = selectParty(next, r.key, stringInputs(e, PARTY_FIELDS.selected(r.key)).includes("true"));
      const role = stringInput(e, PARTY_FIELDS.role(r.key));
      if (role) next = chooseRole(next, r.key, role);
    } else {
      const kind = stringInput(e, PARTY_FIELDS.kind(r.key));
      next = editNewContact(next, r.key, { name: stringInput(e, PARTY_FIELDS.name(r.key)), kind: kind === "organisation" ? "organisation" : "person" });
    }
  }
  return chooseAlsoOnCase(next, stringInputs(e, PARTY_FIELDS.alsoOnCase).includes("true"));
}

/** One party action: the flow's proposal stepped, kept, and the result card shown again with it. */
async function partyTurn(s: Services, e: AddOnEvent, change: (p: PartyProposals | null, flow: AddOnFlow) => Promise<PartyProposals | null>) {
  const turn = turnOf(s, e);
  if (!turn.flow) return expired(turn);
  if (!turn.flow.state.result) return replaceCard(resultCard(turn.flow, turn.view));
  const current = turn.flow.parties && turn.flow.parties.phase === "ready" ? applyPartiesForm(turn.flow.parties, e) : (turn.flow.parties ?? null);
  const flow: AddOnFlow = { ...turn.flow, parties: await change(current, turn.flow) };
  s.flows.save(turn.flowId, flow);
  return replaceCard(resultCard(flow, turn.view), partiesNotice(flow.parties, turn.view));
}

/** "Foreslå parter", or trying again after the contacts could not be looked up. */
export const showParties = (s: Services, e: AddOnEvent) =>
  partyTurn(s, e, async (p, flow) => (p && p.phase !== "unavailable" ? p : proposalsFor(s.client(), flow)));

/** "Tilføj parter": the ticked contacts, one at a time; a refused one keeps its reason, the rest are added. */
export const addProposedParties = (s: Services, e: AddOnEvent) => partyTurn(s, e, async (p) => (p?.phase === "ready" ? addParties(s.client(), p) : p));

/** "Opret kontakt" at an address: the contact, proposed in its place. */
export const createProposedContact = (s: Services, e: AddOnEvent) =>
  partyTurn(s, e, async (p) => (p?.phase === "ready" ? createContactFor(s.client(), p, parameterOf(e, "key")) : p));

/** "Spring over". */
export const skipProposedParties = (s: Services, e: AddOnEvent) => partyTurn(s, e, async (p) => (p ? skipParties(p) : p));
