import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Problem, type Schemas, send } from "../api";
import { optionsOf, TRIGGERS, type Trigger, WEBHOOK_METHODS, WEBHOOK_ORDERINGS } from "../contract";
import { useIdempotencyKey, useLoad, useSubmit, useWhileVisible } from "../hooks";
import { Badge, ConfirmButton, isoFromLocal, Json, SecretOnce, Time } from "../ui/bits";
import { setFlash, takeFlash } from "../ui/flash";
import { Checkbox, detailFor, Form, SelectField, TextArea, TextField } from "../ui/form";
import { Done, Loading, ProblemNotice } from "../ui/notice";
import { Section } from "../ui/screen";
import { IntegrationScreen, useIntegration } from "./integration-tabs";

type WebhookData = Schemas["Webhook"];
type HeaderRow = { name: string; value: string; saved: boolean };

const DISABLED_BECAUSE: Record<string, string> = {
  gone: "the receiver answered 410 Gone",
  failing: "every attempt failed for 5 days",
};

const PAUSED_BECAUSE: Record<NonNullable<WebhookData["state_reason"]>, string> = {
  failing: "5 attempts in a row failed",
  retry_after: "the receiver asked to wait (429 or 503 with retry-after)",
};

/**
 * The webhook's state in words: disabled and why; paused until when and why (failing, or its
 * receiver asked to wait; its deliveries wait, none is lost); probing after a pause; or active.
 */
export function WebhookState({ webhook }: { webhook: WebhookData }) {
  if (!webhook.enabled) {
    const why = webhook.disabled_reason
      ? (DISABLED_BECAUSE[webhook.disabled_reason] ?? webhook.disabled_reason)
      : "switched off";
    return <Badge tone="bad">disabled: {why}</Badge>;
  }
  const why = webhook.state_reason ? PAUSED_BECAUSE[webhook.state_reason] : undefined;
  if (webhook.state === "paused") {
    return (
      <Badge tone="warn">
        {webhook.state_reason === "failing" ? "failing, paused" : "paused"}
        {webhook.paused_until && (
          <>
            {" "}
            until <Time value={webhook.paused_until} />
          </>
        )}
        {why && `: ${why}`}
      </Badge>
    );
  }
  if (webhook.state === "probing") {
    return (
      <Badge tone="warn">
        {webhook.state_reason === "failing" ? "failing, probing" : "probing"}
        {why && ` (${why})`}: one request at a time until one succeeds
      </Badge>
    );
  }
  return <Badge tone="ok">active</Badge>;
}

// Often enough to see a pause end or a probe succeed; a webhook page is rarely open for long.
const STATE_REFRESH_MS = 10_000;

/**
 * The webhook as it stands now: its state changes by itself (a breaker pauses it, a probe resumes
 * it, five failing days disable it), so the page reads it again while it is visible. Only the
 * state line uses this copy: the form keeps what is being typed.
 */
function useLiveWebhook(webhook: WebhookData): WebhookData {
  const [live, setLive] = useState(webhook);
  useEffect(() => setLive(webhook), [webhook]);
  useWhileVisible(async () => {
    const { data } = await send(
      api().GET("/v1/integrations/{id}/webhooks/{webhook_id}", {
        params: { path: { id: webhook.integration_id, webhook_id: webhook.id } },
      }),
    );
    setLive(data);
    return undefined;
  }, STATE_REFRESH_MS);
  return live;
}

type Draft = {
  name: string;
  trigger: Trigger;
  url: string;
  /** A secret URL reads back masked: it is sent only when typed again. */
  urlChanged: boolean;
  secretUrl: boolean;
  /** Switching the secret setting alone keeps the stored URL (the API reopens it). */
  secretUrlChanged: boolean;
  method: WebhookData["method"];
  headers: HeaderRow[];
  headersChanged: boolean;
  eventUids: string;
  enabled: boolean;
  /** The payload template as typed: JSON, or text (a string template); empty: none. */
  template: string;
  templateChanged: boolean;
  bodyEncoding: WebhookData["body_encoding"];
  /** Requests a second at most, as typed; empty: no rate. */
  maxPerSecond: string;
  ordering: WebhookData["ordering"];
};

function draftOf(webhook?: WebhookData, trigger?: string): Draft {
  return {
    name: webhook?.name ?? "",
    trigger: (webhook?.trigger ??
      (TRIGGERS.includes(trigger as Trigger) ? trigger : "guest.create")) as Trigger,
    url: webhook?.url ?? "",
    urlChanged: false,
    secretUrl: webhook?.secret_url ?? false,
    secretUrlChanged: false,
    method: webhook?.method ?? "POST",
    headers: Object.keys(webhook?.headers ?? {}).map((name) => ({ name, value: "", saved: true })),
    headersChanged: false,
    eventUids: (webhook?.event_uids ?? []).join(", "),
    enabled: webhook?.enabled ?? true,
    template: templateText(webhook?.payload_template),
    templateChanged: false,
    bodyEncoding: webhook?.body_encoding ?? "json",
    maxPerSecond: webhook?.max_per_second == null ? "" : String(webhook.max_per_second),
    ordering: webhook?.ordering ?? "none",
  };
}

function templateText(template: unknown) {
  if (template === null || template === undefined) return "";
  return JSON.stringify(template, null, 2);
}

/** What the template box holds, as the API takes it: JSON when it reads as JSON, else the text. */
function templateValue(text: string): Schemas["Webhook"]["payload_template"] {
  if (!text.trim()) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const headersOf = (draft: Draft) =>
  Object.fromEntries(draft.headers.map((h) => [h.name.trim(), h.value]));

/**
 * The body of an update: the URL, the headers and the template only when they were edited (a
 * secret URL and header values read back masked, and headers replace the whole set).
 */
function updateBody(draft: Draft) {
  return {
    name: draft.name,
    trigger: draft.trigger,
    method: draft.method,
    event_uids: draft.eventUids,
    enabled: draft.enabled,
    body_encoding: draft.bodyEncoding,
    max_per_second: draft.maxPerSecond.trim() === "" ? null : Number(draft.maxPerSecond),
    ordering: draft.ordering,
    ...(draft.urlChanged ? { url: draft.url } : {}),
    ...(draft.urlChanged || draft.secretUrlChanged ? { secret_url: draft.secretUrl } : {}),
    ...(draft.headersChanged ? { headers: headersOf(draft) } : {}),
    ...(draft.templateChanged ? { payload_template: templateValue(draft.template) } : {}),
  };
}

function createBody(draft: Draft) {
  return {
    ...updateBody(draft),
    url: draft.url,
    secret_url: draft.secretUrl,
    headers: headersOf(draft),
    payload_template: templateValue(draft.template),
  };
}

function WebhookFields({
  draft,
  setDraft,
  problem,
}: {
  draft: Draft;
  setDraft: (draft: Draft) => void;
  problem?: Problem;
}) {
  const manual = draft.trigger.endsWith(".manual");
  const setHeaders = (headers: HeaderRow[]) =>
    setDraft({ ...draft, headers, headersChanged: true });
  return (
    <>
      <div class="grid">
        <SelectField
          label="Trigger"
          name="trigger"
          value={draft.trigger}
          onValue={(trigger) => setDraft({ ...draft, trigger: trigger as Trigger })}
          options={optionsOf(TRIGGERS)}
          problem={problem}
        />
        <TextField
          label="Name"
          name="name"
          value={draft.name}
          onValue={(name) => setDraft({ ...draft, name })}
          problem={problem}
          hint={manual ? "The label of the button on the event's or attendee's page." : undefined}
        />
        <SelectField
          label="Method"
          name="method"
          value={draft.method}
          onValue={(method) => setDraft({ ...draft, method: method as Draft["method"] })}
          options={optionsOf(WEBHOOK_METHODS)}
          problem={problem}
          hint="GET and DELETE send no body: trigger, uid and event_uid go in the query string."
        />
      </div>
      <TextField
        label="URL"
        name="url"
        type="url"
        value={draft.url}
        onValue={(url) => setDraft({ ...draft, url, urlChanged: true })}
        problem={problem}
        hint={
          draft.secretUrl && !draft.urlChanged
            ? "A secret URL: only its scheme and host are shown. Type the whole URL to replace it."
            : "Where the payload goes (https). Its path and query may hold placeholders: /members/{{email | lower | md5}}."
        }
      />
      <Checkbox
        label="The URL is a secret"
        name="secret_url"
        checked={draft.secretUrl}
        onChecked={(secretUrl) => setDraft({ ...draft, secretUrl, secretUrlChanged: true })}
        problem={problem}
        hint="For incoming-webhook URLs that are credentials (Slack, Teams, Zapier): stored encrypted, shown as scheme and host only."
      />
      <fieldset class="rows">
        <legend>Headers</legend>
        <p class="hint">
          Sent with every request (a bearer token, say). Values are stored encrypted and never shown
          again; changing the headers replaces them all, so type every value again.
        </p>
        {detailFor(problem, "headers") && (
          <p class="field-error">{detailFor(problem, "headers")}</p>
        )}
        {draft.headers.map((header, index) => (
          <fieldset class="grid row-card" key={index}>
            <legend class="sr-only">Header {index + 1}</legend>
            <TextField
              label="Header name"
              name={`headers.${index}.name`}
              value={header.name}
              onValue={(name) =>
                setHeaders(draft.headers.map((h, i) => (i === index ? { ...h, name } : h)))
              }
            />
            <TextField
              label="Value"
              name={`headers.${index}.value`}
              type="password"
              autoComplete="off"
              placeholder={header.saved && !draft.headersChanged ? "•••••••• (saved)" : undefined}
              value={header.value}
              onValue={(value) =>
                setHeaders(draft.headers.map((h, i) => (i === index ? { ...h, value } : h)))
              }
            />
            <button
              type="button"
              class="danger"
              onClick={() => setHeaders(draft.headers.filter((_, i) => i !== index))}
            >
              Remove header<span class="sr-only"> {header.name}</span>
            </button>
          </fieldset>
        ))}
        <button
          type="button"
          onClick={() => setHeaders([...draft.headers, { name: "", value: "", saved: false }])}
        >
          Add a header
        </button>
      </fieldset>
      <TextArea
        label="Payload template"
        name="payload_template"
        rows={6}
        value={draft.template}
        onValue={(template) => setDraft({ ...draft, template, templateChanged: true })}
        problem={problem}
        hint={TEMPLATE_HINT}
      />
      <SelectField
        label="Body encoding"
        name="body_encoding"
        value={draft.bodyEncoding}
        onValue={(value) => setDraft({ ...draft, bodyEncoding: value as Draft["bodyEncoding"] })}
        options={[
          { value: "json", label: "JSON" },
          { value: "form", label: "Form fields (application/x-www-form-urlencoded)" },
        ]}
        problem={problem}
      />
      <TextField
        label="Only for these events"
        name="event_uids"
        value={draft.eventUids}
        onValue={(eventUids) => setDraft({ ...draft, eventUids })}
        problem={problem}
        hint="Event UIDs separated by commas (evt_…, evt_…); empty: every event."
      />
      <div class="grid">
        <TextField
          label="At most, requests a second"
          name="max_per_second"
          type="number"
          min="1"
          step="1"
          value={draft.maxPerSecond}
          onValue={(maxPerSecond) => setDraft({ ...draft, maxPerSecond })}
          problem={problem}
          hint="The receiver's rate limit (1 to 1000). Empty: no rate, only 10 requests in flight at once. Deliveries over it wait their turn; none is dropped."
        />
        <SelectField
          label="Order"
          name="ordering"
          value={draft.ordering}
          onValue={(ordering) => setDraft({ ...draft, ordering: ordering as Draft["ordering"] })}
          options={WEBHOOK_ORDERINGS.map((value) => ({ value, label: ORDERING_LABELS[value] }))}
          problem={problem}
          hint="One attendee's or event's changes in the order they happened: each waits until the previous one is delivered or has failed for good. Slower."
        />
      </div>
      <Checkbox
        label="Enabled"
        name="enabled"
        checked={draft.enabled}
        onChecked={(enabled) => setDraft({ ...draft, enabled })}
        problem={problem}
      />
    </>
  );
}

const TEMPLATE_HINT =
  'Empty: the event or (mapped) attendee itself. Otherwise the body is built from this JSON, whose strings may hold placeholders: {"text": "New registration: {{firstname}} {{lastname}}"}. Text that is not JSON is sent as one string.';

const ORDERING_LABELS: Record<Draft["ordering"], string> = {
  none: "As they come (fastest)",
  per_subject: "In order, per attendee or event",
};

const PATHS = [
  "name",
  "trigger",
  "url",
  "secret_url",
  "method",
  "headers",
  "event_uids",
  "enabled",
  "payload_template",
  "body_encoding",
  "max_per_second",
  "ordering",
];

/** Add a webhook: its trigger, name, URL, method, headers, events. */
export function WebhookNew() {
  const { id } = useRoute().params;
  const { query, route } = useLocation();
  const integration = useIntegration(id);
  const [draft, setDraft] = useState(() => draftOf(undefined, query.trigger));
  const idempotency = useIdempotencyKey();
  const create = useSubmit(async () => {
    const made = await send(
      api().POST("/v1/integrations/{id}/webhooks", {
        params: { path: { id }, header: { "idempotency-key": idempotency.current() } },
        body: createBody(draft),
      }),
    );
    idempotency.renew();
    setFlash(`secret:${made.data.id}`, made.data.secret);
    route(`/console/integrations/${id}/webhooks/${made.data.id}`);
  });
  return (
    <IntegrationScreen id={id} part="New webhook" integration={integration}>
      {() => (
        <Form
          label="New webhook"
          onSubmit={create.submit}
          problem={create.problem}
          onRetry={create.submit}
          paths={PATHS}
          pending={create.pending}
          submit="Add webhook"
        >
          <WebhookFields draft={draft} setDraft={setDraft} problem={create.problem} />
        </Form>
      )}
    </IntegrationScreen>
  );
}

/** A webhook: edit it, test it, rotate its signing secret, recover its failed deliveries. */
export function Webhook() {
  const { id, webhookId } = useRoute().params;
  const integration = useIntegration(id);
  const webhook = useLoad(
    () =>
      send(
        api().GET("/v1/integrations/{id}/webhooks/{webhook_id}", {
          params: { path: { id, webhook_id: webhookId } },
        }),
      ),
    [id, webhookId],
  );
  const [secret] = useState(() => takeFlash(`secret:${webhookId}`));
  return (
    <IntegrationScreen
      id={id}
      part={webhook.data ? `Webhook “${webhook.data.data.name}”` : "Webhook"}
      integration={integration}
    >
      {() => (
        <>
          {secret && <SecretOnce label="Signing secret." value={secret} />}
          {webhook.problem && <ProblemNotice problem={webhook.problem} onRetry={webhook.reload} />}
          {!webhook.data && !webhook.problem && <Loading />}
          {webhook.data && <WebhookPage webhook={webhook.data.data} onSaved={webhook.set} />}
        </>
      )}
    </IntegrationScreen>
  );
}

function WebhookPage({
  webhook,
  onSaved,
}: {
  webhook: WebhookData;
  onSaved: (saved: { data: WebhookData }) => void;
}) {
  const { route } = useLocation();
  const live = useLiveWebhook(webhook);
  const [draft, setDraft] = useState(() => draftOf(webhook));
  useEffect(() => setDraft(draftOf(webhook)), [webhook]);
  const path = { id: webhook.integration_id, webhook_id: webhook.id };
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    const result = await send(
      api().PATCH("/v1/integrations/{id}/webhooks/{webhook_id}", {
        params: { path },
        body: updateBody(draft),
      }),
    );
    setSaved(true);
    onSaved(result);
  });
  const remove = useSubmit(async () => {
    await send(api().DELETE("/v1/integrations/{id}/webhooks/{webhook_id}", { params: { path } }));
    route(`/console/integrations/${webhook.integration_id}/webhooks`);
  });
  return (
    <>
      <p>
        State: <WebhookState webhook={live} />
        {live.enabled && live.state !== "active" && " (its deliveries wait: none is dropped)"} ·
        signing secret <code>{webhook.secret_prefix}…</code> ·{" "}
        <a
          href={`/console/integrations/${webhook.integration_id}/deliveries?webhook_id=${webhook.id}`}
        >
          its deliveries
        </a>
      </p>
      {saved && <Done>Webhook saved.</Done>}
      <Form
        label="Webhook"
        onSubmit={save.submit}
        problem={save.problem}
        onRetry={save.submit}
        paths={PATHS}
        pending={save.pending}
        submit="Save webhook"
      >
        <WebhookFields draft={draft} setDraft={setDraft} problem={save.problem} />
      </Form>
      <Preview webhook={webhook} />
      <TestSend webhook={webhook} />
      <RotateSecret webhook={webhook} />
      <Recover integrationId={webhook.integration_id} webhooks={[webhook]} />
      <Section title="Delete">
        {remove.problem && <ProblemNotice problem={remove.problem} onRetry={remove.submit} />}
        <ConfirmButton
          confirm={`Delete “${webhook.name}”?`}
          pending={remove.pending}
          onConfirm={remove.submit}
        >
          Delete webhook
        </ConfirmButton>
      </Section>
    </>
  );
}

/**
 * What the webhook would send for a real attendee or event (its method, URL, headers and body,
 * secrets masked), without sending anything.
 */
function Preview({ webhook }: { webhook: WebhookData }) {
  const forEvents = webhook.trigger.startsWith("event.");
  const subjects = useLoad(async () => {
    if (forEvents) {
      const { data } = await send(
        api().GET("/v1/events", { params: { query: { page_size: 50 } } }),
      );
      return data.map((event) => ({ value: event.uid, label: event.name }));
    }
    const { data } = await send(
      api().GET("/v1/attendees", { params: { query: { page_size: 50, sort: "-created_at" } } }),
    );
    return data.map((attendee) => ({
      value: String(attendee.uid),
      label: [attendee.firstname, attendee.lastname, attendee.email].filter(Boolean).join(" · "),
    }));
  }, [forEvents]);
  const [chosen, setChosen] = useState("");
  const subject = chosen || subjects.data?.[0]?.value || "";
  const [result, setResult] = useState<Schemas["WebhookPreview"]>();
  const preview = useSubmit(async () => {
    setResult(undefined);
    const answer = await send(
      api().POST("/v1/integrations/{id}/webhooks/{webhook_id}/preview", {
        params: { path: { id: webhook.integration_id, webhook_id: webhook.id } },
        body: forEvents ? { event_uid: subject } : { attendee_uid: subject },
      }),
    );
    setResult(answer.data);
  });
  return (
    <Section
      title="Preview"
      hint="What this webhook, as saved, would send now for a real attendee or event: nothing is sent."
    >
      {subjects.data?.length === 0 ? (
        <p class="muted">No {forEvents ? "event" : "attendee"} to preview with yet.</p>
      ) : (
        <Form
          label="Preview the webhook"
          onSubmit={preview.submit}
          problem={preview.problem}
          onRetry={preview.submit}
          paths={["attendee_uid", "event_uid"]}
          pending={preview.pending}
          submit="Preview"
          pendingText="Rendering…"
        >
          <SelectField
            label={forEvents ? "Event" : "Attendee"}
            name={forEvents ? "event_uid" : "attendee_uid"}
            value={subject}
            onValue={setChosen}
            options={subjects.data ?? []}
            problem={preview.problem}
          />
        </Form>
      )}
      {result && (
        <>
          <p>
            <code>
              {result.method} {result.url}
            </code>
          </p>
          <Json value={result.headers} label="Headers it would send" />
          {result.body !== null && <Json value={result.body} label="Body it would send" />}
        </>
      )}
    </Section>
  );
}

function TestSend({ webhook }: { webhook: WebhookData }) {
  const [result, setResult] = useState<Schemas["WebhookTestResult"]>();
  const test = useSubmit(async () => {
    setResult(undefined);
    const answer = await send(
      api().POST("/v1/integrations/{id}/webhooks/{webhook_id}/test", {
        params: { path: { id: webhook.integration_id, webhook_id: webhook.id } },
      }),
    );
    setResult(answer.data);
  });
  return (
    <Section
      title="Send a test"
      hint="Sends a signed sample of this trigger now, and shows the answer. Nothing is logged as a delivery."
    >
      <button type="button" disabled={test.pending} onClick={() => test.submit()}>
        {test.pending ? "Sending the test…" : "Send test"}
      </button>
      {test.problem && <ProblemNotice problem={test.problem} onRetry={test.submit} />}
      {result && (
        <div class={`notice ${result.success ? "notice-ok" : "notice-error"}`} role="status">
          <p>
            <strong>
              {result.success ? "The receiver accepted it." : "The receiver did not accept it."}
            </strong>{" "}
            Status {result.status_code ?? "none"} in {result.duration_ms} ms
            {result.error && <>: {result.error}</>}
          </p>
          {result.response_excerpt && (
            <Json value={result.response_excerpt} label="The receiver's answer" />
          )}
        </div>
      )}
    </Section>
  );
}

function RotateSecret({ webhook }: { webhook: WebhookData }) {
  const [secret, setSecret] = useState<string>();
  const rotate = useSubmit(async () => {
    setSecret(undefined);
    const answer = await send(
      api().POST("/v1/integrations/{id}/webhooks/{webhook_id}/secret/rotate", {
        params: { path: { id: webhook.integration_id, webhook_id: webhook.id } },
      }),
    );
    setSecret(answer.data.secret);
  });
  return (
    <Section
      title="Signing secret"
      hint="After a rotation the previous secret keeps signing, as a second signature, for 24 hours: time to update the receiver."
    >
      {secret && <SecretOnce label="New signing secret." value={secret} />}
      {rotate.problem && <ProblemNotice problem={rotate.problem} onRetry={rotate.submit} />}
      <ConfirmButton
        confirm="Rotate the signing secret?"
        pending={rotate.pending}
        onConfirm={rotate.submit}
      >
        Rotate signing secret
      </ConfirmButton>
    </Section>
  );
}

/**
 * Recovery of a webhook's failed deliveries since a time (after fixing the receiver): on the
 * webhook's page for that webhook, on the delivery log for any of the integration's.
 */
export function Recover({
  integrationId,
  webhooks,
  chosen,
}: {
  integrationId: string;
  webhooks: readonly WebhookData[];
  chosen?: string;
}) {
  const [webhookId, setWebhookId] = useState(chosen ?? "");
  const [since, setSince] = useState("");
  const [count, setCount] = useState<number>();
  const target = webhookId || webhooks[0]?.id || "";
  const recover = useSubmit(async () => {
    setCount(undefined);
    const answer = await send(
      api().POST("/v1/integrations/{id}/webhooks/{webhook_id}/recover", {
        params: { path: { id: integrationId, webhook_id: target } },
        body: { since: isoFromLocal(since) },
      }),
    );
    setCount(answer.data.count);
  });
  return (
    <Section
      title="Recover failed deliveries"
      hint="After fixing the receiver (and enabling the webhook again), send every failed delivery since a time once more."
    >
      {count !== undefined && (
        <Done>
          {count === 0
            ? "No failed delivery since then."
            : `${count} failed ${count === 1 ? "delivery" : "deliveries"} sent again.`}
        </Done>
      )}
      <Form
        label="Recover failed deliveries"
        onSubmit={recover.submit}
        problem={recover.problem}
        onRetry={recover.submit}
        paths={["since"]}
        pending={recover.pending}
        submit="Recover"
        pendingText="Recovering…"
      >
        <div class="grid">
          {webhooks.length > 1 && (
            <SelectField
              label="Webhook"
              name="webhook_id"
              value={target}
              onValue={setWebhookId}
              options={webhooks.map((w) => ({ value: w.id, label: w.name }))}
            />
          )}
          <TextField
            label="Failed since"
            name="since"
            type="datetime-local"
            value={since}
            onValue={setSince}
            problem={recover.problem}
          />
        </div>
      </Form>
    </Section>
  );
}
