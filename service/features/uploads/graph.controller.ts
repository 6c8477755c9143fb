import type { Request } from "express";
import type { AppContext } from "../../context.ts";
import { idempotencyKey } from "../../http/preconditions.ts";
import { route } from "../../http/route.ts";
import { GraphImport, GraphImportRequest } from "../../../shared/api/schemas/graph.ts";
import { importFromGraph } from "./graph-import.ts";
import { GRAPH_IMPORT_PATH } from "./uploads.controller.ts";

const bearerOf = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "")?.[1];

export function graphImportRoutes(ctx: AppContext) {
  const importRoute = route({
    method: "post",
    path: GRAPH_IMPORT_PATH,
    tag: "uploads",
    summary: "Fetch a mail or file from Microsoft Graph on your behalf into a finished upload",
    headers: {
      "Idempotency-Key": "A key the client keeps for this fetch; a retry with the same key answers the same upload (or waits for the fetch still running).",
    },
    body: GraphImportRequest,
    responses: {
      201: { description: 'Fetched; save it with POST /api/documents {"upload": uploadId}', schema: GraphImport },
      400: { description: "The Idempotency-Key is not valid (`invalid_idempotency_key`)" },
      403: {
        description:
          "The request is not signed in with a Microsoft Entra access token (`graph_needs_microsoft`), or Graph or the sign-in service refused " +
          "to hand it over on your behalf (`graph_forbidden`: consent missing)",
      },
      404: { description: "Graph has no such message in your mailbox or no such file for you (`graph_not_found`)" },
      409: { description: "The upload this Idempotency-Key made is being saved or was saved already (`upload_claimed`)" },
      413: { description: "The content is larger than the maximum upload size (`too_large`); nothing is kept" },
      502: { description: "Graph answered with an error or not as announced (`graph_failed`)" },
      503: {
        description: "Graph or the sign-in service cannot be reached, or took too long (`graph_unavailable`); or no Graph credential (`graph_not_configured`)",
      },
    },
    async handle({ body, actor, req, res }) {
      const gone = new AbortController();
      // The asking request ending early (the pane gave up) stops a fetch nobody else waits for.
      res.on("close", () => {
        if (!res.writableFinished) gone.abort();
      });
      const caller = { actor, via: res.locals.via as string | undefined, bearer: bearerOf(req) };
      const imported = await importFromGraph(ctx, caller, body, { idempotencyKey: idempotencyKey(req), gone: gone.signal });
      return imported;
    },
  });
  return [importRoute];
}
