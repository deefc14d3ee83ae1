import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { originsOf } from "./chromium";
import {
  type ConsoleWorld,
  errorOf,
  form,
  isHttpError,
  received,
  shot,
  signIn,
  startConsole,
  unlabelledControls,
} from "./console";

// The console's other screens in Chromium, each doing its own job on data made through the API:
// keys, automatic configuration, search, sort and a selection's actions, payments, the event's
// override, the account and profile mappings, a webhook's test, secret and recovery, the log's
// filters and a redelivery. Every screen has labelled controls, and nothing logs an error.

describe("/console's screens in Chromium", () => {
  let world: ConsoleWorld;
  let page: Page;
  let ids: { profile: string; event: string; integration: string; webhook: string };
  const attendees: string[] = [];
  const channel = `console-screens-${crypto.randomUUID()}`;

  const go = async (path: string, heading: string | RegExp) => {
    await page.goto(`${world.weft.baseUrl}/console${path}`);
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
  };

  beforeAll(async () => {
    world = await startConsole("Screens Ltd");
    page = world.page;
    const { api } = world;
    const profile = await api("POST", "/v1/profiles", { name: "Brand" });
    const integration = await api("POST", "/v1/integrations", {
      name: "Badges",
      profile_uids: [profile.uid],
      api_access: true,
      fixed_configuration: { fields: [{ name: "cpy_name", label: "Company", type: "text" }] },
    });
    const webhook = await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      name: "Print badge",
      trigger: "guest.manual",
      url: `${inject("receiverUrl")}/hooks/${channel}`,
    });
    await api("PUT", `/v1/profiles/${profile.uid}/integration`, { integration_id: integration.id });
    const event = await api("POST", "/v1/events", {
      profile_uid: profile.uid,
      name: "Forum",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    });
    for (const [firstname, email] of [
      ["Ann", "ann@example.com"],
      ["Bea", "bea@example.org"],
      ["Bob", "bob@example.org"],
    ]) {
      const attendee = await api("POST", "/v1/attendees", {
        event_uid: event.uid,
        amount_tax_excl: 100,
        amount_tax: 21,
        fields: { email, firstname },
      });
      attendees.push(attendee.uid);
    }
    ids = {
      profile: profile.uid,
      event: event.uid,
      integration: integration.id,
      webhook: webhook.id,
    };
    await signIn(page, world.weft.baseUrl, world.adminKey);
  });

  afterAll(async () => {
    await world?.stop();
  });

  const checkScreen = async () => {
    expect(await unlabelledControls(page)).toEqual([]);
    expect(world.recorded.problems).toEqual([]);
  };

  it("creates a key with scopes and an expiry (shown once, copied), rotates it with grace, revokes it", async () => {
    await go(`/integrations/${ids.integration}/keys`, "Badges: API keys");
    const create = form(page, "New key");
    await create.getByLabel("write attendees of linked profiles (attendees:write)").check();
    await create.getByLabel("Expires").fill("2030-01-01T12:00");
    await create.getByRole("button", { name: "Create a key" }).click();
    const secret = page.locator("[data-secret]");
    await expect.poll(() => secret.textContent()).toMatch(/^wft_live_/);
    await page.getByRole("button", { name: "Copy New API key." }).click();
    await page.getByText("Copied.").waitFor();
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(await secret.textContent());
    const rows = page.getByRole("region", { name: "Keys of this integration" }).locator("tbody tr");
    await expect
      .poll(() => rows.first().textContent())
      .toContain("events:read, attendees:read, attendees:write");
    const prefix = ((await secret.textContent()) ?? "").slice(0, 13);
    await page.getByRole("button", { name: `Rotate ${prefix}` }).click();
    await page.locator("strong", { hasText: `Replacement for ${prefix}….` }).waitFor();
    await expect.poll(() => rows.count()).toBe(2);
    await page.getByRole("button", { name: `Revoke ${prefix}` }).click();
    await page.getByRole("button", { name: "Yes" }).click();
    await page.getByText(`${prefix}… is revoked.`).waitFor();
    await expect.poll(() => rows.count()).toBe(1);
    await shot(page, "keys");
    await checkScreen();
  });

  it("adds a fixed field in the automatic configuration: the event's form gets it, locked", async () => {
    await go(
      `/integrations/${ids.integration}/fixed-configuration`,
      "Badges: Automatic configuration",
    );
    const fixed = form(page, "Automatic configuration");
    expect(await fixed.getByLabel("Name").first().inputValue()).toBe("cpy_name");
    await fixed.getByRole("button", { name: "Add a field" }).click();
    await fixed.getByLabel("Name").nth(1).fill("job_title");
    await fixed.getByLabel("Label").nth(1).fill("Job title");
    await fixed.getByRole("button", { name: "Save automatic configuration" }).click();
    await page.getByText("Automatic configuration saved").waitFor();
    await go(`/events/${ids.event}/settings`, "Settings: Forum");
    const jobTitle = form(page, "Event settings").getByRole("group", { name: /Field job_title/ });
    await expect.poll(() => jobTitle.textContent()).toContain("Locked");
    await checkScreen();
  });

  it("searches and sorts the attendees in the URL, and runs a manual action on a selection", async () => {
    await go(`/events/${ids.event}`, "Forum");
    const table = page.getByRole("region", { name: "Attendees of this event" });
    const names = () => table.locator("tbody tr td:nth-child(2)").allTextContents();
    await expect.poll(names).toEqual(["Bob", "Bea", "Ann"]);
    await page.getByLabel("Order").selectOption("created_at");
    await expect.poll(names).toEqual(["Ann", "Bea", "Bob"]);
    await page.getByLabel("Search by name or e-mail").fill("example.org");
    await page.getByRole("button", { name: "Search", exact: true }).click();
    await expect.poll(names).toEqual(["Bea", "Bob"]);
    expect(new URL(page.url()).search).toBe("?q=example.org&sort=created_at&page=1");
    // The URL holds the screen: a reload keeps the search and the order.
    await page.reload();
    await expect.poll(names).toEqual(["Bea", "Bob"]);
    await page.getByLabel("Select every attendee on this page").check();
    // One request for the whole selection. The first runs but its answer is lost on the way: the
    // Retry carries the same idempotency-key, so Weft answers that run instead of running again.
    const bulk = `**/v1/events/${ids.event}/attendee-actions/**`;
    const keys: (string | undefined)[] = [];
    await page.route(bulk, async (route) => {
      keys.push(route.request().headers()["idempotency-key"]);
      if (keys.length > 1) return route.continue();
      await route.fetch();
      await route.abort("internetdisconnected");
    });
    await page.getByRole("button", { name: "Print badge (2 selected)" }).click();
    await page
      .getByText("“Print badge”: no answer from Weft. Retry sends it at most once.")
      .waitFor();
    expect(
      world.recorded.problems.filter((line) => !/ERR_INTERNET_DISCONNECTED/.test(line)),
    ).toEqual([]);
    world.recorded.problems.length = 0;
    await page.getByRole("button", { name: "Retry" }).click();
    await page.getByText(/Sent “Print badge”: delivery dlv_\w+, delivery dlv_\w+\./).waitFor();
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[\w-]{16,}$/);
    expect(keys[1]).toBe(keys[0]);
    await page.unroute(bulk);
    const sent = await received(channel, 2);
    expect(sent.map((request) => JSON.parse(request.body).email).sort()).toEqual([
      "bea@example.org",
      "bob@example.org",
    ]);
    const ran = await world.api<{ subject_uid: string }[]>(
      "GET",
      `/v1/triggers?event_uid=${ids.event}&type=guest.manual&page_size=100`,
    );
    expect(ran.map((trigger) => trigger.subject_uid).sort()).toEqual(
      [attendees[1], attendees[2]].sort(),
    );
    await checkScreen();
  });

  it("records a payment on an attendee's page", async () => {
    await go(`/attendees/${attendees[0]}`, "Ann");
    const payment = form(page, "Record a payment");
    await payment.getByLabel("Amount").fill("50");
    await payment.getByRole("button", { name: "Record payment" }).click();
    await page.getByText("Payment recorded.").waitFor();
    expect(await page.locator("main").textContent()).toContain("50.00 of 121.00");
    expect(await page.locator("main").textContent()).toContain("Partial");
    await checkScreen();
  });

  it("sets the event's override: its mapping previewed live, replacing, firing on payment", async () => {
    await go(`/events/${ids.event}/integration`, "Integration for Forum");
    const override = form(page, "Integration for this event");
    await override.getByLabel("Mapping").selectOption("replace");
    await override.getByRole("button", { name: "Add an entry" }).click();
    await override.getByLabel("Output key").fill("who");
    await override.getByLabel("Native field").fill("firstname");
    await override.getByLabel("Fire on payment").selectOption("yes");
    const preview = page.getByRole("region", { name: "The attendee as the integration sees it" });
    // The newest attendee, through the unsaved mapping.
    await expect
      .poll(async () => JSON.parse((await preview.textContent()) ?? "null"))
      .toEqual({
        who: "Bob",
      });
    await override.getByRole("button", { name: "Save for this event" }).click();
    await page.getByText("Saved: the event's triggers use these settings from now on.").waitFor();
    await expect
      .poll(() => page.locator("main").textContent())
      .toContain("Fire on payment: yes (this event's choice)");
    await shot(page, "event-integration");
    await page.reload();
    const mode = form(page, "Integration for this event").getByLabel("Mapping");
    await expect.poll(() => mode.inputValue()).toBe("replace");
    await checkScreen();
  });

  it("edits the account's and the profile's mappings, each with its preview", async () => {
    await go("/account/mapping", "Field mapping: account");
    const account = form(page, "Field mapping, account level");
    await account.getByRole("button", { name: "Add an entry" }).click();
    await account.getByLabel("Output key").fill("source");
    await account.getByLabel("Takes").selectOption("value");
    await account.getByLabel("Fixed value").fill("weft");
    await account.getByRole("button", { name: "Save mapping" }).click();
    await page.getByText("Mapping saved.").waitFor();
    expect(await world.api("GET", "/v1/account/field-mapping")).toEqual({
      field_mapping: [{ name: "source", value: "weft" }],
    });
    await go(`/profiles/${ids.profile}/mapping`, "Field mapping: Brand");
    await page.getByLabel("Find an attendee").fill("ann");
    const preview = page.getByRole("region", { name: "The attendee as the integration sees it" });
    // Ann's event has the override (replace): only its entry.
    await expect
      .poll(async () => JSON.parse((await preview.textContent()) ?? "null"))
      .toEqual({
        who: "Ann",
      });
    await checkScreen();
  });

  it("creates an integration from the catalogue (Slack): parameters checked, its webhook previewed", async () => {
    // Its own profile and event (the Forum's override replaces its mapping), and no account
    // mapping (another test sets one): the template's placeholders read the attendee's own fields.
    await world.api("PUT", "/v1/account/field-mapping", { field_mapping: [] });
    const profile = await world.api("POST", "/v1/profiles", { name: "Chat" });
    const event = await world.api("POST", "/v1/events", {
      profile_uid: profile.uid,
      name: "Meetup",
      start_date: "2026-07-01T17:00:00Z",
      end_date: "2026-07-01T20:00:00Z",
    });
    await world.api("POST", "/v1/attendees", {
      event_uid: event.uid,
      fields: { email: "cy@example.net", firstname: "Cy", lastname: "Lee" },
    });
    await go("/integrations/new", "Start an integration");
    await page.getByRole("link", { name: "Slack" }).click();
    await page.getByRole("heading", { name: "Slack: what it creates" }).waitFor();
    expect(new URL(page.url()).search).toBe("?template=slack");
    await shot(page, "integration-new");
    const basics = form(page, "Basic settings");
    const url = basics.getByLabel("webhook_url (required)");
    await url.fill("https://example.com/not-slack");
    await basics.getByLabel("Chat").check();
    await basics.getByRole("button", { name: "Create from Slack" }).click();
    // The API's 422 under the parameter it names (Chromium logs the 422: expected here).
    expect(await errorOf(url)).toBe(
      "Not in the expected form (like https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX).",
    );
    expect(world.recorded.problems.filter((line) => !isHttpError(line))).toEqual([]);
    world.recorded.problems.length = 0;
    const receiver = `${inject("receiverUrl")}/hooks/${channel}-slack/services/T1/B1/abc`;
    await url.fill(receiver);
    await basics.getByRole("button", { name: "Create from Slack" }).click();
    await page.getByRole("heading", { name: "Slack: Basic settings" }).waitFor();
    await page.getByRole("link", { name: "Webhooks", exact: true }).click();
    await page.getByRole("link", { name: "Slack: new registration" }).click();
    await page.getByRole("heading", { name: "Slack: Webhook “Slack: new registration”" }).waitFor();
    const hook = form(page, "Webhook");
    expect(await hook.getByLabel("Payload template").inputValue()).toContain(
      "New registration for",
    );
    expect(await hook.getByLabel("URL", { exact: true }).inputValue()).not.toContain("/services/");
    await form(page, "Preview the webhook").getByRole("button", { name: "Preview" }).click();
    const body = page.getByRole("region", { name: "Body it would send" });
    await expect
      .poll(async () => JSON.parse(JSON.parse((await body.textContent()) ?? "null")))
      .toEqual({ text: "New registration for *Meetup*: Cy Lee (cy@example.net)" });
    await checkScreen();
  });

  it("tests a webhook, rotates its signing secret and recovers its failed deliveries", async () => {
    await go(`/integrations/${ids.integration}/webhooks`, "Badges: Webhooks");
    await page.getByRole("link", { name: "Print badge" }).click();
    await page.getByRole("heading", { name: "Badges: Webhook “Print badge”" }).waitFor();
    await page.getByRole("button", { name: "Send test" }).click();
    await page.getByText("The receiver accepted it.").waitFor();
    await page.getByRole("button", { name: "Rotate signing secret" }).click();
    await page.getByRole("button", { name: "Yes" }).click();
    await expect.poll(() => page.locator("[data-secret]").textContent()).toMatch(/^whsec_/);
    const recover = form(page, "Recover failed deliveries");
    await recover.getByLabel("Failed since").fill("2026-01-01T00:00");
    await recover.getByRole("button", { name: "Recover" }).click();
    await page.getByText("No failed delivery since then.").waitFor();
    await checkScreen();
  });

  it("shows a webhook paused (until when, why: asked to wait, or failing) or disabled (why), and edits its rate and order", async () => {
    // Its own integration and profile, so the delivery log's test counts only its own rows.
    const receiver = inject("receiverUrl");
    const script = (name: string, steps: unknown) =>
      fetch(`${receiver}/_script/${channel}-${name}`, {
        method: "PUT",
        body: JSON.stringify(steps),
      });
    await script("busy", [{ status: 503, headers: { "retry-after": "600" } }]);
    await script("gone", [{ status: 410 }]);
    await script("down", [{ status: 500 }]);
    const { api } = world;
    const profile = await api("POST", "/v1/profiles", { name: "CRM brand" });
    const integration = await api("POST", "/v1/integrations", {
      name: "CRM",
      profile_uids: [profile.uid],
    });
    const busy = await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      name: "Busy CRM",
      trigger: "guest.create",
      url: `${receiver}/hooks/${channel}-busy`,
    });
    await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      name: "Old CRM",
      trigger: "guest.create",
      url: `${receiver}/hooks/${channel}-gone`,
    });
    await api("POST", `/v1/integrations/${integration.id}/webhooks`, {
      name: "Down CRM",
      trigger: "guest.create",
      url: `${receiver}/hooks/${channel}-down`,
    });
    await api("PUT", `/v1/profiles/${profile.uid}/integration`, { integration_id: integration.id });
    const event = await api("POST", "/v1/events", {
      profile_uid: profile.uid,
      name: "Fair",
      start_date: "2026-09-01T08:00:00Z",
      end_date: "2026-09-01T18:00:00Z",
    });
    // Five registrations: five failures in a row pause "Down CRM".
    for (const name of ["di", "ed", "flo", "gus", "hal"]) {
      await api("POST", "/v1/attendees", {
        event_uid: event.uid,
        fields: { email: `${name}@example.com` },
      });
    }
    const webhooks = () =>
      api<{ name: string; state: string; enabled: boolean }[]>(
        "GET",
        `/v1/integrations/${integration.id}/webhooks`,
      );
    await expect
      // Down CRM's first pause is 30 s: on a slow machine it may be probing already.
      .poll(
        async () =>
          (await webhooks()).map((w) => [w.name, w.state.replace("probing", "paused"), w.enabled]),
        {
          timeout: 15_000,
        },
      )
      .toEqual([
        ["Busy CRM", "paused", true],
        ["Old CRM", "active", false],
        ["Down CRM", "paused", true],
      ]);

    await go(`/integrations/${integration.id}/webhooks`, "CRM: Webhooks");
    const states = page
      .getByRole("region", { name: "Webhooks on guest.create" })
      .locator("tbody tr td:nth-child(3)");
    await expect.poll(() => states.count()).toBe(3);
    const [paused, gone, down] = await states.allTextContents();
    expect(paused).toMatch(
      /^paused until .+: the receiver asked to wait \(429 or 503 with retry-after\)$/,
    );
    expect(gone).toBe("disabled: the receiver answered 410 Gone");
    expect(down).toMatch(
      /^failing, (paused until .+: 5 attempts in a row failed|probing \(5 attempts in a row failed\): one request at a time until one succeeds)$/,
    );

    await page.getByRole("link", { name: "Busy CRM" }).click();
    await page.getByRole("heading", { name: "CRM: Webhook “Busy CRM”" }).waitFor();
    expect(await page.locator("main").textContent()).toContain(
      "the receiver asked to wait (429 or 503 with retry-after) (its deliveries wait: none is dropped)",
    );
    const hook = form(page, "Webhook");
    const rate = hook.getByLabel("At most, requests a second");
    await rate.fill("5000");
    await hook.getByRole("button", { name: "Save webhook" }).click();
    // The API's 422 under the field it names (Chromium logs the 422: expected here).
    expect(await errorOf(rate)).toMatch(/1000/);
    expect(world.recorded.problems.filter((line) => !isHttpError(line))).toEqual([]);
    world.recorded.problems.length = 0;
    await rate.fill("5");
    await hook.getByLabel("Order").selectOption("per_subject");
    await hook.getByRole("button", { name: "Save webhook" }).click();
    await page.getByText("Webhook saved.").waitFor();
    const saved = await api<{ max_per_second: number; ordering: string; state: string }>(
      "GET",
      `/v1/integrations/${integration.id}/webhooks/${busy.id}`,
    );
    expect([saved.max_per_second, saved.ordering, saved.state]).toEqual([
      5,
      "per_subject",
      "paused",
    ]);
    await page.reload();
    await expect
      .poll(() => form(page, "Webhook").getByLabel("Order").inputValue())
      .toBe("per_subject");
    expect(await form(page, "Webhook").getByLabel("At most, requests a second").inputValue()).toBe(
      "5",
    );
    await shot(page, "webhook-paused");
    await checkScreen();

    // The state changes without the page: it shows the change by itself, and keeps what is typed.
    const name = form(page, "Webhook").getByLabel("Name");
    await name.fill("Busy CRM (typed, not saved)");
    await api("PATCH", `/v1/integrations/${integration.id}/webhooks/${busy.id}`, {
      enabled: false,
    });
    await expect
      .poll(() => page.locator("p", { hasText: "State:" }).textContent(), { timeout: 20_000 })
      .toContain("State: disabled: switched off");
    expect(await name.inputValue()).toBe("Busy CRM (typed, not saved)");
  });

  it("filters the delivery log in the URL and redelivers one", async () => {
    await go(`/integrations/${ids.integration}/deliveries`, "Badges: Deliveries");
    const rows = page.getByRole("region", { name: "Deliveries, newest first" }).locator("tbody tr");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    await page.getByLabel("Status").selectOption("failed");
    await page.getByText("No delivery matches yet.").waitFor();
    expect(new URL(page.url()).searchParams.get("status")).toBe("failed");
    await page.getByLabel("Status").selectOption("delivered");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    await rows
      .first()
      .getByRole("link", { name: /^Attempts/ })
      .click();
    await page.getByRole("heading", { name: /^Delivery dlv_/ }).waitFor();
    await page.getByRole("button", { name: "Redeliver" }).click();
    await page.getByText("Sent again").waitFor();
    const attempts = page.getByRole("region", { name: "Attempts" }).locator("tbody tr");
    await expect
      .poll(
        async () => {
          await page.getByRole("button", { name: "Refresh" }).click();
          return attempts.count();
        },
        { timeout: 15_000 },
      )
      .toBe(2);
    await checkScreen();
    expect(originsOf(world.recorded.requests)).toEqual([world.weft.baseUrl]);
  });
  it("shows an event's trigger log: what each change sent, or why nothing", async () => {
    await go(`/events/${ids.event}`, "Forum");
    await page.getByRole("link", { name: "What its changes sent, or why not" }).click();
    await page.getByRole("heading", { name: "Trigger log", level: 1 }).waitFor();
    const filters = form(page, "Filter triggers");
    await expect.poll(() => filters.getByLabel("Event").inputValue()).toBe(ids.event);
    const rows = page.getByRole("region", { name: "Triggers, newest first" }).locator("tbody tr");
    const cells = (column: number) => rows.locator(`td:nth-child(${column})`).allTextContents();
    // The three registrations: Badges has no guest.create webhook.
    await filters.getByLabel("Trigger").selectOption("guest.create");
    await filters.getByLabel("Outcome").selectOption("no_webhook_for_trigger");
    await expect
      .poll(() => cells(5))
      .toEqual(
        Array(3).fill("nothing sent: no webhook of the integration listens to this trigger"),
      );
    await shot(page, "triggers");
    const url = new URL(page.url());
    expect([...url.searchParams.keys()].sort()).toEqual(["event_uid", "outcome", "type"]);
    // The selection's action: one trigger and one delivery per attendee.
    await filters.getByLabel("Trigger").selectOption("guest.manual");
    await filters.getByLabel("Outcome").selectOption("fired");
    await expect.poll(() => cells(5)).toEqual(["sent: 1 delivery", "sent: 1 delivery"]);
    expect((await cells(3)).sort()).toEqual([attendees[1], attendees[2]].sort());
    await checkScreen();
  });
});
