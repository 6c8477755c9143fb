import { addedParties, roleName, type PartyProposal, type PartyProposals } from "../../../shared/flow/parties.ts";
import type { AddOnFlow } from "../flow.ts";
import { ACTIONS } from "./actions.ts";
import { button, escapeHtml, flowAction, paragraph, problemText, say, type ViewContext } from "./common.ts";

type Section = GoogleAppsScript.Card_Service.CardSection;

const HEADER_KEY = { from: "meta.from", to: "meta.to", cc: "meta.cc" } as const;

/** The inputs' field names for a row (row keys are "r<n>", safe in a field name). */
export const PARTY_FIELDS = {
  selected: (key: string) => `party.${key}`,
  role: (key: string) => `role.${key}`,
  name: (key: string) => `name.${key}`,
  kind: (key: string) => `kind.${key}`,
  alsoOnCase: "alsoOnCase",
} as const;

function contactWidgets(p: PartyProposals, r: PartyProposal, v: ViewContext, section: Section): void {
  const name = r.contact!.name;
  const label = v.t("parties.contact", { name, address: r.address });
  const notes = [v.t(HEADER_KEY[r.header]), r.created ? v.t("parties.created") : "", r.onCase ? v.t("parties.onCase") : ""].filter(Boolean).join(" · ");
  if (r.added.document) {
    const role = p.roles.find((x) => x.id === r.roleId);
    section.addWidget(
      CardService.newDecoratedText()
        .setTopLabel(notes)
        .setText(escapeHtml(label))
        .setBottomLabel(v.t("parties.added", { role: role ? roleName(role, v.language) : "" }))
        .setWrapText(true),
    );
  } else {
    section.addWidget(
      CardService.newSelectionInput()
        .setType(CardService.SelectionInputType.CHECK_BOX)
        .setFieldName(PARTY_FIELDS.selected(r.key))
        .setTitle(notes)
        .addItem(label, "true", r.selected),
    );
    const roles = CardService.newSelectionInput()
      .setType(CardService.SelectionInputType.DROPDOWN)
      .setFieldName(PARTY_FIELDS.role(r.key))
      .setTitle(v.t("parties.roleOf", { name }));
    for (const role of p.roles) roles.addItem(roleName(role, v.language), role.id, role.id === r.roleId);
    section.addWidget(roles);
  }
  if (r.failure) section.addWidget(problemText(v, r.failure));
}

function unknownWidgets(r: PartyProposal, v: ViewContext, section: Section): void {
  section
    .addWidget(
      CardService.newTextInput()
        .setFieldName(PARTY_FIELDS.name(r.key))
        .setTitle(v.t("parties.name", { address: r.address }))
        .setValue(r.name),
    )
    .addWidget(
      CardService.newSelectionInput()
        .setType(CardService.SelectionInputType.DROPDOWN)
        .setFieldName(PARTY_FIELDS.kind(r.key))
        .setTitle(v.t("parties.kind"))
        .addItem(v.t("parties.kind.person"), "person", r.kind === "person")
        .addItem(v.t("parties.kind.organisation"), "organisation", r.kind === "organisation"),
    );
  if (r.failure) section.addWidget(problemText(v, r.failure));
  section.addWidget(CardService.newButtonSet().addButton(button(v.t("parties.create"), flowAction(v, ACTIONS.createContact, { key: r.key }))));
}

/**
 * "Parter" under the saved mail: the contacts to add as parties (ticked, with a role), the addresses that can
 * become contacts, and Tilføj parter / Spring over. Nothing for a file, or once skipped.
 */
export function partiesSections(flow: AddOnFlow, v: ViewContext): Section[] {
  const s = flow.state;
  if (s.capture.kind !== "mail" || !s.capture.mail || s.asNewVersion || !s.result) return [];
  const p = flow.parties;
  const head = () => CardService.newCardSection().setHeader(v.t("parties.title"));
  // Not looked up yet (the save took long): on request, so the result is never held up.
  if (!p) return [head().addWidget(CardService.newButtonSet().addButton(button(v.t("parties.show"), flowAction(v, ACTIONS.showParties))))];
  if (p.phase === "skipped") return [head().addWidget(paragraph(escapeHtml(v.t("parties.skipped"))))];
  if (p.phase === "unavailable") {
    const section = head().addWidget(paragraph(escapeHtml(v.t("parties.unavailable"))));
    if (p.failure) section.addWidget(problemText(v, p.failure));
    return [section.addWidget(CardService.newButtonSet().addButton(button(v.t("error.retry"), flowAction(v, ACTIONS.showParties))))];
  }
  if (p.rows.length === 0) return [];
  if (p.phase === "finished")
    return [
      head().addWidget(
        paragraph(
          escapeHtml(
            v.t("parties.finished", {
              names: addedParties(p)
                .map((r) => r.contact!.name)
                .join(", "),
            }),
          ),
        ),
      ),
    ];

  const known = head().addWidget(paragraph(escapeHtml(v.t("parties.intro"))));
  if (p.rows.some((r) => r.failure && r.contact)) known.addWidget(problemText(v, { key: "parties.someFailed" }));
  const contacts = p.rows.filter((r) => r.contact);
  for (const r of contacts) contactWidgets(p, r, v, known);
  const caseRole = p.caseRoleId ? p.roles.find((r) => r.id === p.caseRoleId) : undefined;
  if (caseRole && contacts.length > 0) {
    known.addWidget(
      CardService.newSelectionInput()
        .setType(CardService.SelectionInputType.CHECK_BOX)
        .setFieldName(PARTY_FIELDS.alsoOnCase)
        .addItem(v.t("parties.alsoOnCase", { role: roleName(caseRole, v.language) }), "true", p.alsoOnCase),
    );
  }
  const buttons = CardService.newButtonSet();
  // What is ticked is read from the card when the button is pressed, so it is offered while any contact is shown.
  if (contacts.length > 0) buttons.addButton(button(v.t("parties.add"), flowAction(v, ACTIONS.addParties), true));
  buttons.addButton(button(v.t("parties.skip"), flowAction(v, ACTIONS.skipParties)));
  known.addWidget(buttons);

  const unknown = p.rows.filter((r) => !r.contact);
  if (unknown.length === 0) return [known];
  const addresses = CardService.newCardSection().setHeader(v.t("parties.unknown"));
  for (const r of unknown) unknownWidgets(r, v, addresses);
  return [known, addresses];
}

/** The message a party action's answer carries as a notification, if any. */
export const partiesNotice = (p: PartyProposals | null | undefined, v: ViewContext): string | undefined => {
  const failure = p?.rows.find((r) => r.failure)?.failure;
  return failure ? say(v, failure) : undefined;
};
