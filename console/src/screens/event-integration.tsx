import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { api, type Schemas, send } from "../api";
import { useLoad, useSubmit } from "../hooks";
import { ConfirmButton } from "../ui/bits";
import { EffectiveConfiguration } from "../ui/effective";
import { Checkbox, Form, SelectField } from "../ui/form";
import {
  fromMappingRows,
  MappingEditor,
  type MappingRow,
  mappingPaths,
  toMappingRows,
} from "../ui/mapping-editor";
import { MappingPreview } from "../ui/mapping-preview";
import { Done, Loading, ProblemNotice } from "../ui/notice";
import { Screen, Section } from "../ui/screen";
import { useEvent } from "./event";
import { useIntegrations } from "./profile";

type Override = Schemas["EventOverride"];

/**
 * "Geek > Integrations" of an event: another integration than the profile's, its own mapping
 * (merged into or replacing the inherited one), and whether payments fire guest.update.
 */
export function EventIntegration() {
  const { uid } = useRoute().params;
  const event = useEvent(uid);
  const profileUid = event.data?.data.profile_uid;
  const profile = useLoad(
    async () =>
      profileUid
        ? (await send(api().GET("/v1/profiles/{uid}", { params: { path: { uid: profileUid } } })))
            .data
        : undefined,
    [profileUid],
  );
  const integrations = useIntegrations();
  // What applies now; it says whether the event has an override (read only then: no 404).
  const effective = useLoad(
    () => send(api().GET("/v1/events/{uid}/effective-integration", { params: { path: { uid } } })),
    [uid],
  );
  const stored = useLoad(async (): Promise<Override | null | undefined> => {
    if (!effective.data) return undefined;
    if (!effective.data.data.override) return null;
    return (await send(api().GET("/v1/events/{uid}/integration", { params: { path: { uid } } })))
      .data;
  }, [uid, effective.data]);

  const [integrationId, setIntegrationId] = useState("");
  const [rows, setRows] = useState<MappingRow[]>([]);
  const [mode, setMode] = useState<"merge" | "replace">("merge");
  const [fireOnPayment, setFireOnPayment] = useState<"" | "yes" | "no">("");
  const [webhooksOn, setWebhooksOn] = useState(true);
  useEffect(() => {
    if (stored.data === undefined) return;
    setIntegrationId(stored.data?.integration_id ?? "");
    setRows(toMappingRows(stored.data?.field_mapping ?? []));
    setMode(stored.data?.mapping_mode ?? "merge");
    const fires = stored.data?.fire_on_payment;
    setFireOnPayment(fires === true ? "yes" : fires === false ? "no" : "");
    setWebhooksOn(stored.data?.webhooks_enabled ?? true);
  }, [stored.data]);

  const [outcome, setOutcome] = useState<string>();
  const save = useSubmit(async () => {
    setOutcome(undefined);
    await send(
      api().PUT("/v1/events/{uid}/integration", {
        params: { path: { uid } },
        body: {
          integration_id: integrationId || null,
          field_mapping: fromMappingRows(rows),
          mapping_mode: mode,
          fire_on_payment: fireOnPayment === "" ? null : fireOnPayment === "yes",
          webhooks_enabled: webhooksOn,
        },
      }),
    );
    setOutcome("Saved: the event's triggers use these settings from now on.");
    effective.reload();
  });
  const remove = useSubmit(async () => {
    setOutcome(undefined);
    await send(api().DELETE("/v1/events/{uid}/integration", { params: { path: { uid } } }));
    setOutcome("Removed: the event follows its profile's integration again.");
    effective.reload();
  });
  const nameOf = (id: string | null | undefined) =>
    id ? (integrations.data?.find((i) => i.id === id)?.name ?? id) : undefined;
  const active = profile.data?.active_integration_id ?? undefined;
  const applying = integrationId || active;
  // An override may name only an integration linked to the event's profile.
  const linked = (integrations.data ?? []).filter((i) =>
    profileUid ? i.profile_uids.includes(profileUid) : false,
  );

  const title = `Integration for ${event.data?.data.name ?? "the event"}`;
  const crumbs = [
    { href: "/console/profiles", label: "Profiles" },
    ...(profileUid
      ? [{ href: `/console/profiles/${profileUid}`, label: profile.data?.name ?? "Profile" }]
      : []),
    { href: `/console/events/${uid}`, label: event.data?.data.name ?? "Event" },
  ];
  const problem = event.problem ?? effective.problem ?? stored.problem;
  if (problem) {
    return (
      <Screen title={title} crumbs={crumbs}>
        <ProblemNotice
          problem={problem}
          onRetry={() => {
            event.reload();
            effective.reload();
          }}
        />
      </Screen>
    );
  }
  if (stored.data === undefined || !event.data)
    return <Loading what="Loading the event's integration" />;

  return (
    <Screen title={title} crumbs={crumbs}>
      {effective.data && (
        <Section title="What applies now">
          <EffectiveConfiguration effective={effective.data.data} />
        </Section>
      )}
      {outcome && <Done>{outcome}</Done>}
      <div class="with-preview">
        <div>
          <Form
            label="Integration for this event"
            onSubmit={save.submit}
            problem={save.problem}
            onRetry={save.submit}
            paths={[
              "integration_id",
              ...mappingPaths("field_mapping", rows),
              "mapping_mode",
              "fire_on_payment",
              "webhooks_enabled",
            ]}
            pending={save.pending}
            submit="Save for this event"
            secondary={
              stored.data && (
                <ConfirmButton
                  confirm="Remove: the event follows its profile again?"
                  pending={remove.pending}
                  onConfirm={remove.submit}
                >
                  Remove the override
                </ConfirmButton>
              )
            }
          >
            <SelectField
              label="Integration"
              name="integration_id"
              value={integrationId}
              onValue={setIntegrationId}
              problem={save.problem}
              options={[
                {
                  value: "",
                  label: `The profile's active one (${nameOf(active) ?? "none"})`,
                },
                ...linked.map((i) => ({ value: i.id, label: i.name })),
              ]}
            />
            <SelectField
              label="Mapping"
              name="mapping_mode"
              value={mode}
              onValue={(value) => setMode(value as "merge" | "replace")}
              problem={save.problem}
              options={[
                { value: "merge", label: "Merge: these entries add to and replace inherited ones" },
                { value: "replace", label: "Replace: only these entries, nothing inherited" },
              ]}
            />
            <MappingEditor
              legend="Field mapping for this event"
              rows={rows}
              onRows={setRows}
              problem={save.problem}
              fields={event.data.data.fields.map((f) => f.name)}
              eventUid={uid}
            />
            <SelectField
              label="Fire on payment"
              name="fire_on_payment"
              value={fireOnPayment}
              onValue={(value) => setFireOnPayment(value as typeof fireOnPayment)}
              problem={save.problem}
              options={[
                {
                  value: "",
                  label: `Like the profile (${profile.data?.fire_on_payment ? "yes" : "no"})`,
                },
                { value: "yes", label: "Yes: a payment sends guest.update" },
                { value: "no", label: "No" },
              ]}
              hint="A payment of a registration then sends guest.update (with x-weft-cause: payment)."
            />
            <Checkbox
              label="Webhooks on for this event"
              name="webhooks_enabled"
              checked={webhooksOn}
              onChecked={setWebhooksOn}
              problem={save.problem}
              hint="Off: no webhook fires for this event, whichever integration applies."
            />
          </Form>
          {remove.problem && <ProblemNotice problem={remove.problem} onRetry={remove.submit} />}
        </div>
        <MappingPreview
          level="event"
          draft={fromMappingRows(rows)}
          mappingMode={mode}
          integrationId={applying}
          integrations={integrations.data ?? []}
          eventUid={uid}
        />
      </div>
    </Screen>
  );
}
