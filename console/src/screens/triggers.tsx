import { useLocation } from "preact-iso";
import { api, type Schemas, send } from "../api";
import { optionsOf, TRIGGER_OUTCOMES, TRIGGERS } from "../contract";
import { useLoad, withQuery } from "../hooks";
import { Badge, isoFromLocal, localInput, Pager, TableBox, Time } from "../ui/bits";
import { SelectField, TextField } from "../ui/form";
import { Loading, ProblemNotice } from "../ui/notice";
import { Screen } from "../ui/screen";

type Trigger = Schemas["Trigger"];
type Outcome = NonNullable<Trigger["outcome"]>;
type Filters = { event_uid?: string; type?: string; outcome?: string; since?: string };

const PAGE_SIZE = 50;

/** Why a trigger sent nothing, in the words of `GET /v1/triggers`'s `outcome`. */
const NOTHING_SENT: Record<Exclude<Outcome, "fired">, string> = {
  no_active_integration: "no integration applies to the event",
  integration_webhooks_disabled: "the integration's webhooks are switched off",
  event_webhooks_disabled: "the event's override switches webhooks off",
  payment_not_enabled: "a payment, and fire on payment is off for the event",
  no_webhook_for_trigger: "no webhook of the integration listens to this trigger",
  event_not_in_event_uids: "its webhooks name other events",
  webhook_disabled: "the webhooks that would fire are disabled",
};

function OutcomeText({ trigger }: { trigger: Trigger }) {
  if (trigger.status === "failed") {
    return <Badge tone="bad">failed{trigger.error ? `: ${trigger.error}` : ""}</Badge>;
  }
  if (trigger.status === "pending" || trigger.outcome === null) {
    return <Badge tone="warn">pending</Badge>;
  }
  if (trigger.outcome === "fired") {
    const count = trigger.delivery_count;
    return <Badge tone="ok">sent: {count === 1 ? "1 delivery" : `${count} deliveries`}</Badge>;
  }
  return <Badge tone="warn">nothing sent: {NOTHING_SENT[trigger.outcome]}</Badge>;
}

/**
 * The trigger log: every change that could fire webhooks and every manual action, newest first,
 * with what came of it (its deliveries, or why none). Filters and page live in the URL.
 */
export function Triggers() {
  const { query, path, route } = useLocation();
  const filters: Filters = {
    event_uid: query.event_uid || undefined,
    type: query.type || undefined,
    outcome: query.outcome || undefined,
    since: query.since || undefined,
  };
  const page = Number(query.page) || undefined;
  const events = useLoad(
    async () =>
      (await send(api().GET("/v1/events", { params: { query: { page_size: 200 } } }))).data,
    [],
  );
  const log = useLoad(async () => {
    const load = (n: number) =>
      send(
        api().GET("/v1/triggers", {
          params: {
            query: {
              page: n,
              page_size: PAGE_SIZE,
              ...(filters.event_uid ? { event_uid: filters.event_uid } : {}),
              ...(filters.type ? { type: filters.type as Trigger["type"] } : {}),
              ...(filters.outcome ? { outcome: filters.outcome as Outcome } : {}),
              ...(filters.since ? { since: filters.since } : {}),
            },
          },
        }),
      );
    // The API lists oldest first: without a page, the newest is the last one.
    const first = await load(page ?? 1);
    return page || first.meta.last_page <= 1 ? first : load(first.meta.last_page);
  }, [JSON.stringify(filters), page]);
  const go = (change: Filters & { page?: number }) =>
    route(withQuery(path, { ...filters, page: undefined, ...change }));
  const rows = [...(log.data?.data ?? [])].reverse();
  return (
    <Screen title="Trigger log">
      <p class="muted">
        Every change that could fire webhooks, and every manual action, for 30 days: the deliveries
        it made, or why it made none.
      </p>
      <form
        class="toolbar filters"
        aria-label="Filter triggers"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          label="Event"
          name="event_uid"
          value={filters.event_uid ?? ""}
          onValue={(event_uid) => go({ event_uid })}
          options={[
            { value: "", label: "All events" },
            ...(events.data ?? []).map((event) => ({ value: event.uid, label: event.name })),
            ...(filters.event_uid && !events.data?.some((e) => e.uid === filters.event_uid)
              ? [{ value: filters.event_uid, label: filters.event_uid }]
              : []),
          ]}
        />
        <SelectField
          label="Trigger"
          name="type"
          value={filters.type ?? ""}
          onValue={(type) => go({ type })}
          options={[{ value: "", label: "All triggers" }, ...optionsOf(TRIGGERS)]}
        />
        <SelectField
          label="Outcome"
          name="outcome"
          value={filters.outcome ?? ""}
          onValue={(outcome) => go({ outcome })}
          options={[
            { value: "", label: "Any outcome" },
            ...TRIGGER_OUTCOMES.map((value) => ({
              value,
              label: value === "fired" ? "sent" : `nothing sent: ${NOTHING_SENT[value]}`,
            })),
          ]}
        />
        <TextField
          label="Since"
          name="since"
          type="datetime-local"
          value={localInput(filters.since)}
          onValue={(value) => go({ since: value ? isoFromLocal(value) : undefined })}
        />
      </form>
      {log.problem && <ProblemNotice problem={log.problem} onRetry={log.reload} />}
      {!log.data && !log.problem && <Loading what="Loading the trigger log" />}
      {log.data && (
        <>
          <TableBox label="Triggers, newest first">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Trigger</th>
                <th scope="col">About</th>
                <th scope="col">Event</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((trigger) => (
                <tr key={trigger.id}>
                  <td>
                    <Time value={trigger.created_at} />
                  </td>
                  <td>
                    {trigger.type}
                    {trigger.cause && <span class="muted small"> ({trigger.cause})</span>}
                  </td>
                  <td>
                    <a
                      href={
                        trigger.type.startsWith("guest.")
                          ? `/console/attendees/${trigger.subject_uid}`
                          : `/console/events/${trigger.subject_uid}`
                      }
                    >
                      <code>{trigger.subject_uid}</code>
                    </a>
                  </td>
                  <td>
                    <a href={`/console/events/${trigger.event_uid}`}>
                      <code>{trigger.event_uid}</code>
                    </a>
                  </td>
                  <td>
                    <OutcomeText trigger={trigger} />
                  </td>
                </tr>
              ))}
            </tbody>
          </TableBox>
          {rows.length === 0 && <p>No trigger matches.</p>}
          <Pager meta={log.data.meta} label="Trigger log pages" onPage={(n) => go({ page: n })} />
        </>
      )}
    </Screen>
  );
}
