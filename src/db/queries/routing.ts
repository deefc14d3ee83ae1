import { and, eq, type Placeholder, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "../client";
import { inList } from "../in-list";
import { batchPrepared, prepared } from "../prepared";
import {
  accounts,
  attendees,
  eventOverrides,
  events,
  integrations,
  profiles,
  triggers,
  webhooks,
} from "../schema";
import { earlierPendingOfSubject, triggerById } from "./triggers";

/**
 * The rows that route an event (src/domain/routing.ts decides with them): its account, profile
 * and override, and the integration that applies with its webhooks for one trigger (enabled or not:
 * the trigger log says when a disabled one is why nothing fired); read
 * with the thing being routed (a trigger, an event, an attendee) in one round trip.
 */

type Source = SQLWrapper | Placeholder;
type RoutingKeys = { accountId: Source; profileId: Source; eventId: Source; trigger: Source };

/**
 * The applying integration's id in SQL: the override's, else the profile's active one. The same
 * rule as `applyingIntegrationId` in domain/routing.ts, which checks the row this finds.
 */
function applyingIntegration(by: RoutingKeys): SQL {
  return sql`coalesce(
    (SELECT ${eventOverrides.integrationId} FROM ${eventOverrides} WHERE ${eventOverrides.eventId} = ${by.eventId}),
    (SELECT ${profiles.activeIntegrationId} FROM ${profiles} WHERE ${profiles.id} = ${by.profileId})
  )`;
}

/** The route's queries, given where the account, profile, event ids and the trigger come from. */
function routeQueries(db: Database, by: RoutingKeys) {
  const integrationId = applyingIntegration(by);
  return {
    account: db.select().from(accounts).where(eq(accounts.id, by.accountId)).prepare(),
    profile: db
      .select()
      .from(profiles)
      .where(and(eq(profiles.id, by.profileId), eq(profiles.accountId, by.accountId)))
      .prepare(),
    override: db
      .select()
      .from(eventOverrides)
      .where(eq(eventOverrides.eventId, by.eventId))
      .prepare(),
    integration: db
      .select()
      .from(integrations)
      .where(and(eq(integrations.id, integrationId), eq(integrations.accountId, by.accountId)))
      .prepare(),
    webhooks: db
      .select()
      .from(webhooks)
      .where(
        and(
          eq(webhooks.integrationId, integrationId),
          eq(webhooks.accountId, by.accountId),
          eq(webhooks.trigger, by.trigger),
        ),
      )
      .orderBy(webhooks.createdAt)
      .prepare(),
    allWebhooks: db
      .select()
      .from(webhooks)
      .where(and(eq(webhooks.integrationId, integrationId), eq(webhooks.accountId, by.accountId)))
      .orderBy(webhooks.createdAt)
      .prepare(),
  };
}

type RouteQueries = ReturnType<typeof routeQueries>;
type Values = Record<string, unknown>;

/** The route's queries bound to `values`, to put after the routed row's query in a batch. */
function bound(queries: RouteQueries, values: Values) {
  return [
    [queries.account, values],
    [queries.profile, values],
    [queries.override, values],
    [queries.integration, values],
    [queries.webhooks, values],
  ] as const;
}

/** The context and the applying integration out of a batch's route rows. */
function routeRows([account, profile, override, integration, hooks]: [
  (typeof accounts.$inferSelect)[],
  (typeof profiles.$inferSelect)[],
  (typeof eventOverrides.$inferSelect)[],
  (typeof integrations.$inferSelect)[],
  (typeof webhooks.$inferSelect)[],
]) {
  return {
    context: { account: account[0], profile: profile[0], override: override[0] },
    applying: { integration: integration[0], webhooks: hooks },
  };
}

export type RouteRows = ReturnType<typeof routeRows>;

/**
 * A trigger with its event (what templates read as `event`; gone after an event.delete), the
 * route of its event for that trigger, and its subject's earlier changes still pending: the
 * consumer's one read.
 */
export async function triggerWithRoute(db: Database, id: string) {
  const [found, event, earlier, ...route] = await batchPrepared(db, [
    [triggerById(db), { id }],
    [eventOfTrigger(db), { id }],
    [earlierPendingOfSubject(db), { id }],
    ...bound(routeOfTrigger(db), { id }),
  ]);
  const trigger = found[0];
  return (
    trigger && {
      trigger,
      event: event[0],
      earlier: earlier.map((row) => row.id),
      ...routeRows(route),
    }
  );
}

type Row<T extends { $inferSelect: unknown }> = T["$inferSelect"];

/** A trigger with its event and its route's rows (what fan-out decides from). */
export type TriggerRoute = {
  trigger: Row<typeof triggers>;
  event: Row<typeof events> | undefined;
  context: {
    account: Row<typeof accounts> | undefined;
    profile: Row<typeof profiles> | undefined;
    override: Row<typeof eventOverrides> | undefined;
  };
  applying: { integration: Row<typeof integrations> | undefined; webhooks: Row<typeof webhooks>[] };
};

/**
 * Many triggers with their events and routes (a consumer batch's one read): the same rows as
 * `triggerWithRoute` gives each, read once for all (a burst's triggers share their route) in one
 * round trip of seven statements instead of eight statements per trigger. `earlier` is not read
 * here: only a `per_subject` webhook needs it (`earlierPendingIds`).
 */
export async function triggersWithRoutes(
  db: Database,
  ids: readonly string[],
): Promise<Map<string, TriggerRoute>> {
  const q = routesOfTriggers(db);
  const values = { ids: JSON.stringify(ids) };
  const [found, events, accounts, profiles, overrides, integrations, hooks] = await batchPrepared(
    db,
    [
      [q.triggers, values],
      [q.events, values],
      [q.accounts, values],
      [q.profiles, values],
      [q.overrides, values],
      [q.integrations, values],
      [q.webhooks, values],
    ],
  );
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((row) => [row.id, row]));
  const eventById = byId(events);
  const accountById = byId(accounts);
  const profileById = byId(profiles);
  const integrationById = byId(integrations);
  const overrideByEvent = new Map(overrides.map((row) => [row.eventId, row]));
  const result = new Map<string, TriggerRoute>();
  for (const trigger of found) {
    const { accountId } = trigger;
    const profile = profileById.get(trigger.profileId);
    const override = overrideByEvent.get(trigger.eventId);
    // As `applyingIntegration` in SQL: the override's, else the profile's active one.
    const integrationId = override?.integrationId ?? profile?.activeIntegrationId ?? null;
    const integration = integrationId ? integrationById.get(integrationId) : undefined;
    result.set(trigger.id, {
      trigger,
      event: eventById.get(trigger.eventId),
      context: {
        account: accountById.get(accountId),
        profile: profile?.accountId === accountId ? profile : undefined,
        override,
      },
      applying: {
        integration: integration?.accountId === accountId ? integration : undefined,
        webhooks: hooks.filter(
          (hook) =>
            hook.integrationId === integrationId &&
            hook.accountId === accountId &&
            hook.trigger === trigger.trigger,
        ),
      },
    });
  }
  return result;
}

/** A trigger's subject's earlier changes still pending, oldest first (as `triggerWithRoute` reads). */
export async function earlierPendingIds(db: Database, id: string): Promise<string[]> {
  const rows = await earlierPendingOfSubject(db).all({ id });
  return rows.map((row) => row.id);
}

/** An event of the account with its route for `trigger` (a manual action's one read). */
export async function eventWithRoute(
  db: Database,
  values: { accountId: string; eventId: string; trigger: string },
) {
  const [found, ...route] = await batchPrepared(db, [
    [eventOfAccount(db), values],
    ...bound(routeOfEvent(db), values),
  ]);
  const event = found[0];
  return event && { event, ...routeRows(route) };
}

/**
 * An event of the account with its route for `trigger` and those of `attendeeIds` that are its
 * attendees (a manual action on a selection's one read).
 */
export async function eventWithRouteAndAttendees(
  db: Database,
  values: { accountId: string; eventId: string; trigger: string; attendeeIds: string[] },
) {
  const [found, among, ...route] = await batchPrepared(db, [
    [eventOfAccount(db), values],
    [attendeesOfEventAmong(db), { ...values, attendeeIds: JSON.stringify(values.attendeeIds) }],
    ...bound(routeOfEvent(db), values),
  ]);
  const event = found[0];
  return event && { event, attendees: among, ...routeRows(route) };
}

/**
 * An event of the account with what routes it and every webhook (all triggers, enabled or not)
 * of the integration that applies: the effective configuration's one read.
 */
export async function eventWithRouting(
  db: Database,
  values: { accountId: string; eventId: string },
) {
  const queries = routeOfEvent(db);
  const [found, account, profile, override, integration, hooks] = await batchPrepared(db, [
    [eventOfAccount(db), values],
    [queries.account, values],
    [queries.profile, values],
    [queries.override, values],
    [queries.integration, values],
    [queries.allWebhooks, values],
  ]);
  const event = found[0];
  return (
    event && {
      event,
      context: { account: account[0], profile: profile[0], override: override[0] },
      integration: integration[0],
      webhooks: hooks,
    }
  );
}

/** An attendee of the account with its event and route for `trigger`. */
export async function attendeeWithRoute(
  db: Database,
  values: { accountId: string; attendeeId: string; trigger: string },
) {
  const [found, event, ...route] = await batchPrepared(db, [
    [attendeeOfAccount(db), values],
    [eventOfAttendee(db), values],
    ...bound(routeOfAttendee(db), values),
  ]);
  const attendee = found[0];
  return attendee && event[0] && { attendee, event: event[0], ...routeRows(route) };
}

/**
 * An attendee (or, without `attendeeId`, an event) of the account, its event, and the event's
 * account, profile and override: what renders a webhook for it under any integration (a
 * preview's). Builders, to read in the batch of the webhook they preview.
 */
export function subjectWithContext(
  db: Database,
  accountId: string,
  subject: { attendeeId: string } | { eventId: string },
) {
  const attendeeId = "attendeeId" in subject ? subject.attendeeId : "";
  const eventId =
    "eventId" in subject
      ? sql`${subject.eventId}`
      : sql`(${db.select({ id: attendees.eventId }).from(attendees).where(eq(attendees.id, attendeeId))})`;
  const profileId = sql`(${db.select({ id: events.profileId }).from(events).where(eq(events.id, eventId))})`;
  return [
    db
      .select()
      .from(attendees)
      .where(and(eq(attendees.id, attendeeId), eq(attendees.accountId, accountId))),
    db
      .select()
      .from(events)
      .where(and(eq(events.id, eventId), eq(events.accountId, accountId))),
    db.select().from(accounts).where(eq(accounts.id, accountId)),
    db.select().from(profiles).where(eq(profiles.id, profileId)),
    db.select().from(eventOverrides).where(eq(eventOverrides.eventId, eventId)),
  ] as const;
}

const placeholder = sql.placeholder;

const routeOfTrigger = (db: Database) =>
  prepared(db, "routeOfTrigger", () => {
    const column = (name: "accountId" | "profileId" | "eventId" | "trigger") =>
      db
        .select({ value: triggers[name] })
        .from(triggers)
        .where(eq(triggers.id, placeholder("id")));
    return routeQueries(db, {
      accountId: column("accountId"),
      profileId: column("profileId"),
      eventId: column("eventId"),
      trigger: column("trigger"),
    });
  });

/** The queries of `triggersWithRoutes`: each reads the rows of every trigger in `ids` (JSON). */
const routesOfTriggers = (db: Database) =>
  prepared(db, "routesOfTriggers", () => {
    const ids = placeholder("ids");
    const ofTriggers = (name: "accountId" | "profileId" | "eventId" | "trigger") =>
      sql`(SELECT ${triggers[name]} FROM ${triggers} WHERE ${inList(triggers.id, ids)})`;
    const among = (column: SQLWrapper, values: SQL) => sql`${column} IN ${values}`;
    const rowsWhere = <T extends SQLiteTable>(table: T, where: SQL) =>
      db.select().from(table).where(where).prepare();
    const integrationIds = sql`(
      SELECT ${eventOverrides.integrationId} FROM ${eventOverrides}
        WHERE ${eventOverrides.eventId} IN ${ofTriggers("eventId")}
      UNION
      SELECT ${profiles.activeIntegrationId} FROM ${profiles}
        WHERE ${profiles.id} IN ${ofTriggers("profileId")})`;
    return {
      triggers: db.select().from(triggers).where(inList(triggers.id, ids)).prepare(),
      events: rowsWhere(events, among(events.id, ofTriggers("eventId"))),
      accounts: rowsWhere(accounts, among(accounts.id, ofTriggers("accountId"))),
      profiles: rowsWhere(profiles, among(profiles.id, ofTriggers("profileId"))),
      overrides: rowsWhere(eventOverrides, among(eventOverrides.eventId, ofTriggers("eventId"))),
      integrations: rowsWhere(integrations, among(integrations.id, integrationIds)),
      webhooks: db
        .select()
        .from(webhooks)
        .where(
          and(
            among(webhooks.integrationId, integrationIds),
            among(webhooks.trigger, ofTriggers("trigger")),
          ),
        )
        .orderBy(webhooks.createdAt)
        .prepare(),
    };
  });

const eventOfAccount = (db: Database) =>
  prepared(db, "eventOfAccount", () =>
    db
      .select()
      .from(events)
      .where(
        and(eq(events.id, placeholder("eventId")), eq(events.accountId, placeholder("accountId"))),
      )
      .prepare(),
  );

/** The event whose id the routed row gives (`eventId`: a subquery on that row), prepared. */
const eventWhere = (db: Database, shape: string, eventId: () => SQLWrapper) =>
  prepared(db, shape, () => db.select().from(events).where(eq(events.id, eventId())).prepare());

const eventOfTrigger = (db: Database) =>
  eventWhere(db, "eventOfTrigger", () =>
    db
      .select({ value: triggers.eventId })
      .from(triggers)
      .where(eq(triggers.id, placeholder("id"))),
  );

const routeOfEvent = (db: Database) =>
  prepared(db, "routeOfEvent", () =>
    routeQueries(db, {
      accountId: placeholder("accountId"),
      profileId: db
        .select({ value: events.profileId })
        .from(events)
        .where(eq(events.id, placeholder("eventId"))),
      eventId: placeholder("eventId"),
      trigger: placeholder("trigger"),
    }),
  );

const attendeeOfAccount = (db: Database) =>
  prepared(db, "attendeeOfAccount", () =>
    db
      .select()
      .from(attendees)
      .where(
        and(
          eq(attendees.id, placeholder("attendeeId")),
          eq(attendees.accountId, placeholder("accountId")),
        ),
      )
      .prepare(),
  );

const attendeesOfEventAmong = (db: Database) =>
  prepared(db, "attendeesOfEventAmong", () =>
    db
      .select()
      .from(attendees)
      .where(
        and(
          eq(attendees.eventId, placeholder("eventId")),
          eq(attendees.accountId, placeholder("accountId")),
          inList(attendees.id, placeholder("attendeeIds")),
        ),
      )
      .prepare(),
  );

const eventOfAttendee = (db: Database) =>
  eventWhere(db, "eventOfAttendee", () =>
    db
      .select({ value: attendees.eventId })
      .from(attendees)
      .where(eq(attendees.id, placeholder("attendeeId"))),
  );

const routeOfAttendee = (db: Database) =>
  prepared(db, "routeOfAttendee", () => {
    const column = (name: "profileId" | "eventId") =>
      db
        .select({ value: attendees[name] })
        .from(attendees)
        .where(eq(attendees.id, placeholder("attendeeId")));
    return routeQueries(db, {
      accountId: placeholder("accountId"),
      profileId: column("profileId"),
      eventId: column("eventId"),
      trigger: placeholder("trigger"),
    });
  });

/**
 * Statements, to batch with other reads: the account's attendee, its event, and what maps it
 * (the account, the attendee's profile and its event's override), each a list of at most one row.
 */
export function attendeeMappingRows(db: Database, accountId: string, attendeeId: string) {
  const ofAttendee = (name: "profileId" | "eventId") =>
    db.select({ value: attendees[name] }).from(attendees).where(eq(attendees.id, attendeeId));
  return [
    db
      .select()
      .from(attendees)
      .where(and(eq(attendees.id, attendeeId), eq(attendees.accountId, accountId))),
    db
      .select()
      .from(events)
      .where(eq(events.id, ofAttendee("eventId"))),
    db.select().from(accounts).where(eq(accounts.id, accountId)),
    db
      .select()
      .from(profiles)
      .where(and(eq(profiles.id, ofAttendee("profileId")), eq(profiles.accountId, accountId))),
    db
      .select()
      .from(eventOverrides)
      .where(eq(eventOverrides.eventId, ofAttendee("eventId"))),
  ] as const;
}
