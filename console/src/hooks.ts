import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { idempotencyKey, type Problem, problemOf } from "./api";

export type Loaded<T> = {
  data: T | undefined;
  problem: Problem | undefined;
  loading: boolean;
  reload: () => void;
  /** Replaces the data after a change the screen made itself. */
  set: (data: T) => void;
};

/** Loads data for a screen; reloads when `deps` change; a late answer to an old load is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{
    data: T | undefined;
    problem: Problem | undefined;
    loading: boolean;
  }>({ data: undefined, problem: undefined, loading: true });
  const [round, setRound] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const mine = ++latest.current;
    setState((previous) => ({ data: previous.data, problem: undefined, loading: true }));
    load().then(
      (data) => mine === latest.current && setState({ data, problem: undefined, loading: false }),
      (error) =>
        mine === latest.current &&
        setState({ data: undefined, problem: problemOf(error), loading: false }),
    );
  }, [...deps, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const set = useCallback((data: T) => setState({ data, problem: undefined, loading: false }), []);
  return { ...state, reload, set };
}

export type Submit<A extends unknown[]> = {
  pending: boolean;
  problem: Problem | undefined;
  /** Runs the handler; a failure is kept as `problem` (and `submit` again is the retry). */
  submit: (...args: A) => Promise<void>;
  clear: () => void;
};

/**
 * A form's submission: `handler` does the call and whatever follows its success (it throws on
 * failure). `pending` is for progress; the API's problem is kept for the form to show; calling
 * `submit` again retries the whole thing.
 */
export function useSubmit<A extends unknown[] = []>(
  handler: (...args: A) => Promise<void>,
): Submit<A> {
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<Problem>();
  const latest = useRef(handler);
  latest.current = handler;
  const submit = useCallback(async (...args: A) => {
    setPending(true);
    setProblem(undefined);
    try {
      await latest.current(...args);
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setPending(false);
    }
  }, []);
  const clear = useCallback(() => setProblem(undefined), []);
  return { pending, problem, submit, clear };
}

/**
 * The `idempotency-key` of one create: the same across its retries (a create whose answer was
 * lost is not made twice), a new one once it succeeded.
 */
export function useIdempotencyKey() {
  const key = useRef<string | undefined>(undefined);
  return {
    current: () => {
      key.current ??= idempotencyKey();
      return key.current;
    },
    renew: () => {
      key.current = undefined;
    },
  };
}

/**
 * Runs `tick` every `ms` while the page is visible, and at once when it becomes visible again; a
 * tick answers how long to wait next (a 429's retry-after) or undefined for the usual. Returns a
 * function that runs a tick now (a Retry button).
 */
export function useWhileVisible(tick: () => Promise<number | undefined>, ms: number) {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  const nowRef = useRef<() => void>(() => {});
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const schedule = (delay: number) => {
      clearTimeout(timer);
      if (!stopped && document.visibilityState === "visible") timer = setTimeout(step, delay);
    };
    const step = async () => {
      const wait = await tickRef.current().catch(() => undefined);
      schedule(wait ?? ms);
    };
    const onVisibility = () => {
      if (document.visibilityState === "visible") schedule(0);
      else clearTimeout(timer);
    };
    nowRef.current = () => schedule(0);
    document.addEventListener("visibilitychange", onVisibility);
    schedule(ms);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [ms]);
  return useCallback(() => nowRef.current(), []);
}

/** A screen's URL with its state in the query string (empty values left out), for `route`. */
export function withQuery(path: string, values: Record<string, string | number | undefined>) {
  const query = new URLSearchParams(
    Object.entries(values)
      .filter(([, v]) => v !== undefined && v !== "")
      .map(([k, v]) => [k, String(v)]),
  );
  return query.size ? `${path}?${query}` : path;
}
