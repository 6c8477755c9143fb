import { z } from "zod";
import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { toCaseView } from "../cases/cases.service.ts";
import { lookupMail } from "./mail.service.ts";

const MailLookupBody = z.strictObject({
  messageId: z.string().max(1000).optional(),
  inReplyTo: z.string().max(1000).optional(),
  references: z.array(z.string().max(1000)).max(500).optional(),
  from: z.string().max(320).optional(),
  conversationId: z.string().max(500).optional(),
});

export function mailRoutes(ctx: AppContext) {
  return [
    route({
      method: "post",
      path: "/api/mail/lookup",
      tag: "mail",
      summary: "Before saving a mail: is it filed already, and which case does its thread, conversation or sender propose?",
      body: MailLookupBody,
      responses: { 200: { description: "alreadyFiled and proposal (each may be null)" } },
      async handle({ actor, body }) {
        const found = await lookupMail(ctx.db, actor, body);
        return { alreadyFiled: found.alreadyFiled, proposal: found.proposal ? { case: toCaseView(found.proposal.case), reason: found.proposal.reason } : null };
      },
    }),
  ];
}
