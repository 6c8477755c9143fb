import { sql } from "kysely";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import express, { type Express, type Handler } from "express";
import { pinoHttp } from "pino-http";
import type { AppContext } from "./context.ts";
import { authenticate } from "./http/auth.ts";
import { apiTokenAuthenticator } from "./features/auth/api-token.ts";
import type { Authenticator } from "./features/auth/authenticator.ts";
import { openApiDocument } from "./http/openapi.ts";
import { requestLogOptions } from "./http/request-log.ts";
import { webApp } from "./http/web-app.ts";
import { notFound, Problem, problemHandler } from "./http/problem.ts";
import { auditRefusalsAfterRollback } from "./features/access/access.ts";
import { mountRoutes, route, type AnyRoute } from "./http/route.ts";
import { adminRoutes } from "./features/admin/admin.controller.ts";
import { signInRoutes } from "./features/auth/sign-in.controller.ts";
import { ssoRoutes } from "./features/auth/sso/sso.controller.ts";
import { auditRoutes } from "./features/audit/audit.controller.ts";
import { caseRoutes } from "./features/cases/cases.controller.ts";
import { peopleRoutes } from "./features/users/people.controller.ts";
import { documentRoutes } from "./features/documents/documents.controller.ts";
import { referenceRoutes } from "./features/reference.controller.ts";
import { dashboardRoutes } from "./features/dashboard/dashboard.controller.ts";
import { uploadsRouter } from "./features/uploads/uploads.controller.ts";
import { graphImportRoutes } from "./features/uploads/graph.controller.ts";
import { uploadsOpenApiPaths } from "./features/uploads/uploads.openapi.ts";
import { mailRoutes } from "./features/mail/mail.controller.ts";
import { contactRoutes } from "./features/contacts/contacts.controller.ts";
import { taskRoutes } from "./features/tasks/tasks.controller.ts";
import { notificationRoutes } from "./features/notifications/notifications.controller.ts";
import { searchRoutes } from "./features/search/search.controller.ts";
import { advancedSearchRoutes } from "./features/search/advanced/advanced.controller.ts";
import { searchCsvRoutes } from "./features/search/csv/search-csv.controller.ts";
import { savedSearchRoutes } from "./features/search/saved/saved-searches.controller.ts";
import { Health, OpenApiDocument } from "../shared/api/schemas/service.ts";

export interface App {
  app: Express;
  routes: readonly AnyRoute[];
  /** Periodic housekeeping: expired resumable uploads. */
  cleanUpUploads(): Promise<number>;
}

export function createApp(ctx: AppContext, authenticators: Authenticator[] = [apiTokenAuthenticator]): App {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", ctx.config.trustProxy);
  app.use(pinoHttp({ logger: ctx.log, autoLogging: { ignore: (req) => req.url === "/api/health" }, ...requestLogOptions(ctx.log) }));
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Referrer-Policy", "no-referrer");
    // API answers are data, never a page: nothing in them may run, load or be framed. Pages set their own.
    res.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; sandbox");
    next();
  });
  app.use("/addins", addinsStatic());
  // The web view: its assets, and its page for / and every deep link; it leaves /api and /addins alone.
  app.use(webApp());

  const health = route({
    method: "get",
    path: "/api/health",
    tag: "service",
    summary: "Liveness: the service answers and its database responds",
    auth: "none",
    responses: { 200: { description: "Healthy", schema: Health } },
    async handle() {
      await sql`select 1`.execute(ctx.db);
      return { status: "ok" };
    },
  });
  const openapi = route({
    method: "get",
    path: "/api/openapi.json",
    tag: "service",
    summary: "This OpenAPI 3.1 document",
    auth: "none",
    responses: { 200: { description: "OpenAPI document", schema: OpenApiDocument } },
    handle: async () => openApiDocument(routes, ctx.config.publicUrl, uploadsOpenApiPaths),
  });

  const routes: AnyRoute[] = [
    health,
    openapi,
    ...referenceRoutes(ctx),
    ...dashboardRoutes(ctx),
    ...caseRoutes(ctx),
    ...peopleRoutes(ctx),
    ...documentRoutes(ctx),
    ...mailRoutes(ctx),
    ...contactRoutes(ctx),
    ...taskRoutes(ctx),
    ...notificationRoutes(ctx),
    ...searchRoutes(ctx),
    ...searchCsvRoutes(ctx),
    ...advancedSearchRoutes(ctx),
    ...savedSearchRoutes(ctx),
    ...auditRoutes(ctx),
    ...adminRoutes(ctx),
    ...signInRoutes(ctx),
    ...ssoRoutes(ctx),
    ...graphImportRoutes(ctx),
  ];

  app.use("/api", authenticate(ctx, authenticators));
  const uploads = uploadsRouter(ctx);
  app.use(uploads.router);
  app.use(express.json({ limit: "1mb", type: ["application/json", "application/*+json"] }));
  const api = express.Router();
  mountRoutes(api, routes, { validateResponses: ctx.config.validateResponses });
  app.use(api);
  app.use("/api", (req, _res, next) => next(notFound(`${req.method} ${req.path}`)));
  app.use(auditRefusalsAfterRollback(ctx.db));
  app.use(problemHandler(ctx.log));
  return { app, routes, cleanUpUploads: uploads.cleanUp };
}

const BUILT_ADDINS = fileURLToPath(new URL("../dist/addins/", import.meta.url));
// webpack's content-hashed names (taskpane.0123456789.js, its .map and .LICENSE.txt) never change content.
const CONTENT_HASHED = /\.[0-9a-f]{10}\.js(\.map|\.LICENSE\.txt)?$/;

// Office on the web frames the task pane from these origins (Word, Excel and PowerPoint on the web, Outlook
// on the web and new Outlook, documents opened from SharePoint/OneDrive); desktop Office shows it in a
// webview, which has no ancestor. office.js comes from Microsoft's CDN and loads its host scripts from there.
const OFFICE_FRAME_ANCESTORS = [
  "https://*.officeapps.live.com",
  "https://*.office.com",
  "https://*.office365.com",
  "https://*.cloud.microsoft",
  "https://outlook.live.com",
  "https://*.outlook.com",
  "https://*.sharepoint.com",
  "https://onedrive.live.com",
];
const OFFICE_JS = "https://appsforoffice.microsoft.com";
/** The task pane holds the API token: script only from here and office.js's CDN, framed only by Office. */
export const TASK_PANE_CSP = [
  "default-src 'self'",
  `script-src 'self' ${OFFICE_JS}`,
  // Fluent UI (Griffel) inserts its styles at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  `connect-src 'self' ${OFFICE_JS}`,
  `frame-src 'self' ${OFFICE_JS}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  `frame-ancestors 'self' ${OFFICE_FRAME_ANCESTORS.join(" ")}`,
].join("; ");

/** The Office task pane built by `npm run build:addins`: hashed files cached for good, the rest revalidated. */
export function addinsStatic(dir = BUILT_ADDINS): Handler {
  const files = express.static(dir, {
    index: false,
    redirect: false,
    setHeaders: (res, file) => {
      res.setHeader("Cache-Control", CONTENT_HASHED.test(file) ? "public, max-age=31536000, immutable" : "no-cache");
      if (file.endsWith(".html")) res.setHeader("Content-Security-Policy", TASK_PANE_CSP);
    },
  });
  return (req, res, next) => {
    if (!existsSync(dir)) return next(new Problem(404, "addins_not_built", "The Office add-ins are not built; run `npm run build:addins`."));
    files(req, res, (err?: unknown) => next(err ?? notFound(`${req.method} /addins${req.path}`)));
  };
}
