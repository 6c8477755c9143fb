import type { Response } from "express";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import {
  Contact,
  ContactCasePage,
  ContactDocumentPage,
  ContactLinksQuery,
  ContactListQuery,
  ContactMatches,
  ContactMatchRequest,
  ContactPage,
  ContactPatch,
  CprRevealed,
  CprRevealRequest,
  MergeContacts,
  NewContact,
  NewParty,
  Parties,
  Party,
  PartyParams,
  PartyRoles,
} from "../../../shared/api/schemas/contacts.ts";
import type { Contact as ContactView } from "../../../shared/api/types.ts";
import type { AppContext } from "../../context.ts";
import { route, type AnyRoute } from "../../http/route.ts";
import { mergeContacts } from "./contact-merge.ts";
import { createContact, listContacts, matchContacts, revealCpr, updateContact, viewContact } from "./contacts.service.ts";
import { contactKeys } from "./cpr-seal.ts";
import { addParty, contactCases, contactDocuments, listParties, listPartyRoles, removeParty, type PartyOn } from "./parties.service.ts";

const etagHeader = { ETag: "The contact's current ETag, for If-Match on the next change" };
const ifMatchHeader = { "If-Match": "Optional: the contact's ETag last seen; 412 when the contact has changed since" };
const staffOnly = { 403: { description: "External partners cannot create, change or merge contacts (`forbidden`)" } };
const notVisible = {
  404: { description: "No such contact, or one the actor may not see (external partners see only the contacts on cases shared with them)" },
};

/** A contact as a reply, with its ETag in the header too. */
function withEtag(res: Response, c: ContactView): ContactView {
  res.setHeader("ETag", c.etag);
  return c;
}

/** Contacts, party roles, and the parties of cases and documents. */
export function contactRoutes(ctx: AppContext): AnyRoute[] {
  const { db } = ctx;
  const keys = contactKeys(ctx);
  return [
    route({
      method: "get",
      path: "/api/contacts",
      tag: "contacts",
      summary: "List contacts by name: q matches a name word's start, an e-mail address's start or a CVR number; email and cpr look up exactly",
      query: ContactListQuery,
      responses: { 200: { description: "A page of contacts (CPR numbers masked)", schema: ContactPage } },
      handle: ({ actor, query }) => listContacts(db, keys, actor, query),
    }),
    route({
      method: "post",
      path: "/api/contacts",
      tag: "contacts",
      summary: "Create a contact: a person (optionally with a CPR number, stored sealed) or an organisation (optionally with a CVR number)",
      body: NewContact,
      responses: { 201: { description: "The new contact", headers: etagHeader, schema: Contact }, ...staffOnly },
      handle: async ({ actor, body, res }) => withEtag(res, await createContact(db, keys, actor, body)),
    }),
    route({
      method: "post",
      path: "/api/contacts/match",
      tag: "contacts",
      summary: 'The contacts each e-mail address belongs to (a mail\'s From, To and Cc; "Name <address>" or bare), among those the actor sees',
      body: ContactMatchRequest,
      responses: { 200: { description: "One entry per address, lower-cased, in the order given", schema: ContactMatches } },
      handle: async ({ actor, body }) => ({ items: await matchContacts(db, actor, body.addresses) }),
    }),
    route({
      method: "get",
      path: "/api/contacts/:id",
      tag: "contacts",
      summary: "A contact; the id of a contact merged into another answers the survivor",
      params: IdParams,
      responses: { 200: { description: "The contact (CPR number masked)", headers: etagHeader, schema: Contact }, ...notVisible },
      handle: async ({ actor, params, res }) => withEtag(res, await viewContact(db, actor, params.id)),
    }),
    route({
      method: "patch",
      path: "/api/contacts/:id",
      tag: "contacts",
      summary: "Change a contact's name, addresses, phone, postal address, CVR or CPR number, or note (null clears)",
      params: IdParams,
      body: ContactPatch,
      headers: ifMatchHeader,
      responses: {
        200: { description: "The contact", headers: etagHeader, schema: Contact },
        ...staffOnly,
        ...notVisible,
        409: { description: "Changed by someone else at the same moment (`concurrent_change`)" },
        422: { description: "A CVR number for a person or a CPR number for an organisation (`contact_field_not_for_kind`)" },
      },
      handle: async ({ actor, params, body, req, res }) => withEtag(res, await updateContact(db, keys, actor, params.id, body, req.get("If-Match"))),
    }),
    route({
      method: "post",
      path: "/api/contacts/:id/cpr",
      tag: "contacts",
      summary:
        "Reveal a contact's full CPR number, giving a reason; administrators and caseworkers allowed to see CPR numbers only, and every reveal is audited first",
      params: IdParams,
      body: CprRevealRequest,
      responses: {
        200: { description: "The CPR number (not to be cached)", headers: { "Cache-Control": "no-store" }, schema: CprRevealed },
        403: { description: "Not allowed to see CPR numbers (`cpr_access_required`)" },
        404: { description: "No such contact (or not visible), or it has no CPR number (`no_cpr`)" },
      },
      async handle({ actor, params, body, res }) {
        res.setHeader("Cache-Control", "no-store");
        return revealCpr(db, keys, actor, params.id, body.reason);
      },
    }),
    route({
      method: "post",
      path: "/api/contacts/:id/merge",
      tag: "contacts",
      summary: "Merge a duplicate into this contact: its parties and e-mail addresses move here, and its id answers this contact from then on",
      params: IdParams,
      body: MergeContacts,
      responses: {
        200: { description: "The surviving contact", headers: etagHeader, schema: Contact },
        ...staffOnly,
        404: { description: "No such contact" },
        409: { description: "One of the two was merged into another contact already (`contact_merged`), or changed at the same moment" },
        422: {
          description:
            "The duplicate does not exist (`unknown_contact`), is this contact (`merge_into_itself`), or is of another kind (`contact_kinds_differ`)",
        },
      },
      handle: async ({ actor, params, body, res }) => withEtag(res, await mergeContacts(db, keys, actor, params.id, body.duplicateId)),
    }),
    route({
      method: "get",
      path: "/api/contacts/:id/cases",
      tag: "contacts",
      summary: "The cases the contact is party to, among those the actor may see; newest link first",
      params: IdParams,
      query: ContactLinksQuery,
      responses: { 200: { description: "A page of the contact's cases", schema: ContactCasePage }, ...notVisible },
      handle: ({ actor, params, query }) => contactCases(db, actor, params.id, query),
    }),
    route({
      method: "get",
      path: "/api/contacts/:id/documents",
      tag: "contacts",
      summary: "The documents the contact is party to (sender, recipient, …), among those the actor may see; newest link first",
      params: IdParams,
      query: ContactLinksQuery,
      responses: { 200: { description: "A page of the contact's documents", schema: ContactDocumentPage }, ...notVisible },
      handle: ({ actor, params, query }) => contactDocuments(db, actor, params.id, query),
    }),
    route({
      method: "get",
      path: "/api/party-roles",
      tag: "contacts",
      summary: "The roles a party may have (ansøger, elev, afsender, …), in the administrators' order; inactive ones too",
      responses: { 200: { description: "The party roles", schema: PartyRoles } },
      handle: async () => ({ items: await listPartyRoles(db) }),
    }),
    ...(["case", "document"] as const).flatMap((on) => partyRoutes(ctx, on)),
  ];
}

/** GET/POST /api/{cases|documents}/{id}/parties and DELETE …/parties/{partyId}. */
function partyRoutes(ctx: AppContext, on: PartyOn): AnyRoute[] {
  const { db } = ctx;
  const base = on === "case" ? "/api/cases/:id/parties" : "/api/documents/:id/parties";
  const record = on === "case" ? "case" : "document";
  const notVisibleRecord = { 404: { description: `No such ${record}, or one the actor may not see` } };
  const refused = {
    403: { description: "External partners cannot add or remove parties (`forbidden`)" },
    409: { description: on === "case" ? "The case is closed (`case_closed`)" : "The document's case is closed (`case_closed`)" },
  };
  return [
    route({
      method: "get",
      path: base,
      tag: "contacts",
      summary: `The parties of a ${record}: contacts in their roles`,
      params: IdParams,
      responses: { 200: { description: "The parties, by role and name", schema: Parties }, ...notVisibleRecord },
      handle: async ({ actor, params }) => ({ items: await listParties(db, actor, on, params.id) }),
    }),
    route({
      method: "post",
      path: base,
      tag: "contacts",
      summary: `Add a contact in a role to a ${record}; the case's followers are notified`,
      params: IdParams,
      body: NewParty,
      responses: {
        201: { description: "The new party", schema: Party },
        ...notVisibleRecord,
        403: refused[403],
        409: { description: `${refused[409].description}, or the contact is a party in that role already (\`party_exists\`)` },
        422: {
          description: `The contact does not exist (\`unknown_contact\`), or the role does not (\`unknown_party_role\`), is inactive (\`inactive_party_role\`) or is not for ${record}s (\`party_role_not_applicable\`)`,
        },
      },
      handle: ({ actor, params, body }) => addParty(db, actor, on, params.id, body),
    }),
    route({
      method: "delete",
      path: `${base}/:partyId`,
      tag: "contacts",
      summary: `Remove a party from a ${record}`,
      params: PartyParams,
      responses: { 204: { description: "Removed" }, 404: { description: `No such ${record} (or not visible), or no such party of it` }, ...refused },
      handle: ({ actor, params }) => removeParty(db, actor, on, params.id, params.partyId),
    }),
  ];
}
