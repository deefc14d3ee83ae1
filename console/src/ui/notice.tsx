import type { ComponentChildren } from "preact";
import { type Problem, retryable } from "../api";

/** A problem in words, with the request id to quote, and a retry where one may help. */
export function ProblemNotice({
  problem,
  onRetry,
  title,
}: {
  problem: Problem;
  onRetry?: () => void;
  title?: string;
}) {
  const wait = problem.status === 429 ? waitText(problem.retryAfter) : undefined;
  return (
    <div class="notice notice-error" role="alert">
      <p>
        <strong>{title ?? headline(problem)}</strong> {problem.message}
        {wait && <> {wait}</>}
      </p>
      {problem.requestId && <p class="muted small">Request id: {problem.requestId}</p>}
      {onRetry && retryable(problem) && (
        <button type="button" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

function headline(problem: Problem) {
  if (problem.status === 0) return "Offline.";
  if (problem.status === 429) return "Too many requests.";
  if (problem.status >= 500) return "Weft had a problem.";
  if (problem.status === 409) return "Conflict.";
  if (problem.status === 404) return "Not found.";
  return "Not saved.";
}

function waitText(seconds: number | undefined) {
  return seconds ? `Weft asks to wait ${seconds} s before retrying.` : "Wait a moment, then retry.";
}

/** A screen's data is on its way. */
export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <p class="muted" role="status">
      {what}…
    </p>
  );
}

/** A confirmation of what just happened, read out by screen readers. */
export function Done({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice notice-ok" role="status">
      {children}
    </div>
  );
}
