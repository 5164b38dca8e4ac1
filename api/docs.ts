import path from 'node:path';
import { Router } from 'express';

/**
 * Where swagger-ui-dist is installed, looked up when an asset is first asked for: a checkout whose
 * node_modules predates the package then loses /docs only, not the whole API.
 */
let swaggerUiDir: string | undefined;
const swaggerUiFile = (name: string) =>
  path.join((swaggerUiDir ??= path.dirname(require.resolve('swagger-ui-dist/package.json'))), name);
/** The files of swagger-ui-dist the page uses (its demo page and initializer are not served). */
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js'];
const INIT_SCRIPT = path.join(__dirname, 'docs-assets', 'swagger-init.js');

/** The API reference page: Swagger UI over /openapi.json, its assets from node_modules, no inline script. */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Delegated-tasks tracker API reference</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<noscript><p>This reference needs JavaScript. The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p></noscript>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-init.js"></script>
</body>
</html>
`;

/** GET /docs (the reference, with try-it), its Swagger UI assets and its start-up script. */
export function docsRoutes(): Router {
  const router = Router();
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/swagger-init.js', (_req, res) => {
    res.type('application/javascript').sendFile(INIT_SCRIPT);
  });
  for (const name of ASSETS) {
    router.get(`/docs/assets/${name}`, (_req, res) => {
      res.sendFile(swaggerUiFile(name), { maxAge: '1d' });
    });
  }
  return router;
}
