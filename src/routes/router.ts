import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { ApiError, type ErrorDetail } from "../errors";

type Issue = { path: PropertyKey[]; message: string; code?: string; keys?: string[] };

/**
 * zod issues as the contract's `details`: one entry per problem, path dotted. A property the
 * request does not take (read-only like `id`, or unknown) is named in its own entry.
 */
export function issueDetails(issues: readonly Issue[]): ErrorDetail[] {
  return issues.flatMap((issue) => {
    const dotted = (path: PropertyKey[]) => path.map(String).join(".");
    if (issue.code === "unrecognized_keys" && issue.keys) {
      return issue.keys.map((key) => ({
        path: dotted([...issue.path, key]),
        message: "Not a property this request takes (read-only or unknown).",
      }));
    }
    return [{ path: dotted(issue.path), message: issue.message }];
  });
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
