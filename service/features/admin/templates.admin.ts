import type { AppContext } from "../../context.ts";
import { route } from "../../http/route.ts";
import { addTemplate, listTemplates, updateTemplate } from "../templates/templates.service.ts";
import { AdminTemplates, NewTemplate, TemplatePatch } from "../../../shared/api/schemas/admin.ts";
import { IdParams } from "../../../shared/api/schemas/common.ts";
import { CaseTemplate } from "../../../shared/api/schemas/reference.ts";
import { conflict, notFound, refused, unprocessable } from "./responses.ts";

/** Case templates (sagsskabeloner). Admins only. */
export function templateRoutes(ctx: AppContext) {
  const { db } = ctx;
  return [
    route({
      method: "get",
      path: "/api/admin/templates",
      tag: "admin",
      summary: "Case templates, including those no longer in use",
      auth: "admin",
      responses: { 200: { description: "Templates", schema: AdminTemplates }, ...refused },
      handle: async () => ({ items: await listTemplates(db, true) }),
    }),
    route({
      method: "post",
      path: "/api/admin/templates",
      tag: "admin",
      summary: "Create a case template",
      auth: "admin",
      body: NewTemplate,
      responses: { 201: { description: "The new template", schema: CaseTemplate }, ...refused, ...conflict, ...unprocessable },
      handle: ({ actor, body }) => addTemplate(db, actor, body),
    }),
    route({
      method: "patch",
      path: "/api/admin/templates/:id",
      tag: "admin",
      summary: "Change a case template; existing cases keep their access group and journal code",
      auth: "admin",
      params: IdParams,
      body: TemplatePatch,
      responses: { 200: { description: "The template", schema: CaseTemplate }, ...refused, ...notFound, ...conflict, ...unprocessable },
      handle: ({ actor, params, body }) => updateTemplate(db, actor, params.id, body),
    }),
  ];
}
