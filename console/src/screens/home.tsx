import { Screen, Section } from "../ui/screen";

/** Where to start: the product's story in the order an organiser lives it. */
export function Home() {
  return (
    <Screen title="Your integrations, step by step">
      <Section title="Profiles and events">
        <p>
          A <a href="/console/profiles">profile</a> groups events (a brand, a department). Open an
          event to see its attendees, add one, and press its manual actions.
        </p>
      </Section>
      <Section title="Build an integration">
        <ol class="steps">
          <li>
            <strong>Basic settings</strong>: <a href="/console/integrations/new">start one</a>, name
            it, pick the profiles that use it, switch API access on and create a key.
          </li>
          <li>
            <strong>Automatic configuration</strong>: fixed fields every registration form of those
            profiles must have.
          </li>
          <li>
            <strong>Field mapping</strong>: shape the attendee for the other system, at the{" "}
            <a href="/console/account/mapping">account</a>, integration, profile and event levels.
          </li>
          <li>
            <strong>Webhooks</strong>: one per trigger, sent signed and logged.
          </li>
        </ol>
      </Section>
      <Section title="Switch it on">
        <p>
          Webhooks fire only for the integration <strong>active</strong> on a profile: open the
          profile and activate it under <em>Integrations</em> (one per profile; activating replaces
          the previous one). An event can use another integration, its own mapping, and fire on
          payment: open the event, then <em>Integration for this event</em>.
        </p>
      </Section>
    </Screen>
  );
}
