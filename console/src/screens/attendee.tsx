import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, type Schemas, send } from "../api";
import { optionsOf, REGISTRATION_STATUSES } from "../contract";
import { useIdempotencyKey, useLoad, useSubmit } from "../hooks";
import { ManualActions } from "../ui/actions";
import { AttendeeFields, type FieldValues, formPaths, patchValues } from "../ui/attendee-fields";
import { ConfirmButton, isoFromLocal, Time } from "../ui/bits";
import { Form, SelectField, TextField } from "../ui/form";
import { Done, Loading, ProblemNotice } from "../ui/notice";
import { Screen, Section } from "../ui/screen";
import { useEvent, useProfileName } from "./event";

type AttendeeData = Schemas["Attendee"];

/** An attendee: who, its registration and payments, its manual actions. */
export function Attendee() {
  const { uid } = useRoute().params;
  const attendee = useLoad(
    async () =>
      (await send(api().GET("/v1/attendees/{uid}", { params: { path: { uid } } })))
        .data as AttendeeData,
    [uid],
  );
  const profileName = useProfileName(attendee.data?.profile_uid);
  if (attendee.problem) {
    return (
      <Screen title="Attendee">
        <ProblemNotice problem={attendee.problem} onRetry={attendee.reload} />
      </Screen>
    );
  }
  if (!attendee.data) return <Loading what="Loading the attendee" />;
  const current = attendee.data;
  const name =
    [current.firstname, current.lastname].filter(Boolean).join(" ") || String(current.email ?? uid);
  return (
    <Screen
      title={name}
      crumbs={[
        { href: `/console/profiles/${current.profile_uid}`, label: profileName ?? "Profile" },
        { href: `/console/events/${current.event_uid}`, label: current.event_name },
      ]}
    >
      <dl class="facts">
        <dt>E-mail</dt>
        <dd>{String(current.email ?? "—")}</dd>
        <dt>Registration</dt>
        <dd>{current.registration_status}</dd>
        <dt>Registered</dt>
        <dd>
          <Time value={current.created_at} />
        </dd>
        <dt>Language</dt>
        <dd>{current.language}</dd>
        <dt>UID</dt>
        <dd>
          <code>{uid}</code>
        </dd>
      </dl>
      <Section
        title="Manual actions"
        hint="Send this attendee now, through a webhook of the integration that applies."
      >
        <ManualActions subject="attendee" uid={uid} />
      </Section>
      <Payments attendee={current} onPaid={attendee.set} />
      <EditAttendee attendee={current} onSaved={attendee.set} />
    </Screen>
  );
}

function Payments({
  attendee,
  onPaid,
}: {
  attendee: AttendeeData;
  onPaid: (attendee: AttendeeData) => void;
}) {
  const [draft, setDraft] = useState({ amount: "", method: "card", paidAt: "" });
  const [paid, setPaid] = useState(false);
  const idempotency = useIdempotencyKey();
  const pay = useSubmit(async () => {
    setPaid(false);
    const result = await send(
      api().POST("/v1/attendees/{uid}/payments", {
        params: {
          path: { uid: attendee.uid },
          header: { "idempotency-key": idempotency.current() },
        },
        body: {
          amount: Number(draft.amount),
          method: draft.method,
          ...(draft.paidAt ? { paid_at: isoFromLocal(draft.paidAt) } : {}),
        },
      }),
    );
    idempotency.renew();
    setPaid(true);
    onPaid(result.data);
    setDraft({ ...draft, amount: "" });
  });
  const money = (n: number) => n.toFixed(2);
  return (
    <Section
      title="Payments"
      hint="A payment fires guest.update only where the event's integration override says “fire on payment”."
    >
      <dl class="facts">
        <dt>Status</dt>
        <dd>{attendee.payment_status}</dd>
        <dt>Paid</dt>
        <dd>
          {money(attendee.payment_amount)} of {money(attendee.amount_tax_incl)} (
          {money(attendee.amount_tax_excl)} + {money(attendee.amount_tax)} tax)
        </dd>
        <dt>Last payment</dt>
        <dd>
          {attendee.payment_method ?? "—"} <Time value={attendee.payment_date} />
        </dd>
      </dl>
      {paid && <Done>Payment recorded.</Done>}
      <Form
        label="Record a payment"
        onSubmit={pay.submit}
        problem={pay.problem}
        onRetry={pay.submit}
        paths={["amount", "method", "paid_at"]}
        pending={pay.pending}
        submit="Record payment"
      >
        <div class="grid">
          <TextField
            label="Amount"
            name="amount"
            type="number"
            step="0.01"
            value={draft.amount}
            onValue={(amount) => setDraft({ ...draft, amount })}
            problem={pay.problem}
          />
          <TextField
            label="Method"
            name="method"
            value={draft.method}
            onValue={(method) => setDraft({ ...draft, method })}
            problem={pay.problem}
          />
          <TextField
            label="Paid at"
            name="paid_at"
            type="datetime-local"
            value={draft.paidAt}
            onValue={(paidAt) => setDraft({ ...draft, paidAt })}
            problem={pay.problem}
            hint="Empty: now."
          />
        </div>
      </Form>
    </Section>
  );
}

function EditAttendee({
  attendee,
  onSaved,
}: {
  attendee: AttendeeData;
  onSaved: (attendee: AttendeeData) => void;
}) {
  const { route } = useLocation();
  const event = useEvent(attendee.event_uid);
  const form = event.data?.data.fields ?? [];
  const [values, setValues] = useState<FieldValues>({});
  const [status, setStatus] = useState<string>(attendee.registration_status);
  useEffect(() => {
    setValues(Object.fromEntries(form.map((field) => [field.name, attendee[field.name] ?? ""])));
  }, [event.data, attendee]);
  const [saved, setSaved] = useState(false);
  const save = useSubmit(async () => {
    setSaved(false);
    const result = await send(
      api().PATCH("/v1/attendees/{uid}", {
        params: { path: { uid: attendee.uid } },
        body: {
          registration_status: status as AttendeeData["registration_status"],
          fields: patchValues(values),
        },
      }),
    );
    setSaved(true);
    onSaved(result.data);
  });
  const remove = useSubmit(async () => {
    await send(api().DELETE("/v1/attendees/{uid}", { params: { path: { uid: attendee.uid } } }));
    route(`/console/events/${attendee.event_uid}`);
  });
  return (
    <Section title="Registration">
      {event.problem && <ProblemNotice problem={event.problem} onRetry={event.reload} />}
      {saved && <Done>Attendee saved.</Done>}
      <Form
        label="Edit the registration"
        onSubmit={save.submit}
        problem={save.problem}
        onRetry={save.submit}
        paths={[...formPaths(form), "registration_status"]}
        pending={save.pending}
        submit="Save attendee"
      >
        <AttendeeFields form={form} values={values} onValues={setValues} problem={save.problem} />
        <SelectField
          label="Registration status"
          name="registration_status"
          value={status}
          onValue={setStatus}
          options={optionsOf(REGISTRATION_STATUSES)}
          problem={save.problem}
        />
      </Form>
      {remove.problem && <ProblemNotice problem={remove.problem} onRetry={remove.submit} />}
      <ConfirmButton
        confirm="Delete this attendee (fires guest.delete)?"
        pending={remove.pending}
        onConfirm={remove.submit}
      >
        Delete attendee
      </ConfirmButton>
    </Section>
  );
}
