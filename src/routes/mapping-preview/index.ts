import { createRouter } from "../router";
import * as handlers from "./mapping-preview.handlers";
import * as routes from "./mapping-preview.routes";

export const mappingPreviewRouter = createRouter().openapi(
  routes.previewMapping,
  handlers.previewMapping,
);
