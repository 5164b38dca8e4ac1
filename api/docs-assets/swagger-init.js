// Starts Swagger UI on /docs from the API's own OpenAPI document. A file, not an inline script,
// so the page keeps helmet's Content-Security-Policy (script-src 'self').
window.addEventListener('load', function () {
  window.ui = window.SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // No call to the public validator service: everything /docs needs is served here.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
