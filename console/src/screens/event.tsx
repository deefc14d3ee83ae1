import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Problem, type Schemas, send } from "../api";
import { EVENT_STATUSES, optionsOf, REGISTRATION_STATUSES } from "../contract";
import { useIdempotencyKey, useLoad, useSubmit, withQuery } from "../hooks";
import { ManualActions, SelectionActions } from "../ui/actions";
import { AttendeeFields, type FieldValues, filledValues, formPaths } from "../ui/attendee-fields";
import { isoFromLocal, localInput, Pager, TableBox, Time } from "../ui/bits";
import { type FieldRow, FieldsEditor, fromRows, rowPaths, toRows } from "../ui/fields-editor";
import { Form, SelectField, TextField } from "../ui/form";
import { Done, Loading, ProblemNotice } from "../ui/notice";
import { Screen, Section } from "../ui/screen";

type EventData = Schemas["Event"];

export function useEvent(uid: string) {
  return useLoad(() => send(api().GET("/v1/events/{uid}", { params: { path: { uid } } })), [uid]);
}

export function useProfileName(uid: string | undefined) {
  const profile = useLoad(
    async () =>
      uid
        ? (await send(api().GET("/v1/profiles/{uid}", { params: { path: { uid } } }))).data
        : undefined,
    [uid],
  );
  return profile.data?.name;
}

/** An event: what it is, its manual actions, its attendees, and its registration form. */
export function Event() {
  const { uid } = useRoute().params;
  const event = useEvent(uid);
  const profileName = useProfileName(event.data?.data.profile_uid);
  const [registered, setRegistered] = useState(0);
  if (event.problem) {
    return (
      <Screen title="Event">
        <ProblemNotice problem={event.problem} onRetry={event.reload} />
      </Screen>
    );
  }
  if (!event.data) return <Loading what="Loading the event" />;
  const current = event.data.data;
  return (
    <Screen
      title={current.name}
      crumbs={[
        { href: "/console/profiles", label: "Profiles" },
        { href: `/console/profiles/${current.profile_uid}`, label: profileName ?? "Profile" },
      ]}
      actions={
        <>
          <a href={`/console/events/${uid}/settings`}>Settings and registration form</a>
          <a href={`/console/events/${uid}/integration`}>Integration for this event</a>
        </>
      }
    >
      <dl class="facts">
        <dt>Status</dt>
        <dd>{current.status}</dd>
        <dt>Starts</dt>
        <dd>
          <Time value={current.start_date} />
        </dd>
        <dt>Ends</dt>
        <dd>
          <Time value={current.end_date} />
        </dd>
        <dt>Time zone</dt>
        <dd>{current.timezone}</dd>
        <dt>Attendees</dt>
        <dd>
          {current.guest_count}
          {current.capacity !== null && ` of ${current.capacity}`}
        </dd>
        <dt>Integration</dt>
        <dd>
          <AppliedIntegration uid={uid} />
        </dd>
        <dt>UID</dt>
        <dd>
          <code>{uid}</code>
        </dd>
        <dt>Triggers</dt>
        <dd>
          <a href={`/console/triggers?event_uid=${uid}`}>What its changes sent, or why not</a>
        </dd>
      </dl>
      <Section
        title="Manual actions"
        hint="Send this event now, through a webhook of the integration that applies."
      >
        <ManualActions subject="event" uid={uid} />
      </Section>
      <EventAttendees event={current} refresh={registered} />
      <AddAttendee event={current} onAdded={() => setRegistered((n) => n + 1)} />
    </Screen>
  );
}

type Schedule = { start: string; end: string; status: string };

/** When an event runs and its status, as a new event's form and its settings edit them. */
export function EventScheduleFields({
  draft,
  onDraft,
  problem,
}: {
  draft: Schedule;
  onDraft: (change: Partial<Schedule>) => void;
  problem?: Problem;
}) {
  return (
    <>
      <TextField
        label="Starts"
        name="start_date"
        type="datetime-local"
        value={draft.start}
        onValue={(start) => onDraft({ start })}
        problem={problem}
        hint="In your browser's time zone."
      />
      <TextField
        label="Ends"
        name="end_date"
        type="datetime-local"
        value={draft.end}
        onValue={(end) => onDraft({ end })}
        problem={problem}
      />
      <SelectField
        label="Status"
        name="status"
        value={draft.status}
        onValue={(status) => onDraft({ status })}
        options={optionsOf(EVENT_STATUSES)}
        problem={problem}
      />
    </>
  );
}

/** Which integration applies to the event, and from where (its details: the event's integration). */
function AppliedIntegration({ uid }: { uid: string }) {
  const effective = useLoad(
    () => send(api().GET("/v1/events/{uid}/effective-integration", { params: { path: { uid } } })),
    [uid],
  );
  const applied = effective.data?.data;
  if (!applied) return <span class="muted">…</span>;
  return (
    <a href={`/console/events/${uid}/integration`}>
      {applied.integration
        ? `${applied.integration.name} (${applied.source === "override" ? "set on this event" : "the profile's"})`
        : "none"}
    </a>
  );
}

function EventAttendees({ event, refresh }: { event: EventData; refresh: number }) {
  const { query, path, route } = useLocation();
  const page = Number(query.page) || 1;
  const q = query.q ?? "";
  const sort = query.sort === "created_at" ? "created_at" : "-created_at";
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  const go = (change: Record<string, string | number | undefined>) =>
    route(withQuery(path, { q, sort, page, ...change }));
  const attendees = useLoad(
    () =>
      send(
        api().GET("/v1/attendees", {
          params: {
            query: {
              event_uid: event.uid,
              page,
              page_size: 25,
              sort,
              ...(q ? { q } : {}),
            },
          },
        }),
      ),
    [event.uid, page, q, sort, refresh],
  );
  const rows = (attendees.data?.data ?? []) as Schemas["Attendee"][];
  const [selected, setSelected] = useState<string[]>([]);
  useEffect(() => setSelected([]), [event.uid, page, q, sort]);
  const allSelected = rows.length > 0 && rows.every((a) => selected.includes(a.uid));
  return (
    <Section title="Attendees" id="attendees">
      <form
        class="toolbar"
        aria-label="Search attendees"
        onSubmit={(e) => {
          e.preventDefault();
          go({ q: search.trim(), page: 1 });
        }}
      >
        <label for="attendee-search">Search by name or e-mail</label>
        <input
          id="attendee-search"
          type="search"
          name="q"
          value={search}
          onInput={(e) => setSearch(e.currentTarget.value)}
        />
        <button type="submit">Search</button>
        {q && (
          <button type="button" onClick={() => go({ q: "", page: 1 })}>
            Clear search
          </button>
        )}
        <label for="attendee-sort">Order</label>
        <select
          id="attendee-sort"
          value={sort}
          onChange={(e) => go({ sort: e.currentTarget.value, page: 1 })}
        >
          <option value="-created_at">Newest registrations first</option>
          <option value="created_at">Oldest registrations first</option>
        </select>
      </form>
      {attendees.problem && (
        <ProblemNotice problem={attendees.problem} onRetry={attendees.reload} />
      )}
      {attendees.loading && !attendees.data && <Loading />}
      {attendees.data && (
        <>
          <TableBox label="Attendees of this event">
            <thead>
              <tr>
                <th scope="col">
                  <input
                    type="checkbox"
                    aria-label="Select every attendee on this page"
                    checked={allSelected}
                    onChange={(e) =>
                      setSelected(e.currentTarget.checked ? rows.map((a) => a.uid) : [])
                    }
                  />
                </th>
                <th scope="col">Name</th>
                <th scope="col">E-mail</th>
                <th scope="col">Registration</th>
                <th scope="col">Payment</th>
                <th scope="col" aria-sort={sort === "created_at" ? "ascending" : "descending"}>
                  Registered
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((attendee) => {
                const name =
                  [attendee.firstname, attendee.lastname].filter(Boolean).join(" ") ||
                  String(attendee.email ?? attendee.uid);
                return (
                  <tr key={attendee.uid}>
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${name}`}
                        checked={selected.includes(attendee.uid)}
                        onChange={(e) =>
                          setSelected(
                            e.currentTarget.checked
                              ? [...selected, attendee.uid]
                              : selected.filter((uid) => uid !== attendee.uid),
                          )
                        }
                      />
                    </td>
                    <td>
                      <a href={`/console/attendees/${attendee.uid}`}>{name}</a>
                    </td>
                    <td>{String(attendee.email ?? "")}</td>
                    <td>{attendee.registration_status}</td>
                    <td>{attendee.payment_status}</td>
                    <td>
                      <Time value={attendee.created_at} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </TableBox>
          {rows.length === 0 && <p>{q ? `No attendee matches “${q}”.` : "No attendee yet."}</p>}
          <Pager
            meta={attendees.data.meta}
            label="Attendee pages"
            onPage={(p) => go({ page: p })}
          />
          <SelectionActions eventUid={event.uid} selected={selected} />
        </>
      )}
    </Section>
  );
}

function AddAttendee({ event, onAdded }: { event: EventData; onAdded: () => void }) {
  const [values, setValues] = useState<FieldValues>({});
  const [status, setStatus] = useState("Complete");
  const [amounts, setAmounts] = useState({ excl: "", tax: "" });
  const [added, setAdded] = useState<Schemas["Attendee"]>();
  const idempotency = useIdempotencyKey();
  const add = useSubmit(async () => {
    setAdded(undefined);
    const result = await send(
      api().POST("/v1/attendees", {
        params: { header: { "idempotency-key": idempotency.current() } },
        body: {
          event_uid: event.uid,
          registration_status: status as Schemas["Attendee"]["registration_status"],
          ...(amounts.excl ? { amount_tax_excl: Number(amounts.excl) } : {}),
          ...(amounts.tax ? { amount_tax: Number(amounts.tax) } : {}),
          fields: filledValues(values),
        },
      }),
    );
    idempotency.renew();
    setAdded(result.data);
    setValues({});
    onAdded();
  });
  return (
    <Section title="Add an attendee">
      {added && (
        <Done>
          Registered{" "}
          <a href={`/console/attendees/${added.uid}`}>{String(added.email ?? added.uid)}</a>.
        </Done>
      )}
      <Form
        label="Add an attendee"
        onSubmit={add.submit}
        problem={add.problem}
        onRetry={add.submit}
        paths={[...formPaths(event.fields), "registration_status", "amount_tax_excl", "amount_tax"]}
        pending={add.pending}
        submit="Add attendee"
      >
        <AttendeeFields
          form={event.fields}
          values={values}
          onValues={setValues}
          problem={add.problem}
        />
        <div class="grid">
          <SelectField
            label="Registration status"
            name="registration_status"
            value={status}
            onValue={setStatus}
            options={optionsOf(REGISTRATION_STATUSES)}
            problem={add.problem}
          />
          <TextField
            label="Amount excluding tax"
            name="amount_tax_excl"
            type="number"
            step="0.01"
            value={amounts.excl}
            onValue={(excl) => setAmounts({ ...amounts, excl })}
            problem={add.problem}
          />
          <TextField
            label="Tax"
            name="amount_tax"
            type="number"
            step="0.01"
            value={amounts.tax}
            onValue={(tax) => setAmounts({ ...amounts, tax })}
            problem={add.problem}
          />
        </div>
      </Form>
    </Section>
  );
}

/** An event's settings and its registration form (locked fields are the integration's). */
export function EventSettings() {
  const { uid } = useRoute().params;
  const event = useEvent(uid);
  const profileName = useProfileName(event.data?.data.profile_uid);
  const current = event.data?.data;
  return (
    <Screen
      title={`Settings: ${current?.name ?? "event"}`}
      crumbs={[
        { href: "/console/profiles", label: "Profiles" },
        ...(current
          ? [
              { href: `/console/profiles/${current.profile_uid}`, label: profileName ?? "Profile" },
              { href: `/console/events/${uid}`, label: current.name },
            ]
          : []),
      ]}
    >
      {event.problem && <ProblemNotice problem={event.problem} onRetry={event.reload} />}
      {!current && !event.problem && <Loading />}
      {current && <EventEdit event={current} onSaved={event.set} />}
    </Screen>
  );
}

function EventEdit({
  event,
  onSaved,
}: {
  event: EventData;
  onSaved: (saved: { data: EventData }) => void;
}) {
  const [draft, setDraft] = useState(() => ({
    name: event.name,
    start: localInput(event.start_date),
    end: localInput(event.end_date),
    status: event.status as string,
    capacity: event.capacity === null ? "" : String(event.capacity),
  }));
  const [rows, setRows] = useState<FieldRow[]>(() => toRows(event.fields));
  useEffect(() => setRows(toRows(event.fields)), [event.fields]);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    const result = await send(
      api().PATCH("/v1/events/{uid}", {
        params: { path: { uid: event.uid } },
        body: {
          name: draft.name,
          start_date: isoFromLocal(draft.start),
          end_date: isoFromLocal(draft.end),
          status: draft.status as EventData["status"],
          capacity: draft.capacity === "" ? null : Number(draft.capacity),
          fields: fromRows(rows, true),
        },
      }),
    );
    setSaved(true);
    onSaved(result);
  });
  return (
    <>
      <p class="muted">
        Fields marked Locked come from the automatic configuration of the integration that applies:
        they cannot be removed or changed while it applies (only their label).
      </p>
      {saved && <Done>Event saved.</Done>}
      <Form
        label="Event settings"
        onSubmit={save.submit}
        problem={save.problem}
        onRetry={save.submit}
        paths={[
          "name",
          "start_date",
          "end_date",
          "status",
          "capacity",
          ...rowPaths("fields", rows),
        ]}
        pending={save.pending}
        submit="Save event"
      >
        <TextField
          label="Name"
          name="name"
          value={draft.name}
          onValue={(name) => setDraft({ ...draft, name })}
          problem={save.problem}
        />
        <div class="grid">
          <EventScheduleFields
            draft={draft}
            onDraft={(change) => setDraft({ ...draft, ...change })}
            problem={save.problem}
          />
          <TextField
            label="Capacity"
            name="capacity"
            type="number"
            min="1"
            value={draft.capacity}
            onValue={(capacity) => setDraft({ ...draft, capacity })}
            problem={save.problem}
            hint="Empty: no limit."
          />
        </div>
        <FieldsEditor
          legend="Registration form"
          rows={rows}
          onRows={setRows}
          prefix="fields"
          problem={save.problem}
        />
      </Form>
    </>
  );
}
