// Starts Swagger UI on /api/docs. It lives in a file, not in the page, because the
// Content-Security-Policy allows no inline script. The schema's URL comes from the page.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    // No deep links: each would be a link inside the operation's toggle button, two
    // controls in one that a screen reader cannot tell apart (axe: nested-interactive).
    deepLinking: false,
    // The public validator would be a request to another site, which CSP refuses.
    validatorUrl: null,
  });
})();
