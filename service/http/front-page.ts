import type { Handler } from "express";

// Until the web view exists, the service's root says what it is and where its parts are.
const PAGE = `<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IMS Case</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#242424}code{background:#f3f3f3;padding:0 .25rem}</style>
</head>
<body>
<h1>IMS Case</h1>
<p>Arkivet kører. / The archive is running.</p>
<ul>
<li>API: <a href="/api/openapi.json"><code>/api/openapi.json</code></a> (OpenAPI 3.1)</li>
<li>Gem i IMS Case (Office): <a href="/addins/taskpane.html"><code>/addins/taskpane.html</code></a></li>
<li>Sundhed / health: <a href="/api/health"><code>/api/health</code></a></li>
</ul>
</body>
</html>
`;

export const frontPage: Handler = (_req, res) => {
  res.setHeader("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
  res.type("html").send(PAGE);
};
