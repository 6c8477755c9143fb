import { MailLookup, MailLookupResult } from "../../../shared/api/schemas/mail.ts";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { toCaseView } from "../cases/cases.service.ts";
import { lookupMail } from "./mail.service.ts";

export function mailRoutes(ctx: AppContext) {
  return [
    route({
      method: "post",
      path: "/api/mail/lookup",
      tag: "mail",
      summary: "Before saving a mail: is it filed already, and which case does its thread, conversation or sender propose?",
      body: MailLookup,
      responses: { 200: { description: "alreadyFiled and proposal (each may be null)", schema: MailLookupResult } },
      async handle({ actor, body }) {
        const found = await lookupMail(ctx.db, actor, body);
        return { alreadyFiled: found.alreadyFiled, proposal: found.proposal ? { case: toCaseView(found.proposal.case), reason: found.proposal.reason } : null };
      },
    }),
  ];
}
