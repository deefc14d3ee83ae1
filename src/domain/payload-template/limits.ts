/** Bounds on templates (checked when saved and again before rendering) and on what they render. */

/** A template serialised as JSON, in UTF-8 bytes. */
export const MAX_TEMPLATE_BYTES = 16 * 1024;

/** Arrays and objects nested inside each other (the template itself is level 1). */
export const MAX_TEMPLATE_DEPTH = 16;

/** Placeholders in one template, counted over all its strings. */
export const MAX_PLACEHOLDERS = 200;

/** A rendered body serialised as JSON, in UTF-8 bytes. */
export const MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * Characters that filters read and write over one rendering. Bounds the time hashing can take
 * (a few milliseconds) and the memory a chain like `| json | json | json` can grow to.
 */
export const MAX_FILTER_WORK = 256 * 1024;

/** A rendered URL, in characters. */
export const MAX_URL_LENGTH = 8 * 1024;

/** Problems reported for one template (the rest would only lengthen a 422). */
export const MAX_PROBLEMS = 20;
