import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { ApiProblem, api, type Problem, problemOf, type Schemas, send } from "../api";
import { optionsOf, TRIGGERS, type Trigger } from "../contract";
import { useWhileVisible, withQuery } from "../hooks";
import { Badge, isoFromLocal, localInput, TableBox, Time } from "../ui/bits";
import { SelectField, TextField } from "../ui/form";
import { Loading, ProblemNotice } from "../ui/notice";
import { IntegrationScreen, useIntegration, useWebhooks } from "./integration-tabs";
import { Recover } from "./webhook";

type Delivery = Schemas["Delivery"];
type Filters = { webhook_id?: string; trigger?: string; status?: string; since?: string };

/** How often the log asks for what changed while it is on screen. */
const POLL_MS = 3000;
const PAGE_SIZE = 100;

export function statusBadge(status: Delivery["status"]) {
  const tone = status === "delivered" ? "ok" : status === "failed" ? "bad" : "warn";
  return <Badge tone={tone}>{status}</Badge>;
}

export function entityHref(delivery: Pick<Delivery, "trigger" | "entity_uid">) {
  return delivery.trigger.startsWith("guest.")
    ? `/console/attendees/${delivery.entity_uid}`
    : `/console/events/${delivery.entity_uid}`;
}

async function deliveriesPage(id: string, filters: Filters, page: number, updatedSince?: string) {
  return send(
    api().GET("/v1/integrations/{id}/deliveries", {
      params: {
        path: { id },
        query: {
          page,
          page_size: PAGE_SIZE,
          ...(filters.webhook_id ? { webhook_id: filters.webhook_id } : {}),
          ...(filters.trigger ? { trigger: filters.trigger as Trigger } : {}),
          ...(filters.status ? { status: filters.status as Delivery["status"] } : {}),
          ...(filters.since ? { since: filters.since } : {}),
          ...(updatedSince ? { updated_since: updatedSince } : {}),
        },
      },
    }),
  );
}

/**
 * The delivery log, live: the newest first, and every few seconds (while the page is visible)
 * what changed since the newest change seen (`updated_since`), merged in without a reload. A 429
 * waits what `retry-after` says.
 */
export function Deliveries() {
  const { id } = useRoute().params;
  const { query, path, route } = useLocation();
  const integration = useIntegration(id);
  const filters: Filters = {
    webhook_id: query.webhook_id || undefined,
    trigger: query.trigger || undefined,
    status: query.status || undefined,
    since: query.since || undefined,
  };
  const filterKey = JSON.stringify(filters);
  const webhooks = useWebhooks(id);
  const webhookName = (webhookId: string) =>
    webhooks.data?.find((w) => w.id === webhookId)?.name ?? webhookId;

  const [rows, setRows] = useState<Map<string, Delivery>>();
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<Problem>();
  const [checkedAt, setCheckedAt] = useState<Date>();
  const [paused, setPaused] = useState(false);
  const [total, setTotal] = useState(0);
  const [round, setRound] = useState(0);
  const [announcement, setAnnouncement] = useState("");
  const newest = useRef<string | undefined>(undefined);

  // The first view: the newest page (the API lists oldest first).
  useEffect(() => {
    let current = true;
    setRows(undefined);
    setProblem(undefined);
    newest.current = undefined;
    (async () => {
      // The API lists oldest first: the newest are on the last page (and the one before it, when
      // the last is short).
      const first = await deliveriesPage(id, filters, 1);
      const { last_page: lastPage, total: all } = first.meta;
      const items =
        lastPage === 1
          ? first.data
          : [
              ...(lastPage > 2
                ? (await deliveriesPage(id, filters, lastPage - 1)).data
                : first.data),
              ...(await deliveriesPage(id, filters, lastPage)).data,
            ];
      if (!current) return;
      newest.current = maxUpdated(items);
      setTotal(all);
      setRows(new Map(items.map((d) => [d.id, d])));
      setCheckedAt(new Date());
    })().catch((error) => current && setProblem(problemOf(error)));
    return () => {
      current = false;
    };
    // filterKey stands for the filters (a new object on every render); round is a retry.
  }, [id, filterKey, round]);

  const pollNow = useWhileVisible(async () => {
    if (paused || !rows) return undefined;
    try {
      const changed: Delivery[] = [];
      for (let page = 1; page <= 5; page++) {
        const answer = newest.current
          ? await deliveriesPage(id, filters, page, newest.current)
          : await deliveriesPage(id, filters, page);
        changed.push(...answer.data);
        if (page >= answer.meta.last_page) break;
      }
      setProblem(undefined);
      setCheckedAt(new Date());
      if (changed.length === 0) return undefined;
      newest.current = maxUpdated([...changed, ...(rows?.values() ?? [])]);
      const added = changed.filter((d) => !rows.has(d.id)).map((d) => d.id);
      setRows((previous) => {
        const next = new Map(previous);
        for (const delivery of changed) next.set(delivery.id, delivery);
        return next;
      });
      if (added.length > 0) {
        setFresh(new Set(added));
        setAnnouncement(
          `${added.length} new ${added.length === 1 ? "delivery" : "deliveries"} in the log.`,
        );
      }
      return undefined;
    } catch (error) {
      const found = problemOf(error);
      setProblem(found);
      // Rate limited: wait as long as Weft asks before the next look.
      return error instanceof ApiProblem && found.retryAfter ? found.retryAfter * 1000 : undefined;
    }
  }, POLL_MS);

  const setFilter = (change: Filters) => route(withQuery(path, { ...filters, ...change }));
  const sorted = [...(rows?.values() ?? [])].sort(
    (a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id),
  );

  return (
    <IntegrationScreen id={id} part="Deliveries" integration={integration}>
      {() => (
        <>
          <form
            class="toolbar filters"
            aria-label="Filter deliveries"
            onSubmit={(e) => e.preventDefault()}
          >
            <SelectField
              label="Webhook"
              name="webhook_id"
              value={filters.webhook_id ?? ""}
              onValue={(webhook_id) => setFilter({ webhook_id })}
              options={[
                { value: "", label: "All webhooks" },
                ...(webhooks.data ?? []).map((w) => ({ value: w.id, label: w.name })),
              ]}
            />
            <SelectField
              label="Trigger"
              name="trigger"
              value={filters.trigger ?? ""}
              onValue={(trigger) => setFilter({ trigger })}
              options={[{ value: "", label: "All triggers" }, ...optionsOf(TRIGGERS)]}
            />
            <SelectField
              label="Status"
              name="status"
              value={filters.status ?? ""}
              onValue={(status) => setFilter({ status })}
              options={[
                { value: "", label: "Any status" },
                { value: "pending", label: "pending" },
                { value: "delivered", label: "delivered" },
                { value: "failed", label: "failed" },
              ]}
            />
            <TextField
              label="Created since"
              name="since"
              type="datetime-local"
              value={localInput(filters.since)}
              onValue={(value) => setFilter({ since: value ? isoFromLocal(value) : undefined })}
            />
          </form>
          <p class="live muted small">
            <span class={paused ? "" : "live-dot"} aria-hidden="true" />
            {paused ? "Paused." : "Live: new deliveries appear here."}{" "}
            {checkedAt && <>Checked at {checkedAt.toLocaleTimeString()}.</>}{" "}
            <button type="button" onClick={() => setPaused(!paused)}>
              {paused ? "Resume" : "Pause"}
            </button>
          </p>
          <p class="sr-only" aria-live="polite">
            {announcement}
          </p>
          {problem && (
            <ProblemNotice
              problem={problem}
              title={rows ? "The log could not refresh." : undefined}
              onRetry={rows ? pollNow : () => setRound((n) => n + 1)}
            />
          )}
          {!rows && !problem && <Loading what="Loading deliveries" />}
          {rows && (
            <TableBox label="Deliveries, newest first">
              <thead>
                <tr>
                  <th scope="col">Created</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Webhook</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">About</th>
                  <th scope="col">Delivery</th>
                </tr>
              </thead>
              <tbody>
                {sorted.map((delivery) => (
                  <tr key={delivery.id} class={fresh.has(delivery.id) ? "fresh" : undefined}>
                    <td>
                      <Time value={delivery.created_at} />
                    </td>
                    <td>{delivery.trigger}</td>
                    <td>{webhookName(delivery.webhook_id)}</td>
                    <td>{statusBadge(delivery.status)}</td>
                    <td>{delivery.attempt_count}</td>
                    <td>
                      <a href={entityHref(delivery)}>
                        <code>{delivery.entity_uid}</code>
                      </a>
                    </td>
                    <td>
                      <a href={`/console/deliveries/${delivery.id}`}>
                        Attempts<span class="sr-only"> of {delivery.id}</span>
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableBox>
          )}
          {rows && sorted.length === 0 && <p>No delivery matches yet.</p>}
          {rows && total > sorted.length && (
            <p class="muted small">
              The newest {sorted.length} of {total}: narrow the filters (or the time) to see older
              ones.
            </p>
          )}
          {(webhooks.data?.length ?? 0) > 0 && (
            <Recover
              integrationId={id}
              webhooks={webhooks.data ?? []}
              chosen={filters.webhook_id}
            />
          )}
        </>
      )}
    </IntegrationScreen>
  );
}

function maxUpdated(items: Iterable<Delivery>) {
  let max: string | undefined;
  for (const item of items) if (!max || item.updated_at > max) max = item.updated_at;
  return max;
}
