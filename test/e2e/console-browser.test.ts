import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { originsOf, type Recorded } from "./chromium";
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
import type { RunningWeft } from "./weft-server";

// The organiser console (/console) in Chromium against `npm start`: the product's whole story
// through the UI, then its error paths (console-screens.test.ts goes through the other screens).

describe("/console in Chromium", () => {
  let world: ConsoleWorld;
  let weft: RunningWeft;
  let recorded: Recorded;
  let page: Page;
  let adminKey: string;
  const channel = `console-${crypto.randomUUID()}`;
  const badgeChannel = `console-badge-${crypto.randomUUID()}`;

  beforeAll(async () => {
    world = await startConsole("Acme Events");
    ({ weft, recorded, page, adminKey } = world);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("loads fast and small, from this origin only", async () => {
    const started = Date.now();
    await page.goto(`${weft.baseUrl}/console`);
    await page.getByRole("heading", { name: "Sign in to the Weft console" }).waitFor();
    const firstScreenMs = Date.now() - started;
    const timing = (await page.evaluate(
      `JSON.parse(JSON.stringify(performance.getEntriesByType("navigation")[0]))`,
    )) as { responseStart: number; domContentLoadedEventEnd: number; loadEventEnd: number };
    const scripts = recorded.requests.filter((r) => /\/console\/assets\/.*\.js$/.test(r.url));
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    let raw = 0;
    for (const script of scripts) {
      const body = Buffer.from(await (await fetch(script.url)).arrayBuffer());
      raw += body.length;
      gzipped += gzipSync(body, { level: 9 }).length;
    }
    // Printed past vitest's console capture (passing tests are silent): the numbers are a report.
    process.stdout.write(
      `\nconsole JavaScript: ${(gzipped / 1024).toFixed(1)} KiB gzip (${(raw / 1024).toFixed(1)} KiB raw, ${scripts.length} file); ` +
        `first load: sign-in screen shown ${firstScreenMs} ms after navigation (DOMContentLoaded ${Math.round(timing.domContentLoadedEventEnd)} ms, load ${Math.round(timing.loadEventEnd)} ms)\n`,
    );
    expect(gzipped).toBeLessThan(150 * 1024);
    await shot(page, "sign-in");
    expect(originsOf(recorded.requests)).toEqual([weft.baseUrl]);
    expect(recorded.problems).toEqual([]);
  });

  it("walks the product's story: profile, event, integration, mapping, webhook, activation, attendee, delivery, manual action", async () => {
    const receiver = inject("receiverUrl");
    // Sign in with the admin key; the key stays in this tab's sessionStorage, in no cookie.
    await signIn(page, weft.baseUrl, adminKey);
    expect(await page.evaluate(`document.cookie`)).toBe("");
    expect(await page.evaluate(`sessionStorage.getItem("weft.console.admin-key")`)).toBe(adminKey);

    // A profile and an event.
    await page.getByRole("link", { name: "Profiles & events" }).click();
    await form(page, "New profile").getByLabel("Name").fill("Acme Conferences");
    await form(page, "New profile").getByRole("button", { name: "Create profile" }).click();
    await page.getByRole("heading", { name: "Acme Conferences", level: 1 }).waitFor();
    const profileUrl = page.url();
    const newEvent = form(page, "New event");
    await newEvent.getByLabel("Name").fill("Annual Summit");
    await newEvent.getByLabel("Starts").fill("2026-06-12T09:00");
    await newEvent.getByLabel("Ends").fill("2026-06-13T18:00");
    await newEvent.getByRole("button", { name: "Create event" }).click();
    await page.getByRole("heading", { name: "Annual Summit", level: 1 }).waitFor();
    const eventUrl = page.url();
    expect(eventUrl).toMatch(/\/console\/events\/evt_/);

    // An integration: basic settings.
    await page.getByRole("link", { name: "Integrations", exact: true }).click();
    await page.getByRole("link", { name: "Start an integration" }).click();
    const basics = form(page, "Basic settings");
    await basics.getByLabel("Name").fill("CRM sync");
    await basics.getByLabel("Acme Conferences").check();
    await basics.getByLabel("API access").check();
    await basics.getByRole("button", { name: "Create integration" }).click();
    await page.getByRole("heading", { name: "CRM sync: Basic settings" }).waitFor();
    const integrationUrl = page.url();

    // Its field mapping: contact_email <- email, source = "weft".
    await page.getByRole("link", { name: "Field mapping" }).click();
    const mapping = form(page, "Field mapping, integration level");
    await mapping.getByRole("button", { name: "Add an entry" }).click();
    await mapping.getByLabel("Output key").nth(0).fill("contact_email");
    await mapping.getByLabel("Native field").nth(0).fill("email");
    await mapping.getByRole("button", { name: "Add an entry" }).click();
    await mapping.getByLabel("Output key").nth(1).fill("source");
    await mapping.getByLabel("Takes").nth(1).selectOption("value");
    await mapping.getByLabel("Fixed value").fill("weft");
    await mapping.getByRole("button", { name: "Save mapping" }).click();
    await page.getByText("Mapping saved.").waitFor();

    // A webhook on guest.create to the receiver, with a header; its secret is shown once.
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("link", { name: "Add a webhook on guest.create" }).click();
    const hook = form(page, "New webhook");
    expect(await hook.getByLabel("Trigger").inputValue()).toBe("guest.create");
    await hook.getByLabel("Name").fill("Push to CRM");
    await hook.getByLabel("URL", { exact: true }).fill(`${receiver}/hooks/${channel}`);
    await hook.getByRole("button", { name: "Add a header" }).click();
    await hook.getByLabel("Header name").fill("authorization");
    await hook.getByLabel("Value").fill("Bearer crm-token");
    await hook.getByRole("button", { name: "Add webhook" }).click();
    await page.getByRole("heading", { name: "CRM sync: Webhook “Push to CRM”" }).waitFor();
    const secret = (await page.locator("[data-secret]").textContent()) ?? "";
    expect(secret).toMatch(/^whsec_/);
    await shot(page, "webhook");
    // Saved header values come back masked, never shown.
    expect(await page.locator("main").textContent()).not.toContain("crm-token");

    // A manual webhook: its name is the label of a button on the attendee's page.
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("link", { name: "Add a webhook on guest.manual" }).click();
    const manual = form(page, "New webhook");
    await manual.getByLabel("Name").fill("Send badge");
    await manual.getByLabel("URL", { exact: true }).fill(`${receiver}/hooks/${badgeChannel}`);
    await manual.getByRole("button", { name: "Add webhook" }).click();
    await page.getByRole("heading", { name: "CRM sync: Webhook “Send badge”" }).waitFor();

    // Activate it on the profile ("Geek > Integrations"): it says what it replaced.
    await page.goto(profileUrl);
    const activation = form(page, "Activate an integration");
    await activation.getByLabel("Integration").selectOption({ label: "CRM sync" });
    await activation.getByRole("button", { name: "Activate" }).click();
    await page
      .getByText("CRM sync is now active on this profile. No integration was active before.")
      .waitFor();
    await shot(page, "profile");

    // The live delivery log, in a second tab (which signs in on its own: the key is per tab).
    const log = recorded.watch(await recorded.context.newPage());
    await signIn(log, weft.baseUrl, adminKey, new URL(`${integrationUrl}/deliveries`).pathname);
    await log.getByRole("heading", { name: "CRM sync: Deliveries" }).waitFor();
    await log.getByText("No delivery matches yet.").waitFor();

    // An attendee: the receiver gets it mapped and signed.
    await page.goto(eventUrl);
    const add = form(page, "Add an attendee");
    await add.getByLabel("E-mail (required)").fill("sam@example.com");
    await add.getByLabel("First name").fill("Sam");
    await add.getByRole("button", { name: "Add attendee" }).click();
    await page.getByText("Registered sam@example.com.").waitFor();
    const [delivery] = await received(channel);
    expect(JSON.parse(delivery.body)).toEqual({ contact_email: "sam@example.com", source: "weft" });
    expect(delivery.headers.authorization).toBe("Bearer crm-token");
    expect(() => new Webhook(secret).verify(delivery.body, delivery.headers)).not.toThrow();

    // ... and the log shows it without a reload.
    const logRows = log
      .getByRole("region", { name: "Deliveries, newest first" })
      .locator("tbody tr");
    await expect
      .poll(() => logRows.first().textContent(), { timeout: 15_000 })
      .toContain("guest.create");
    await expect
      .poll(() => logRows.first().textContent(), { timeout: 15_000 })
      .toContain("delivered");
    expect(log.url()).toBe(`${integrationUrl}/deliveries`);
    await shot(log, "deliveries");

    // The attendee's page: one button per manual webhook, labelled with its name.
    await page.getByRole("link", { name: "Sam", exact: true }).click();
    await page.getByRole("heading", { name: "Sam", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Send badge" }).click();
    await page.getByText(/Sent “Send badge”: delivery dlv_/).waitFor();
    await shot(page, "attendee");
    const [badge] = await received(badgeChannel);
    expect(badge.headers["x-weft-trigger"]).toBe("guest.manual");
    expect(JSON.parse(badge.body)).toEqual({ contact_email: "sam@example.com", source: "weft" });
    expect(() => new Webhook(secret).verify(badge.body, badge.headers)).toThrow();
    await expect
      .poll(() => logRows.first().textContent(), { timeout: 15_000 })
      .toContain("guest.manual");
    expect(await logRows.count()).toBe(2);

    // The delivery's attempts.
    await page.getByRole("link", { name: /^delivery dlv_/ }).click();
    await page.getByRole("heading", { name: /^Delivery dlv_/ }).waitFor();
    const attempts = page.getByRole("region", { name: "Attempts" }).locator("tbody tr");
    await expect
      .poll(async () => {
        await page.getByRole("button", { name: "Refresh" }).click();
        return attempts.first().textContent();
      })
      .toContain("200");

    // The mapping screen previews the real attendee as the integration sees it.
    await page.goto(`${integrationUrl}/mapping`);
    const preview = page.getByRole("region", { name: "The attendee as the integration sees it" });
    await expect
      .poll(async () => JSON.parse((await preview.textContent()) ?? "null"))
      .toEqual({ contact_email: "sam@example.com", source: "weft" });
    await shot(page, "mapping");

    // What applies to the event, and why: its integration screen (no override yet, no 404).
    await page.goto(`${eventUrl}/integration`);
    const applies = page.getByRole("region", { name: "What each trigger sends" });
    await expect.poll(() => applies.textContent()).toContain("guest.createfires Push to CRM");
    expect(await page.locator("main").textContent()).toContain(
      "CRM sync applies, the integration active on its profile.",
    );

    // The event with its attendee, on a laptop and on a phone.
    await page.goto(eventUrl);
    await page.getByRole("link", { name: "Sam", exact: true }).waitFor();
    await shot(page, "event");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("link", { name: "Sam", exact: true }).waitFor();
    expect(await page.evaluate(`document.documentElement.scrollWidth <= window.innerWidth`)).toBe(
      true,
    );
    await shot(page, "event-phone");
    await page.setViewportSize({ width: 1280, height: 900 });

    expect(await unlabelledControls(page)).toEqual([]);
    expect(originsOf(recorded.requests)).toEqual([weft.baseUrl]);
    expect(recorded.problems).toEqual([]);
    await log.close();
  }, 180_000);

  it("signs out and forgets the key", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("Signed out. The key is forgotten.").waitFor();
    expect(await page.evaluate(`sessionStorage.length`)).toBe(0);
    await page.reload();
    await page.getByLabel("Admin key").waitFor();
  });
});

describe("/console's error paths in Chromium", () => {
  let world: ConsoleWorld;
  let weft: RunningWeft;
  let recorded: Recorded;
  let page: Page;
  let adminKey: string;
  let api: ConsoleWorld["api"];

  beforeAll(async () => {
    world = await startConsole("Errors Inc");
    ({ weft, recorded, page, adminKey, api } = world);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it("says a bad key is not accepted, next to the key", async () => {
    await page.goto(`${weft.baseUrl}/console`);
    await page.getByLabel("Admin key").fill(`wft_admin_${"x".repeat(43)}`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Weft did not accept this key.").waitFor();
    expect(await errorOf(page.getByLabel("Admin key"))).toContain(
      "Check that you pasted the whole key.",
    );
    await shot(page, "sign-in-refused");
    expect(recorded.problems.filter((line) => !isHttpError(line))).toEqual([]);
  });

  it("shows the API's message next to an invalid field, and keeps the page", async () => {
    const profile = await api("POST", "/v1/profiles", { name: "Brand" });
    const event = await api("POST", "/v1/events", {
      profile_uid: profile.uid,
      name: "Summit",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    });
    await signIn(page, weft.baseUrl, adminKey, `/console/events/${event.uid}`);
    const add = form(page, "Add an attendee");
    await add.getByLabel("E-mail (required)").fill("not-an-email");
    await add.getByRole("button", { name: "Add attendee" }).click();
    await page
      .getByText("The attendee does not fit the event's form. See the marked fields.")
      .waitFor();
    expect(await errorOf(add.getByLabel("E-mail (required)"))).toBe("Expected an e-mail address.");
    // Fixed, it goes through.
    await add.getByLabel("E-mail (required)").fill("ok@example.com");
    await add.getByRole("button", { name: "Add attendee" }).click();
    await page.getByText("Registered ok@example.com.").waitFor();
  });

  it("refuses to remove a locked field with the API's 409, on the event's form", async () => {
    const profile = await api("POST", "/v1/profiles", { name: "Locked brand" });
    const integration = await api("POST", "/v1/integrations", {
      name: "Accounting",
      profile_uids: [profile.uid],
      fixed_configuration: { fields: [{ name: "cpy_vat_number", label: "VAT", type: "text" }] },
    });
    await api("PUT", `/v1/profiles/${profile.uid}/integration`, { integration_id: integration.id });
    const event = await api("POST", "/v1/events", {
      profile_uid: profile.uid,
      name: "Locked summit",
      start_date: "2026-06-12T07:00:00Z",
      end_date: "2026-06-13T16:00:00Z",
    });
    await page.goto(`${weft.baseUrl}/console/events/${event.uid}`);
    await page.getByRole("link", { name: "Settings and registration form" }).click();
    const settings = form(page, "Event settings");
    const vat = settings.getByRole("group", { name: /Field cpy_vat_number/ });
    await expect.poll(() => vat.textContent()).toContain("Locked");
    await vat.getByRole("button", { name: "Remove field cpy_vat_number" }).click();
    await settings.getByRole("button", { name: "Save event" }).click();
    await settings.getByText("Conflict.").waitFor();
    expect(await settings.textContent()).toContain(
      'The field "cpy_vat_number" is locked by the active integration and cannot be removed.',
    );
    await shot(page, "event-locked-field");
  });

  it("offers a retry when Weft cannot be reached, and the retry works", async () => {
    await page.goto(`${weft.baseUrl}/console/profiles`);
    await page.getByRole("heading", { name: "Profiles", exact: true }).waitFor();
    await page.route("**/v1/profiles", (route) => route.abort("internetdisconnected"));
    await form(page, "New profile").getByLabel("Name").fill("Offline brand");
    await form(page, "New profile").getByRole("button", { name: "Create profile" }).click();
    await page.getByText("Weft could not be reached.").waitFor();
    await page.unroute("**/v1/profiles");
    await page.getByRole("button", { name: "Retry" }).click();
    await page.getByRole("heading", { name: "Offline brand", level: 1 }).waitFor();
  });

  it("shows a screen that cannot draw an answer as a problem with a Retry, never a blank page", async () => {
    const before = recorded.problems.length;
    // A tab of its own (the key is per tab): its profiles list answers `data: null` at first.
    const tab = recorded.watch(await recorded.context.newPage());
    const profiles = (url: URL) => url.pathname === "/v1/profiles";
    await tab.route(profiles, (route) =>
      route.fulfill({ status: 200, contentType: "application/json", body: '{"data":null}' }),
    );
    await signIn(tab, weft.baseUrl, adminKey, "/console/profiles");
    await tab.getByRole("heading", { name: "This screen could not be shown", level: 1 }).waitFor();
    expect(await tab.getByRole("alert").textContent()).toContain("The console had a problem.");
    await tab.unroute(profiles);
    await tab.getByRole("button", { name: "Retry" }).click();
    await tab.getByRole("heading", { name: "Profiles", exact: true, level: 1 }).waitFor();
    // Caught by the screen: no uncaught page error.
    expect(recorded.problems.slice(before)).toEqual([]);
    await tab.close();
  });

  it("works by keyboard alone: sign in, move between screens, create", async () => {
    const keyboardPage = recorded.watch(await recorded.context.newPage());
    await keyboardPage.goto(`${weft.baseUrl}/console`);
    await keyboardPage.getByLabel("Admin key").focus();
    await keyboardPage.keyboard.type(adminKey);
    await keyboardPage.keyboard.press("Enter");
    await keyboardPage.getByRole("button", { name: "Sign out" }).waitFor();
    // Tab from the top to the main menu's "Integrations", then Enter.
    for (let i = 0; i < 10; i++) {
      await keyboardPage.keyboard.press("Tab");
      if ((await keyboardPage.evaluate(`document.activeElement.textContent`)) === "Integrations")
        break;
    }
    await keyboardPage.keyboard.press("Enter");
    await keyboardPage.getByRole("heading", { name: "Integrations", level: 1 }).waitFor();
    // The new screen's heading has the focus (moved once it has rendered, so a busy machine may
    // show the heading a moment before): the next Tab goes on from there.
    await expect
      .poll(() => keyboardPage.evaluate(`document.activeElement.tagName`), { timeout: 5_000 })
      .toBe("H1");
    for (let i = 0; i < 20; i++) {
      await keyboardPage.keyboard.press("Tab");
      if (
        (await keyboardPage.evaluate(`document.activeElement.textContent`)) ===
        "Start an integration"
      )
        break;
    }
    await keyboardPage.keyboard.press("Enter");
    await keyboardPage.getByRole("heading", { name: "Start an integration" }).waitFor();
    // Past the catalogue's links ("Custom integration" is the current one) to the name.
    await keyboardPage.getByRole("link", { name: "Slack" }).waitFor();
    for (let i = 0; i < 20; i++) {
      await keyboardPage.keyboard.press("Tab");
      if ((await keyboardPage.evaluate(`document.activeElement.name`)) === "name") break;
    }
    await keyboardPage.keyboard.type("Keyboard sync");
    await keyboardPage.keyboard.press("Enter");
    await keyboardPage.getByRole("heading", { name: "Keyboard sync: Basic settings" }).waitFor();
    await keyboardPage.close();
  });
});
