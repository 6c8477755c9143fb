import type { Message } from "../../../shared/index.ts";
import type { ActionRef } from "./actions.ts";
import { button, detailText, escapeHtml, header, paragraph, say, type ViewContext } from "./common.ts";

/** Something went wrong: what, in words, and Retry where trying again can help. */
export interface Problem {
  message: Message;
  retry?: ActionRef;
  back?: ActionRef;
  retryLabel?: "error.retry" | "google.restart";
}

const TITLES: Partial<Record<Message["key"], Message["key"]>> = { "google.error.unknownUser": "google.error.unknownUser.title" };

export function problemCard(problem: Problem, v: ViewContext): GoogleAppsScript.Card_Service.Card {
  const section = CardService.newCardSection().addWidget(paragraph(escapeHtml(say(v, problem.message))));
  const detail = detailText(v, problem.message);
  if (detail) section.addWidget(detail);
  const buttons = CardService.newButtonSet();
  if (problem.retry) buttons.addButton(button(v.t(problem.retryLabel ?? "error.retry"), problem.retry, true));
  if (problem.back) buttons.addButton(button(v.t("nav.back"), problem.back));
  if (problem.retry || problem.back) section.addWidget(buttons);
  return CardService.newCardBuilder()
    .setName("problem")
    .setHeader(header(v.t(TITLES[problem.message.key] ?? "google.error.title")))
    .addSection(section)
    .build();
}
