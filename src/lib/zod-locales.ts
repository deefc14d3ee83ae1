/**
 * Stands in for zod's locale index in the Worker's bundle (wrangler.toml `[alias]`): @hono/zod-openapi
 * extends the whole `z` namespace, so every locale zod ships (260 KiB of the bundle's 915) was kept.
 * Weft answers in English only, the locale zod configures by default.
 */
export { default as en } from "zod/v4/locales/en.js";
