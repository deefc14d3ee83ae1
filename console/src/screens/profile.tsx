import { useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { allPages, api, type Schemas, send } from "../api";
import { useIdempotencyKey, useLoad, useSubmit } from "../hooks";
import { ConfirmButton, isoFromLocal, Pager, TableBox, Time } from "../ui/bits";
import { Checkbox, Form, SelectField, TextField } from "../ui/form";
import { MappingLevel } from "../ui/mapping-level";
import { Done, Loading, ProblemNotice } from "../ui/notice";
import { Screen, Section } from "../ui/screen";
import { EventScheduleFields } from "./event";

function useProfile(uid: string) {
  return useLoad(() => send(api().GET("/v1/profiles/{uid}", { params: { path: { uid } } })), [uid]);
}

/** Every profile of the account (for a form that picks some). */
export function useAllProfiles() {
  return useLoad(
    () =>
      allPages((page) =>
        send(api().GET("/v1/profiles", { params: { query: { page, page_size: 200 } } })),
      ),
    [],
  );
}

export function useIntegrations() {
  return useLoad(
    () =>
      allPages((page) =>
        send(api().GET("/v1/integrations", { params: { query: { page, page_size: 200 } } })),
      ),
    [],
  );
}

/** A profile: its events, the integration active on it ("Geek > Integrations"), its mapping. */
export function Profile() {
  const { uid } = useRoute().params;
  const profile = useProfile(uid);
  const integrations = useIntegrations();
  if (profile.problem) {
    return (
      <Screen title="Profile">
        <ProblemNotice problem={profile.problem} onRetry={profile.reload} />
      </Screen>
    );
  }
  if (!profile.data) return <Loading what="Loading the profile" />;
  const current = profile.data.data;
  return (
    <Screen
      title={current.name}
      crumbs={[{ href: "/console/profiles", label: "Profiles" }]}
      actions={<a href={`/console/profiles/${uid}/mapping`}>Field mapping (profile level)</a>}
    >
      <p class="muted small">
        Profile <code>{uid}</code>
      </p>
      <ProfileEvents uid={uid} />
      <Activation
        profile={current}
        integrations={integrations.data ?? []}
        onChanged={profile.reload}
      />
      <ProfileSettings profile={current} onSaved={profile.set} />
    </Screen>
  );
}

function ProfileEvents({ uid }: { uid: string }) {
  const { query, route, path } = useLocation();
  const page = Number(query.page) || 1;
  const events = useLoad(
    () =>
      send(
        api().GET("/v1/events", { params: { query: { profile_uid: uid, page, page_size: 50 } } }),
      ),
    [uid, page],
  );
  const [draft, setDraft] = useState({ name: "", start: "", end: "", status: "Registering" });
  const [timezone, setTimezone] = useState(
    () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
  );
  const idempotency = useIdempotencyKey();
  const create = useSubmit(async () => {
    const made = await send(
      api().POST("/v1/events", {
        params: { header: { "idempotency-key": idempotency.current() } },
        body: {
          profile_uid: uid,
          name: draft.name,
          start_date: isoFromLocal(draft.start),
          end_date: isoFromLocal(draft.end),
          status: draft.status as Schemas["Event"]["status"],
          timezone,
        },
      }),
    );
    idempotency.renew();
    route(`/console/events/${made.data.uid}`);
  });
  return (
    <>
      <Section title="Events">
        {events.problem && <ProblemNotice problem={events.problem} onRetry={events.reload} />}
        {events.loading && !events.data && <Loading />}
        {events.data && (
          <>
            <TableBox label="Events of this profile">
              <thead>
                <tr>
                  <th scope="col">Event</th>
                  <th scope="col">Status</th>
                  <th scope="col">Starts</th>
                  <th scope="col">Attendees</th>
                </tr>
              </thead>
              <tbody>
                {events.data.data.map((event) => (
                  <tr key={event.uid}>
                    <td>
                      <a href={`/console/events/${event.uid}`}>{event.name}</a>
                    </td>
                    <td>{event.status}</td>
                    <td>
                      <Time value={event.start_date} />
                    </td>
                    <td>{event.guest_count}</td>
                  </tr>
                ))}
              </tbody>
            </TableBox>
            {events.data.data.length === 0 && <p>No event yet.</p>}
            <Pager
              meta={events.data.meta}
              label="Event pages"
              onPage={(p) => route(`${path}?page=${p}`)}
            />
          </>
        )}
      </Section>
      <Section title="New event">
        <Form
          label="New event"
          onSubmit={create.submit}
          problem={create.problem}
          onRetry={create.submit}
          paths={["name", "start_date", "end_date", "status", "timezone", "profile_uid"]}
          pending={create.pending}
          submit="Create event"
        >
          <TextField
            label="Name"
            name="name"
            value={draft.name}
            onValue={(name) => setDraft({ ...draft, name })}
            problem={create.problem}
          />
          <div class="grid">
            <EventScheduleFields
              draft={draft}
              onDraft={(change) => setDraft({ ...draft, ...change })}
              problem={create.problem}
            />
            <TextField
              label="Time zone"
              name="timezone"
              value={timezone}
              onValue={setTimezone}
              problem={create.problem}
              hint="IANA name, e.g. Europe/Brussels."
            />
          </div>
          <p class="muted small">
            The form starts with e-mail (required), first name and last name, plus the fixed fields
            of the integration active on this profile. Edit it on the event.
          </p>
        </Form>
      </Section>
    </>
  );
}

/**
 * "Geek > Integrations" of the profile: which integration is active (its webhooks fire for the
 * profile's events); activating one replaces the previous one, and says which.
 */
function Activation({
  profile,
  integrations,
  onChanged,
}: {
  profile: Schemas["Profile"];
  integrations: readonly Schemas["Integration"][];
  onChanged: () => void;
}) {
  const linked = integrations.filter((i) => i.profile_uids.includes(profile.uid));
  const nameOf = (id: string | null | undefined) =>
    id ? (integrations.find((i) => i.id === id)?.name ?? id) : undefined;
  const [chosen, setChosen] = useState("");
  const choice = chosen || linked.find((i) => i.id !== profile.active_integration_id)?.id || "";
  const [outcome, setOutcome] = useState<string>();
  const activate = useSubmit(async () => {
    setOutcome(undefined);
    const result = await send(
      api().PUT("/v1/profiles/{uid}/integration", {
        params: { path: { uid: profile.uid } },
        body: { integration_id: choice },
      }),
    );
    const { integration_id, replaced_integration_id } = result.data;
    setOutcome(
      `${nameOf(integration_id)} is now active on this profile. ${
        replaced_integration_id === integration_id
          ? "It was already active."
          : replaced_integration_id
            ? `It replaced ${nameOf(replaced_integration_id)}.`
            : "No integration was active before."
      }`,
    );
    onChanged();
  });
  const deactivate = useSubmit(async () => {
    setOutcome(undefined);
    const result = await send(
      api().DELETE("/v1/profiles/{uid}/integration", { params: { path: { uid: profile.uid } } }),
    );
    const replaced = result.data.replaced_integration_id;
    setOutcome(replaced ? `${nameOf(replaced)} is no longer active.` : "Nothing was active.");
    onChanged();
  });
  return (
    <Section
      title="Integrations"
      id="integrations"
      hint="Only one integration is active per profile: its webhooks fire for this profile's events, and its fixed fields are locked into their forms."
    >
      <p>
        Active now:{" "}
        {profile.active_integration_id ? (
          <a href={`/console/integrations/${profile.active_integration_id}`}>
            <strong>{nameOf(profile.active_integration_id)}</strong>
          </a>
        ) : (
          <strong>none</strong>
        )}
      </p>
      {outcome && <Done>{outcome}</Done>}
      {linked.length === 0 ? (
        <p class="muted">
          No integration lists this profile yet: link it in an integration's{" "}
          <a href="/console/integrations">basic settings</a>.
        </p>
      ) : (
        <Form
          label="Activate an integration"
          onSubmit={activate.submit}
          problem={activate.problem ?? deactivate.problem}
          onRetry={activate.problem ? activate.submit : deactivate.submit}
          paths={["integration_id"]}
          pending={activate.pending || deactivate.pending}
          submit="Activate"
          pendingText="Activating…"
          secondary={
            profile.active_integration_id && (
              <ConfirmButton
                confirm="Deactivate: its webhooks stop firing for this profile?"
                onConfirm={deactivate.submit}
                pending={deactivate.pending}
              >
                Deactivate
              </ConfirmButton>
            )
          }
        >
          <SelectField
            label="Integration"
            name="integration_id"
            value={choice}
            onValue={setChosen}
            options={linked.map((i) => ({
              value: i.id,
              label: i.id === profile.active_integration_id ? `${i.name} (active)` : i.name,
            }))}
            problem={activate.problem}
          />
        </Form>
      )}
    </Section>
  );
}

function ProfileSettings({
  profile,
  onSaved,
}: {
  profile: Schemas["Profile"];
  onSaved: (saved: { data: Schemas["Profile"] }) => void;
}) {
  const { route } = useLocation();
  const [name, setName] = useState(profile.name);
  const [fireOnPayment, setFireOnPayment] = useState(profile.fire_on_payment);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    const result = await send(
      api().PATCH("/v1/profiles/{uid}", {
        params: { path: { uid: profile.uid } },
        body: { name, fire_on_payment: fireOnPayment },
      }),
    );
    setSaved(true);
    onSaved(result);
  });
  const remove = useSubmit(async () => {
    await send(api().DELETE("/v1/profiles/{uid}", { params: { path: { uid: profile.uid } } }));
    route("/console/profiles");
  });
  return (
    <Section title="Profile settings">
      {saved && <Done>Saved.</Done>}
      <Form
        label="Profile settings"
        onSubmit={save.submit}
        problem={save.problem}
        onRetry={save.submit}
        paths={["name", "fire_on_payment"]}
        pending={save.pending}
        submit="Save"
      >
        <TextField label="Name" name="name" value={name} onValue={setName} problem={save.problem} />
        <Checkbox
          label="Fire on payment"
          name="fire_on_payment"
          checked={fireOnPayment}
          onChecked={setFireOnPayment}
          problem={save.problem}
          hint="A payment of a registration sends guest.update (x-weft-cause: payment) for this profile's events; an event can say otherwise."
        />
      </Form>
      {remove.problem && <ProblemNotice problem={remove.problem} onRetry={remove.submit} />}
      <ConfirmButton
        confirm="Delete this profile?"
        pending={remove.pending}
        onConfirm={remove.submit}
      >
        Delete profile
      </ConfirmButton>
    </Section>
  );
}

/** The profile level of the field mapping, with the live preview. */
export function ProfileMapping() {
  const { uid } = useRoute().params;
  const profile = useProfile(uid);
  const integrations = useIntegrations();
  return (
    <MappingLevel
      level="profile"
      title={`Field mapping: ${profile.data?.data.name ?? "profile"}`}
      crumbs={[
        { href: "/console/profiles", label: "Profiles" },
        { href: `/console/profiles/${uid}`, label: profile.data?.data.name ?? uid },
      ]}
      hint="Applies to this profile's attendees after the account's and the integration's entries; an entry with the same output key replaces theirs."
      load={async () =>
        (await send(api().GET("/v1/profiles/{uid}/field-mapping", { params: { path: { uid } } })))
          .data.field_mapping
      }
      save={async (field_mapping) =>
        (
          await send(
            api().PUT("/v1/profiles/{uid}/field-mapping", {
              params: { path: { uid } },
              body: { field_mapping },
            }),
          )
        ).data.field_mapping
      }
      integrations={(integrations.data ?? []).filter((i) => i.profile_uids.includes(uid))}
      defaultIntegration={profile.data?.data.active_integration_id ?? undefined}
      deps={[uid]}
    />
  );
}
