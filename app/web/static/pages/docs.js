// Swagger UI on the app's own OpenAPI document; nothing is loaded from another host.
/* global SwaggerUIBundle */
const root = document.getElementById("swagger-ui");
SwaggerUIBundle({
  url: root.dataset.spec,
  domNode: root,
  deepLinking: true,
  // The default would ask validator.swagger.io about the document.
  validatorUrl: null,
});
