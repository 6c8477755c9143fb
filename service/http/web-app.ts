import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Handler } from "express";
import { notFound } from "./problem.ts";

const BUILT_WEB = fileURLToPath(new URL("../../dist/web/", import.meta.url));
// webpack's content-hashed names (app.0123456789.js, its .map and .LICENSE.txt) never change content.
const CONTENT_HASHED = /\.[0-9a-f]{10}\.js(\.map|\.LICENSE\.txt)?$/;
// The build's JavaScript, each beside its brotli (.br) and gzip (.gz) form (webpack.config.js PrecompressPlugin).
const BUILT_SCRIPT = /^\/[\w.-]+\.js$/;
// A request for a file (a name with an extension) that is not there is answered 404, never with the app's page.
const LOOKS_LIKE_A_FILE = /\/[^/]+\.[A-Za-z0-9]{1,8}$/;
// Paths other parts of the service own; the web app never answers for them.
const NOT_THE_WEB_APP = /^\/(api|addins)(\/|$)/;

/**
 * The web view's page. The session cookie is httpOnly, but the page can still act with it, so nothing but
 * the service's own bundle may run: no inline script, no eval, no other origin. Fluent UI (Griffel) inserts
 * its styles at run time as <style> elements, which needs 'unsafe-inline' for styles only.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The page that signs an Office add-in in runs in Office's dialog and hands the one-time code back with
 * Office.context.ui.messageParent, for which it loads office.js from Microsoft's CDN: on that page only,
 * script-src also allows the CDN. Every other directive is the web view's.
 */
export const OFFICE_DIALOG_CSP = WEB_APP_CSP.replace("script-src 'self'", "script-src 'self' https://appsforoffice.microsoft.com");
const OFFICE_DIALOG_PAGE = /^\/forbind\/(outlook|word|excel|powerpoint)\/?$/;

// Said in both languages because the web app's own texts are what is missing.
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="da">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>IMS Case</title></head>
<body>
<h1>IMS Case</h1>
<p>Webvisningen er ikke bygget på serveren. Kontakt en administrator.</p>
<p lang="en">The web view is not built on this server (web_not_built): run <code>npm run build:addins</code>.</p>
</body>
</html>
`;

/**
 * The web view built by webpack into dist/web: hashed assets cached for good, and index.html (never cached)
 * for `/` and every deep link (/sager/…, /log-ind) so the browser's router takes over.
 */
export function webApp(dir = BUILT_WEB): Handler {
  const assets = express.static(dir, {
    index: false,
    redirect: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      res.setHeader("Cache-Control", CONTENT_HASHED.test(file) ? "public, max-age=31536000, immutable" : "no-cache");
      if (file.endsWith(".html")) res.setHeader("Content-Security-Policy", WEB_APP_CSP);
    },
  });
  const compressed = precompressed(dir);
  const page = (req: express.Request, res: express.Response) => {
    res.setHeader("Content-Security-Policy", OFFICE_DIALOG_PAGE.test(req.path) ? OFFICE_DIALOG_CSP : WEB_APP_CSP);
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(path.join(dir, "index.html"));
  };
  return (req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || NOT_THE_WEB_APP.test(req.path)) return next();
    if (!existsSync(path.join(dir, "index.html"))) {
      res.setHeader("Content-Security-Policy", "default-src 'none'");
      res.setHeader("Cache-Control", "no-cache");
      return res.status(503).type("html").send(NOT_BUILT_PAGE);
    }
    if (req.path === "/" || req.path === "/index.html") return page(req, res);
    if (compressed(req, res)) return;
    assets(req, res, (err?: unknown) => {
      if (err) return next(err);
      if (LOOKS_LIKE_A_FILE.test(req.path)) return next(notFound(`${req.method} ${req.path}`));
      page(req, res);
    });
  };
}

/**
 * Sends a built script in the compressed form the browser accepts (brotli first, then gzip) when the build
 * wrote one: a script of the first load goes out at a fifth of its size. True when it answered.
 */
function precompressed(dir: string): (req: express.Request, res: express.Response) => boolean {
  const encodings = [
    { name: "br", suffix: ".br" },
    { name: "gzip", suffix: ".gz" },
  ];
  return (req, res) => {
    if (!BUILT_SCRIPT.test(req.path)) return false;
    const name = path.basename(req.path);
    // The smallest the browser takes at all, whatever its order of preference among equals.
    const chosen = encodings.find((e) => req.acceptsEncodings(e.name) === e.name && existsSync(path.join(dir, name + e.suffix)));
    if (!chosen || !existsSync(path.join(dir, name))) return false;
    res.setHeader("Content-Type", "application/javascript; charset=utf-8");
    res.setHeader("Content-Encoding", chosen.name);
    res.setHeader("Vary", "Accept-Encoding");
    res.setHeader("Cache-Control", CONTENT_HASHED.test(name) ? "public, max-age=31536000, immutable" : "no-cache");
    res.sendFile(path.join(dir, name + chosen.suffix), { dotfiles: "deny" });
    return true;
  };
}
