/**
 * The payload template language of webhooks: a JSON body (and a URL) with `{{ path | filter }}`
 * placeholders filled from the item, the event, the trigger and the account. Pure: no D1, no env.
 *
 * Our own small language, not LiquidJS (10.30.1). LiquidJS runs in workerd (no eval, sync
 * rendering, strictFilters, memoryLimit all work), but it added 25.8 KiB gzip to a 178.7 KiB
 * Worker for 88 filters and 21 tags we would have to delete again (include/render/layout read
 * files); it finds unknown variables only while rendering (validation would walk its internal
 * AST), does not check filter arguments (`default:` with none parses), its renderLimit is wall
 * time (so the API's preview and the consumer could disagree), and it renders text, while
 * templates here are JSON whose placeholders keep their type. The language below is small
 * enough to read in one sitting and is tested with property tests.
 */

export { TemplateError, type TemplateProblem } from "./errors";
export { FILTER_NAMES } from "./filters";
export {
  MAX_FILTER_WORK,
  MAX_OUTPUT_BYTES,
  MAX_PLACEHOLDERS,
  MAX_PROBLEMS,
  MAX_TEMPLATE_BYTES,
  MAX_TEMPLATE_DEPTH,
  MAX_URL_LENGTH,
} from "./limits";
export { renderTemplate } from "./render";
export { RESERVED_ROOTS, type TemplateScope } from "./scope";
export { renderUrlTemplate, validateUrlTemplate } from "./url";
export { type ValidateOptions, validateTemplate } from "./validate";
