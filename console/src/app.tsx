import type { ComponentChildren } from "preact";
import { useEffect, useErrorBoundary, useState } from "preact/hooks";
import { LocationProvider, Route, Router, useLocation } from "preact-iso";
import { api, onSignedOut, resume, send, signOut } from "./api";
import { useLoad } from "./hooks";
import { AccountMapping } from "./screens/account";
import { Attendee } from "./screens/attendee";
import { Deliveries } from "./screens/deliveries";
import { Delivery } from "./screens/delivery";
import { Event, EventSettings } from "./screens/event";
import { EventIntegration } from "./screens/event-integration";
import { Home } from "./screens/home";
import { IntegrationFixedConfiguration } from "./screens/integration-fixed";
import { IntegrationKeys } from "./screens/integration-keys";
import { IntegrationMapping } from "./screens/integration-mapping";
import { IntegrationNew } from "./screens/integration-new";
import { IntegrationSettings } from "./screens/integration-settings";
import { Integrations } from "./screens/integrations";
import { Profile, ProfileMapping } from "./screens/profile";
import { Profiles } from "./screens/profiles";
import { SignIn } from "./screens/sign-in";
import { Triggers } from "./screens/triggers";
import { Webhook, WebhookNew } from "./screens/webhook";
import { Webhooks } from "./screens/webhooks";
import { Screen } from "./ui/screen";

/** The console: the sign-in screen until this tab has a key, then the screens, one URL each. */
export function App() {
  const [signedIn, setSignedIn] = useState(resume);
  const [reason, setReason] = useState<string>();
  useEffect(
    () =>
      onSignedOut((why) => {
        setReason(why);
        setSignedIn(false);
      }),
    [],
  );
  return (
    <LocationProvider scope="/console">
      {signedIn ? (
        <Shell />
      ) : (
        <SignIn
          reason={reason}
          onSignedIn={() => {
            setReason(undefined);
            setSignedIn(true);
          }}
        />
      )}
    </LocationProvider>
  );
}

const NAV = [
  { href: "/console/profiles", label: "Profiles & events" },
  { href: "/console/integrations", label: "Integrations" },
  { href: "/console/account/mapping", label: "Account mapping" },
  { href: "/console/triggers", label: "Trigger log" },
];

function Shell() {
  const { path } = useLocation();
  const account = useLoad(() => send(api().GET("/v1/account")), []);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/console">
          Weft console
        </a>
        <nav aria-label="Main">
          <ul class="menu">
            {NAV.map((item) => (
              <li key={item.href}>
                <a href={item.href} aria-current={path.startsWith(item.href) ? "page" : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span class="muted">{account.data?.data.name}</span>
          <button type="button" onClick={() => signOut("Signed out. The key is forgotten.")}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <ScreenBoundary path={path}>
          <Router>
            <Route path="/console" component={Home} />
            <Route path="/console/profiles" component={Profiles} />
            <Route path="/console/profiles/:uid" component={Profile} />
            <Route path="/console/profiles/:uid/mapping" component={ProfileMapping} />
            <Route path="/console/events/:uid" component={Event} />
            <Route path="/console/events/:uid/settings" component={EventSettings} />
            <Route path="/console/events/:uid/integration" component={EventIntegration} />
            <Route path="/console/attendees/:uid" component={Attendee} />
            <Route path="/console/integrations" component={Integrations} />
            <Route path="/console/integrations/new" component={IntegrationNew} />
            <Route path="/console/integrations/:id" component={IntegrationSettings} />
            <Route path="/console/integrations/:id/keys" component={IntegrationKeys} />
            <Route
              path="/console/integrations/:id/fixed-configuration"
              component={IntegrationFixedConfiguration}
            />
            <Route path="/console/integrations/:id/mapping" component={IntegrationMapping} />
            <Route path="/console/integrations/:id/webhooks" component={Webhooks} />
            <Route path="/console/integrations/:id/webhooks/new" component={WebhookNew} />
            <Route path="/console/integrations/:id/webhooks/:webhookId" component={Webhook} />
            <Route path="/console/integrations/:id/deliveries" component={Deliveries} />
            <Route path="/console/deliveries/:id" component={Delivery} />
            <Route path="/console/account/mapping" component={AccountMapping} />
            <Route path="/console/triggers" component={Triggers} />
            <Route default component={NotFound} />
          </Router>
        </ScreenBoundary>
      </main>
    </>
  );
}

/**
 * A screen that fails to draw (an answer it did not expect) says so, with a Retry, instead of
 * leaving a blank page; going to another screen clears it.
 */
function ScreenBoundary({ path, children }: { path: string; children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary();
  // A new URL is what clears the failure.
  useEffect(() => {
    if (error) reset();
  }, [path]);
  if (!error) return <>{children}</>;
  return (
    <Screen title="This screen could not be shown">
      <div class="notice notice-error" role="alert">
        <p>
          <strong>The console had a problem.</strong>{" "}
          {error instanceof Error ? error.message : String(error)}
        </p>
        <button type="button" onClick={reset}>
          Retry
        </button>
      </div>
    </Screen>
  );
}

function NotFound() {
  return (
    <Screen title="Not found">
      <p>
        The console has no screen here. Go to <a href="/console">the start</a>.
      </p>
    </Screen>
  );
}
