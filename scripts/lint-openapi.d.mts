// Types of scripts/lint-openapi.mjs, for the tests that import it.
export type LintResult = { errors: number; warnings: number; problems: string[] };
export function lintOpenApi(file: string): Promise<{ spectral: LintResult; redocly: LintResult }>;
