import { useState } from "preact/hooks";
import { api, idempotencyKey, type Problem, problemOf, type Schemas, send } from "../api";
import { useLoad } from "../hooks";
import { Done, ProblemNotice } from "./notice";

type Delivery = Schemas["Delivery"];

/** The manual webhooks that apply to an event or an attendee (`*.manual`), labelled by name. */
function useActions(subject: "event" | "attendee", uid: string | undefined) {
  return useLoad(async () => {
    if (!uid) return [];
    const params = { path: { uid }, query: { page_size: 200 } };
    const { data } =
      subject === "event"
        ? await send(api().GET("/v1/events/{uid}/actions", { params }))
        : await send(api().GET("/v1/attendees/{uid}/actions", { params }));
    return data;
  }, [subject, uid]);
}

/** `key` is the press's `idempotency-key`: a Retry sends it again, so a lost answer runs once. */
function run(subject: "event" | "attendee", uid: string, webhookId: string, key: string) {
  const params = { path: { uid, webhook_id: webhookId }, header: { "idempotency-key": key } };
  return subject === "event"
    ? send(api().POST("/v1/events/{uid}/actions/{webhook_id}", { params }))
    : send(api().POST("/v1/attendees/{uid}/actions/{webhook_id}", { params }));
}

function Sent({ name, deliveries }: { name: string; deliveries: Delivery[] }) {
  return (
    <Done>
      Sent “{name}”:{" "}
      {deliveries.map((delivery, i) => (
        <span key={delivery.id}>
          {i > 0 && ", "}
          <a href={`/console/deliveries/${delivery.id}`}>delivery {delivery.id}</a>
        </span>
      ))}
      .
    </Done>
  );
}

/**
 * One button per manual webhook of the integration that applies here, labelled with the webhook's
 * name (as the product's actions menu): pressing it sends the event or attendee now.
 */
export function ManualActions({ subject, uid }: { subject: "event" | "attendee"; uid: string }) {
  const actions = useActions(subject, uid);
  const [pending, setPending] = useState<string>();
  const [sent, setSent] = useState<{ name: string; delivery: Delivery }>();
  const [failed, setFailed] = useState<{
    action: Schemas["ManualAction"];
    key: string;
    problem: Problem;
  }>();
  const press = async (action: Schemas["ManualAction"], key = idempotencyKey()) => {
    setPending(action.webhook_id);
    setFailed(undefined);
    setSent(undefined);
    try {
      const { data } = await run(subject, uid, action.webhook_id, key);
      setSent({ name: action.name, delivery: data });
    } catch (error) {
      setFailed({ action, key, problem: problemOf(error) });
    } finally {
      setPending(undefined);
    }
  };
  if (actions.problem) return <ProblemNotice problem={actions.problem} onRetry={actions.reload} />;
  const list = actions.data ?? [];
  return (
    <div class="manual-actions">
      {list.length === 0 && !actions.loading && (
        <p class="muted">
          No manual action here: add a <code>{subject === "event" ? "event" : "guest"}.manual</code>{" "}
          webhook to the integration that applies.
        </p>
      )}
      <div class="button-row">
        {list.map((action) => (
          <button
            type="button"
            key={action.webhook_id}
            disabled={pending !== undefined}
            aria-busy={pending === action.webhook_id ? "true" : undefined}
            onClick={() => press(action)}
          >
            {action.name}
          </button>
        ))}
      </div>
      <div aria-live="polite">
        {pending && <p class="muted">Sending…</p>}
        {sent && <Sent name={sent.name} deliveries={[sent.delivery]} />}
      </div>
      {failed && (
        <ProblemNotice
          problem={failed.problem}
          title={notSent(failed.action.name, failed.problem)}
          onRetry={() => press(failed.action, failed.key)}
        />
      )}
    </div>
  );
}

/** The `guest.manual` webhooks that apply to an event's attendees: what a selection can run. */
function useSelectionActions(eventUid: string) {
  return useLoad(async () => {
    const { data } = await send(
      api().GET("/v1/events/{uid}/attendee-actions", {
        params: { path: { uid: eventUid }, query: { page_size: 200 } },
      }),
    );
    return data;
  }, [eventUid]);
}

/**
 * The same buttons for a selection of an event's attendees: one request runs the action for all
 * of them (all or none: a uid that is not the event's is a 422 naming it, and nothing runs).
 */
export function SelectionActions({
  eventUid,
  selected,
  onDone,
}: {
  eventUid: string;
  selected: readonly string[];
  onDone?: () => void;
}) {
  const actions = useSelectionActions(eventUid);
  const [pending, setPending] = useState<{ name: string; count: number }>();
  const [sent, setSent] = useState<{ name: string; deliveries: Delivery[] }>();
  const [failed, setFailed] = useState<{
    action: Schemas["ManualAction"];
    uids: readonly string[];
    key: string;
    problem: Problem;
  }>();
  const press = async (
    action: Schemas["ManualAction"],
    uids: readonly string[] = selected,
    key = idempotencyKey(),
  ) => {
    setSent(undefined);
    setFailed(undefined);
    setPending({ name: action.name, count: uids.length });
    try {
      const { data } = await send(
        api().POST("/v1/events/{uid}/attendee-actions/{webhook_id}", {
          params: {
            path: { uid: eventUid, webhook_id: action.webhook_id },
            header: { "idempotency-key": key },
          },
          body: { guest_uids: [...uids] },
        }),
      );
      setSent({ name: action.name, deliveries: data.map((run) => run.delivery) });
      onDone?.();
    } catch (error) {
      setFailed({ action, uids, key, problem: problemOf(error) });
    } finally {
      setPending(undefined);
    }
  };
  if (actions.problem) return <ProblemNotice problem={actions.problem} onRetry={actions.reload} />;
  if (!actions.data?.length) return null;
  return (
    <div class="selection-actions">
      <p class="muted small">On the selected attendees:</p>
      <div class="button-row">
        {actions.data.map((action) => (
          <button
            type="button"
            key={action.webhook_id}
            disabled={selected.length === 0 || pending !== undefined}
            aria-busy={pending?.name === action.name ? "true" : undefined}
            onClick={() => press(action)}
          >
            {action.name} ({selected.length} selected)
          </button>
        ))}
      </div>
      <div aria-live="polite">
        {pending && (
          <p class="muted">
            Sending “{pending.name}” to {pending.count}{" "}
            {pending.count === 1 ? "attendee" : "attendees"}…
          </p>
        )}
        {sent && <Sent name={sent.name} deliveries={sent.deliveries} />}
      </div>
      {failed && (
        <ProblemNotice
          problem={{ ...failed.problem, message: withAttendees(failed.problem, failed.uids) }}
          title={notSent(failed.action.name, failed.problem)}
          onRetry={() => press(failed.action, failed.uids, failed.key)}
        />
      )}
    </div>
  );
}

/**
 * Weft writes nothing of a refused action; without an answer it may have run, and the Retry (same
 * `idempotency-key`) then answers that run instead of sending again.
 */
function notSent(name: string, problem: Problem) {
  return problem.status === 0
    ? `“${name}”: no answer from Weft. Retry sends it at most once.`
    : `“${name}” not sent: nothing ran.`;
}

/** The API's message, and each `guest_uids.N` it names as the attendee's uid. */
function withAttendees(problem: Problem, uids: readonly string[]) {
  const named = problem.details.flatMap((detail) => {
    const index = /^guest_uids\.(\d+)$/.exec(detail.path)?.[1];
    return index === undefined ? [] : [`${uids[Number(index)] ?? detail.path}: ${detail.message}`];
  });
  return [problem.message, ...named].join(" ");
}
