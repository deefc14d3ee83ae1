import { useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { api, type Problem, problemOf, type Schemas, send } from "../api";
import { useLoad } from "../hooks";
import { ConfirmButton, isoFromLocal, SecretOnce, TableBox, Time } from "../ui/bits";
import { CheckboxGroup, Form, SelectField, TextField } from "../ui/form";
import { Done, Loading, ProblemNotice } from "../ui/notice";
import { Section } from "../ui/screen";
import { IntegrationScreen, useIntegration } from "./integration-tabs";

type Scope = NonNullable<Schemas["ApiKey"]["scopes"]>[number];
const SCOPES: { value: Scope; label: string }[] = [
  { value: "events:read", label: "read events (events:read)" },
  { value: "attendees:read", label: "read attendees (attendees:read)" },
  { value: "attendees:write", label: "write attendees of linked profiles (attendees:write)" },
];

const GRACE = [
  { value: "0", label: "ends now" },
  { value: "3600", label: "1 hour" },
  { value: "86400", label: "1 day" },
  { value: "604800", label: "7 days" },
];

/** Keys: create (the secret shown once), rotate with a grace period, revoke. */
export function IntegrationKeys() {
  const { id } = useRoute().params;
  const integration = useIntegration(id);
  const keys = useLoad(
    () =>
      send(
        api().GET("/v1/integrations/{id}/keys", {
          params: { path: { id }, query: { page_size: 200 } },
        }),
      ),
    [id],
  );
  const [secret, setSecret] = useState<{ label: string; value: string }>();
  const [done, setDone] = useState<string>();
  const [problem, setProblem] = useState<Problem>();
  const [pending, setPending] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const [grace, setGrace] = useState("86400");
  const act = async (what: string, work: () => Promise<void>) => {
    setPending(what);
    setProblem(undefined);
    setFailed(undefined);
    setDone(undefined);
    setSecret(undefined);
    try {
      await work();
      keys.reload();
    } catch (error) {
      setProblem(problemOf(error));
      setFailed(what);
    } finally {
      setPending(undefined);
    }
  };
  const [scopes, setScopes] = useState<string[]>(["events:read", "attendees:read"]);
  const [expires, setExpires] = useState("");
  const create = () =>
    act("create", async () => {
      const { data } = await send(
        api().POST("/v1/integrations/{id}/keys", {
          params: { path: { id } },
          body: {
            scopes: scopes as Scope[],
            ...(expires ? { expires_at: isoFromLocal(expires) } : {}),
          },
        }),
      );
      setSecret({ label: "New API key.", value: data.key });
    });
  return (
    <IntegrationScreen id={id} part="API keys" integration={integration}>
      {(current) => (
        <>
          {!current.api_access && (
            <p class="notice notice-warn">
              API access is off: these keys are refused until it is switched on in the basic
              settings.
            </p>
          )}
          <p class="muted">
            A key reads the events and (mapped) attendees of the linked profiles, as its scopes
            allow. Make a new one when moving from development to production, and renew it every 6
            to 12 months.
          </p>
          {secret && <SecretOnce label={secret.label} value={secret.value} />}
          {done && <Done>{done}</Done>}
          {problem && failed !== "create" && <ProblemNotice problem={problem} />}
          <Form
            label="New key"
            onSubmit={create}
            problem={failed === "create" ? problem : undefined}
            onRetry={create}
            paths={["scopes", "expires_at"]}
            pending={pending === "create"}
            submit="Create a key"
            pendingText="Creating…"
          >
            <div class="grid">
              <CheckboxGroup
                legend="It may"
                name="scopes"
                problem={problem}
                options={SCOPES}
                values={scopes}
                onValues={setScopes}
              />
              <TextField
                label="Expires"
                name="expires_at"
                type="datetime-local"
                value={expires}
                onValue={setExpires}
                problem={problem}
                hint="Empty: never. Seven days before, an integration_key.expiring operational webhook fires."
              />
            </div>
          </Form>
          <Section title="Keys">
            {keys.problem && <ProblemNotice problem={keys.problem} onRetry={keys.reload} />}
            {keys.loading && !keys.data && <Loading />}
            {keys.data && keys.data.data.length === 0 && <p>No key yet.</p>}
            {keys.data && keys.data.data.length > 0 && (
              <>
                <SelectField
                  label="When rotating, the old key keeps working for"
                  name="grace_seconds"
                  value={grace}
                  onValue={setGrace}
                  options={GRACE}
                />
                <TableBox label="Keys of this integration">
                  <thead>
                    <tr>
                      <th scope="col">Key</th>
                      <th scope="col">May</th>
                      <th scope="col">Created</th>
                      <th scope="col">Last used</th>
                      <th scope="col">Expires</th>
                      <th scope="col">Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {keys.data.data.map((key) => (
                      <tr key={key.id}>
                        <td>
                          <code>{key.prefix}…</code>
                        </td>
                        <td>{(key.scopes ?? []).join(", ")}</td>
                        <td>
                          <Time value={key.created_at} />
                        </td>
                        <td>
                          <Time value={key.last_used_at} />
                        </td>
                        <td>
                          <Time value={key.expires_at} />
                        </td>
                        <td class="cell-actions">
                          <button
                            type="button"
                            disabled={pending !== undefined}
                            onClick={() =>
                              act(`rotate ${key.id}`, async () => {
                                const { data } = await send(
                                  api().POST("/v1/integrations/{id}/keys/{key_id}/rotate", {
                                    params: { path: { id, key_id: key.id } },
                                    body: { grace_seconds: Number(grace) },
                                  }),
                                );
                                setSecret({
                                  label: `Replacement for ${key.prefix}….`,
                                  value: data.key,
                                });
                              })
                            }
                          >
                            Rotate<span class="sr-only"> {key.prefix}</span>
                          </button>{" "}
                          <ConfirmButton
                            confirm={`Revoke ${key.prefix}… now?`}
                            pending={pending !== undefined}
                            onConfirm={() =>
                              act(`revoke ${key.id}`, async () => {
                                await send(
                                  api().DELETE("/v1/integrations/{id}/keys/{key_id}", {
                                    params: { path: { id, key_id: key.id } },
                                  }),
                                );
                                setDone(`${key.prefix}… is revoked.`);
                              })
                            }
                          >
                            Revoke<span class="sr-only"> {key.prefix}</span>
                          </ConfirmButton>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </TableBox>
              </>
            )}
          </Section>
        </>
      )}
    </IntegrationScreen>
  );
}
