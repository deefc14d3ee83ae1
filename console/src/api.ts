import {
  type components,
  createWeftClient,
  type ErrorBody,
  type WeftClient,
} from "../../clients/typescript/src/index";

/**
 * The console's only way to Weft: the typed client (clients/typescript) on this origin's /v1,
 * with the admin key the organiser signed in with. The key lives in sessionStorage (this tab,
 * this origin, until sign-out or the tab closes), never in a cookie.
 */

export type Schemas = components["schemas"];
export type Detail = { path: string; message: string };

/** What went wrong with a call, in words the screens show. */
export type Problem = {
  /** 0 when Weft could not be reached at all. */
  status: number;
  code: string;
  message: string;
  details: Detail[];
  requestId?: string;
  /** Seconds to wait, from `retry-after` (429, 503). */
  retryAfter?: number;
};

export class ApiProblem extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.message);
    this.problem = problem;
  }
}

const STORAGE_KEY = "weft.console.admin-key";

let client: WeftClient | null = null;
const signedOutListeners = new Set<(reason?: string) => void>();

function clientFor(key: string) {
  return createWeftClient({ baseUrl: location.origin, key });
}

/** The signed-in client; screens render only while there is one. */
export function api(): WeftClient {
  if (!client) throw new Error("not signed in");
  return client;
}

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** Resumes the session of this tab (a reload keeps the key; a new tab asks again). */
export function resume(): boolean {
  const key = storedKey();
  client = key ? clientFor(key) : null;
  return client !== null;
}

/** Checks the key with `GET /v1/account` and keeps it only if Weft accepts it. */
export async function signIn(key: string) {
  const candidate = clientFor(key.trim());
  const { data } = await send(candidate.GET("/v1/account"), { signOutOn401: false });
  sessionStorage.setItem(STORAGE_KEY, key.trim());
  client = candidate;
  return data;
}

/** Forgets the key. `reason` is shown on the sign-in screen. */
export function signOut(reason?: string) {
  sessionStorage.removeItem(STORAGE_KEY);
  client = null;
  for (const listener of signedOutListeners) listener(reason);
}

export function onSignedOut(listener: (reason?: string) => void) {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

type Result<B> = { data?: B; error?: unknown; response: Response };

/**
 * The body of a successful call, or an ApiProblem with the API's error (its `details` name the
 * fields), a 429's wait, or "could not reach Weft". A 401 means the key stopped working (revoked):
 * the console signs out and says so.
 */
export async function send<B>(
  request: Promise<Result<B>>,
  options: { signOutOn401?: boolean } = {},
): Promise<B> {
  let result: Result<B>;
  try {
    result = await request;
  } catch {
    throw new ApiProblem({
      status: 0,
      code: "NETWORK",
      message: "Weft could not be reached. Check the connection, then retry.",
      details: [],
    });
  }
  const { response } = result;
  if (response.ok) return result.data as B;
  const body = (result.error as ErrorBody | undefined)?.error;
  const retryAfter = Number(response.headers.get("retry-after")) || undefined;
  const problem: Problem = {
    status: response.status,
    code: body?.code ?? `HTTP_${response.status}`,
    message: body?.message ?? `Weft answered ${response.status}.`,
    details: body?.details ?? [],
    requestId: body?.request_id ?? response.headers.get("x-request-id") ?? undefined,
    retryAfter,
  };
  if (response.status === 401 && options.signOutOn401 !== false) {
    signOut("Weft no longer accepts this key (revoked or expired). Sign in again.");
  }
  throw new ApiProblem(problem);
}

export function problemOf(error: unknown): Problem {
  if (error instanceof ApiProblem) return error.problem;
  return {
    status: -1,
    code: "CONSOLE",
    message: error instanceof Error ? error.message : String(error),
    details: [],
  };
}

/** Whether trying the same call again may work (rate limited, unavailable, unreachable). */
export function retryable(problem: Problem) {
  return problem.status === 0 || problem.status === 429 || problem.status >= 500;
}

/** A fresh `idempotency-key` (crypto.randomUUID exists only in secure contexts). */
export function idempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Every page of a list, for the small lists a form picks from (profiles, integrations, webhooks). */
export async function allPages<T>(
  load: (page: number) => Promise<{ data: T[]; meta: Schemas["PageMeta"] }>,
): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const { data, meta } = await load(page);
    items.push(...data);
    if (page >= meta.last_page) return items;
  }
}
