import { useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { api, send } from "../api";
import { useLoad, useSubmit } from "../hooks";
import { Json, TableBox, Time } from "../ui/bits";
import { Done, Loading, ProblemNotice } from "../ui/notice";
import { Screen, Section } from "../ui/screen";
import { entityHref, statusBadge } from "./deliveries";

/** One delivery and every attempt: status code, duration, error, the receiver's answer. */
export function Delivery() {
  const { id } = useRoute().params;
  const delivery = useLoad(
    () => send(api().GET("/v1/deliveries/{id}", { params: { path: { id } } })),
    [id],
  );
  const [queued, setQueued] = useState(false);
  const redeliver = useSubmit(async () => {
    setQueued(false);
    await send(api().POST("/v1/deliveries/{id}/redeliver", { params: { path: { id } } }));
    setQueued(true);
    setTimeout(delivery.reload, 1500);
  });
  const current = delivery.data?.data;
  return (
    <Screen
      title={`Delivery ${id}`}
      crumbs={
        current
          ? [
              { href: "/console/integrations", label: "Integrations" },
              {
                href: `/console/integrations/${current.integration_id}/deliveries`,
                label: "Deliveries",
              },
            ]
          : []
      }
    >
      {delivery.problem && <ProblemNotice problem={delivery.problem} onRetry={delivery.reload} />}
      {!current && !delivery.problem && <Loading />}
      {current && (
        <>
          <dl class="facts">
            <dt>Status</dt>
            <dd>{statusBadge(current.status)}</dd>
            <dt>Trigger</dt>
            <dd>{current.trigger}</dd>
            <dt>About</dt>
            <dd>
              <a href={entityHref(current)}>
                <code>{current.entity_uid}</code>
              </a>
            </dd>
            <dt>Webhook</dt>
            <dd>
              <a
                href={`/console/integrations/${current.integration_id}/webhooks/${current.webhook_id}`}
              >
                <code>{current.webhook_id}</code>
              </a>
            </dd>
            <dt>Created</dt>
            <dd>
              <Time value={current.created_at} />
            </dd>
            <dt>Next attempt</dt>
            <dd>
              <Time value={current.next_attempt_at} />
            </dd>
          </dl>
          {queued && <Done>Sent again: the new attempt appears below in a moment.</Done>}
          {redeliver.problem && (
            <ProblemNotice problem={redeliver.problem} onRetry={redeliver.submit} />
          )}
          <div class="button-row">
            <button type="button" disabled={redeliver.pending} onClick={() => redeliver.submit()}>
              {redeliver.pending ? "Sending again…" : "Redeliver"}
            </button>{" "}
            <button type="button" onClick={delivery.reload}>
              Refresh
            </button>
          </div>
          <Section title="Attempts">
            {current.attempts.length === 0 && <p class="muted">No attempt yet.</p>}
            {current.attempts.length > 0 && (
              <TableBox label="Attempts">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Started</th>
                    <th scope="col">Status code</th>
                    <th scope="col">Duration</th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {current.attempts.map((attempt) => (
                    <tr key={attempt.attempt}>
                      <td>{attempt.attempt}</td>
                      <td>
                        <Time value={attempt.started_at} />
                      </td>
                      <td>{attempt.status_code ?? "none"}</td>
                      <td>{attempt.duration_ms} ms</td>
                      <td>{attempt.error ?? "—"}</td>
                    </tr>
                  ))}
                </tbody>
              </TableBox>
            )}
            {current.attempts
              .filter((attempt) => attempt.response_excerpt)
              .map((attempt) => (
                <Json
                  key={attempt.attempt}
                  value={attempt.response_excerpt}
                  label={`Response excerpt of attempt ${attempt.attempt}`}
                />
              ))}
          </Section>
        </>
      )}
    </Screen>
  );
}
