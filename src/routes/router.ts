import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, type ErrorDetail } from "../errors";

type Issue = { path: PropertyKey[]; message: string };

/** zod issues as the contract's `details`: one entry per problem, path dotted. */
export function issueDetails(issues: readonly Issue[]): ErrorDetail[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/** A router whose request validation failures become `VALIDATION_FAILED` errors. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new ApiError("VALIDATION_FAILED", "The request did not match the schema.", {
          details: issueDetails(result.error.issues),
        });
      }
    },
  });
}
