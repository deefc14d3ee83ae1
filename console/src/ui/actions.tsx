import { useState } from "preact/hooks";
import { api, type Problem, problemOf, type Schemas, send } from "../api";
import { useLoad } from "../hooks";
import { Progress } from "./bits";
import { Done, ProblemNotice } from "./notice";

type Delivery = Schemas["Delivery"];

/** The manual webhooks that apply to an event or an attendee (`*.manual`), labelled by name. */
export function useActions(subject: "event" | "attendee", uid: string | undefined) {
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

function run(subject: "event" | "attendee", uid: string, webhookId: string) {
  const params = { path: { uid, webhook_id: webhookId } };
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
  const [failed, setFailed] = useState<{ action: Schemas["ManualAction"]; problem: Problem }>();
  const press = async (action: Schemas["ManualAction"]) => {
    setPending(action.webhook_id);
    setFailed(undefined);
    setSent(undefined);
    try {
      const { data } = await run(subject, uid, action.webhook_id);
      setSent({ name: action.name, delivery: data });
    } catch (error) {
      setFailed({ action, problem: problemOf(error) });
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
          title={`“${failed.action.name}” not sent.`}
          onRetry={() => press(failed.action)}
        />
      )}
    </div>
  );
}

/**
 * The same buttons for a selection of attendees: the action runs for each, with progress, and
 * reports what was sent and what failed.
 */
export function SelectionActions({
  actions,
  selected,
  onDone,
}: {
  actions: readonly Schemas["ManualAction"][];
  selected: readonly string[];
  onDone?: () => void;
}) {
  const [progress, setProgress] = useState<{ name: string; done: number; total: number }>();
  const [result, setResult] = useState<{
    action: Schemas["ManualAction"];
    sent: Delivery[];
    failed: { uid: string; problem: Problem }[];
  }>();
  /** Runs the action for each of `uids` (the selection, or the ones a Retry sends again). */
  const press = async (action: Schemas["ManualAction"], uids: readonly string[] = selected) => {
    setResult(undefined);
    const sent: Delivery[] = [];
    const failed: { uid: string; problem: Problem }[] = [];
    for (const [index, uid] of uids.entries()) {
      setProgress({ name: action.name, done: index, total: uids.length });
      try {
        sent.push((await run("attendee", uid, action.webhook_id)).data);
      } catch (error) {
        failed.push({ uid, problem: problemOf(error) });
      }
    }
    setProgress(undefined);
    setResult({ action, sent, failed });
    onDone?.();
  };
  return (
    <div class="selection-actions">
      <p class="muted small">On the selected attendees:</p>
      <div class="button-row">
        {actions.map((action) => (
          <button
            type="button"
            key={action.webhook_id}
            disabled={selected.length === 0 || progress !== undefined}
            onClick={() => press(action)}
          >
            {action.name} ({selected.length} selected)
          </button>
        ))}
      </div>
      {progress && (
        <Progress
          label={`Sending “${progress.name}”`}
          done={progress.done}
          total={progress.total}
        />
      )}
      {result && result.sent.length > 0 && (
        <Sent name={result.action.name} deliveries={result.sent} />
      )}
      {result?.failed[0] && (
        <ProblemNotice
          problem={result.failed[0].problem}
          title={`${result.failed.length} of ${result.failed.length + result.sent.length} not sent.`}
          onRetry={() =>
            press(
              result.action,
              result.failed.map((f) => f.uid),
            )
          }
        />
      )}
    </div>
  );
}
