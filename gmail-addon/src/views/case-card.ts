import { caseLabel, type CaseSummary } from "../../../shared/index.ts";
import type { AddOnFlow } from "../flow.ts";
import { ACTIONS } from "./actions.ts";
import { action, button, escapeHtml, failureSection, flowAction, header, linkButton, paragraph, problemText, webViewLink, type ViewContext } from "./common.ts";

function caseRow(c: CaseSummary, v: ViewContext, note?: string): GoogleAppsScript.Card_Service.DecoratedText {
  const flags = [c.status === "closed" ? v.t("case.closed") : "", c.critical ? v.t("case.critical") : ""].filter(Boolean);
  const row = CardService.newDecoratedText()
    .setTopLabel([c.number, ...flags].join(" · "))
    .setText(escapeHtml(c.title))
    .setWrapText(true)
    .setButton(button(v.t("google.case.choose"), flowAction(v, ACTIONS.chooseCase, { caseId: c.id })));
  return note ? row.setBottomLabel(note) : row;
}

/** The first step: the proposed case, search with suggestions, recent cases, or no case at all. */
export function caseCard(flow: AddOnFlow, v: ViewContext): GoogleAppsScript.Card_Service.Card {
  const s = flow.state;
  const card = CardService.newCardBuilder()
    .setName("case")
    .setHeader(header(v.t("app.title"), s.capture.title));

  if (s.failure) card.addSection(failureSection(v, s.failure));
  if (s.alreadyFiled) {
    const filed = s.alreadyFiled.case ? v.t("already.saved", { case: caseLabel(s.alreadyFiled.case) }) : v.t("already.saved.floating");
    const section = CardService.newCardSection().addWidget(paragraph(`<b>${escapeHtml(filed)}</b>`));
    const open = webViewLink(v, { caseNumber: s.alreadyFiled.case?.number, documentId: s.alreadyFiled.documentId });
    if (open) section.addWidget(CardService.newButtonSet().addButton(linkButton(v.t("save.open"), open)));
    card.addSection(section);
  }
  if (s.proposal) {
    const label = caseLabel(s.proposal.case);
    const why = s.proposal.reason === "sender" ? v.t("case.proposed.sender", { case: label }) : v.t("case.proposed.thread", { case: label });
    card.addSection(
      CardService.newCardSection()
        .setHeader(v.t("case.proposed"))
        .addWidget(caseRow(s.proposal.case, v, why)),
    );
  }

  const search = CardService.newCardSection()
    .setHeader(v.t("step.case"))
    .addWidget(
      CardService.newTextInput()
        .setFieldName("query")
        .setTitle(v.t("case.search.label"))
        .setHint(v.t("case.search.placeholder"))
        .setValue(s.query)
        .setSuggestionsAction(action(flowAction(v, ACTIONS.suggestCases)))
        .setOnChangeAction(action(flowAction(v, ACTIONS.searchCases))),
    )
    .addWidget(CardService.newButtonSet().addButton(button(v.t("google.case.search"), flowAction(v, ACTIONS.searchCases))));
  if (s.query.trim()) {
    if (s.suggestions.length === 0) search.addWidget(paragraph(escapeHtml(v.t("case.none"))));
    for (const c of s.suggestions) search.addWidget(caseRow(c, v));
  }
  if (s.errors.target) search.addWidget(problemText(v, s.errors.target));
  card.addSection(search);

  const recent = s.recent.filter((c) => c.id !== s.proposal?.case.id);
  if (recent.length) {
    const section = CardService.newCardSection().setHeader(v.t("case.recent"));
    for (const c of recent) section.addWidget(caseRow(c, v));
    card.addSection(section);
  }

  card.addSection(
    CardService.newCardSection().addWidget(CardService.newButtonSet().addButton(button(v.t("case.floating"), flowAction(v, ACTIONS.chooseFloating)))),
  );
  return card.build();
}

/** What the search box suggests while the user types: the matching cases as "number title". */
export const suggestionLabels = (cases: CaseSummary[]): string[] => cases.map(caseLabel);
