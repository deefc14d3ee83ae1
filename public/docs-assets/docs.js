// Starts Swagger UI on /docs. Everything comes from this origin (the page's CSP allows nothing
// else): the UI from /docs-assets/swagger/, the document from the page's `data-url`.
/* global SwaggerUIBundle */
(() => {
  const root = document.getElementById("swagger-ui");

  /** A random (v4) UUID; crypto.randomUUID exists only on https and localhost. */
  function uuid() {
    if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /** [method, path pattern] of every operation that takes an `idempotency-key` header. */
  let idempotent = [];
  function readIdempotentOperations(spec) {
    const parameters = spec.components?.parameters ?? {};
    const resolve = (p) => (p.$ref ? parameters[p.$ref.split("/").pop()] : p) ?? {};
    idempotent = [];
    for (const [path, item] of Object.entries(spec.paths ?? {})) {
      const pattern = new RegExp(`^${path.replace(/\{[^/}]+\}/g, "[^/]+")}$`);
      for (const [method, operation] of Object.entries(item)) {
        const takesKey = (operation.parameters ?? [])
          .map(resolve)
          .some((p) => p.in === "header" && p.name === "idempotency-key");
        if (takesKey) idempotent.push([method.toUpperCase(), pattern]);
      }
    }
  }

  const ui = SwaggerUIBundle({
    url: root.dataset.url,
    dom_id: "#swagger-ui",
    deepLinking: true,
    displayOperationId: true,
    // The badge would ask validator.swagger.io; keys typed into "Authorize" stay in this tab only.
    validatorUrl: null,
    persistAuthorization: false,
    onComplete() {
      readIdempotentOperations(ui.specSelectors.specJson().toJS());
    },
    // A fresh idempotency-key for each creating request that has none, so "Execute" twice
    // creates twice instead of replaying (or, with another body, answering 409).
    requestInterceptor(request) {
      const method = (request.method ?? "GET").toUpperCase();
      const path = new URL(request.url, window.location.href).pathname;
      const headers = request.headers ?? {};
      const hasKey = Object.keys(headers).some((name) => name.toLowerCase() === "idempotency-key");
      if (!hasKey && idempotent.some(([m, pattern]) => m === method && pattern.test(path))) {
        request.headers = { ...headers, "idempotency-key": uuid() };
      }
      return request;
    },
  });
})();
