import type { ComponentChildren } from "preact";
import { useLocation } from "preact-iso";
import { allPages, api, type Schemas, send } from "../api";
import { type Loaded, useLoad } from "../hooks";
import { Loading, ProblemNotice } from "../ui/notice";
import { Screen } from "../ui/screen";

export function useIntegration(id: string) {
  return useLoad(
    () => send(api().GET("/v1/integrations/{id}", { params: { path: { id } } })),
    [id],
  );
}

/** Every webhook of the integration (to list them per trigger, or filter by one). */
export function useWebhooks(id: string) {
  return useLoad(
    () =>
      allPages((page) =>
        send(
          api().GET("/v1/integrations/{id}/webhooks", {
            params: { path: { id }, query: { page, page_size: 200 } },
          }),
        ),
      ),
    [id],
  );
}

/** The integration's parts, as the product's guide names them, each its own screen. */
const TABS = [
  { path: "", label: "Basic settings" },
  { path: "/keys", label: "API keys" },
  { path: "/fixed-configuration", label: "Automatic configuration" },
  { path: "/mapping", label: "Field mapping" },
  { path: "/webhooks", label: "Webhooks" },
  { path: "/deliveries", label: "Deliveries" },
];

export function IntegrationTabs({ id }: { id: string }) {
  const { path } = useLocation();
  const base = `/console/integrations/${id}`;
  return (
    <nav class="tabs" aria-label="Integration">
      <ul class="menu">
        {TABS.map((tab) => {
          const href = base + tab.path;
          const current = tab.path === "" ? path === base : path.startsWith(href);
          return (
            <li key={tab.path}>
              <a href={href} aria-current={current ? "page" : undefined}>
                {tab.label}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** A screen of one integration: its name, its tabs, then `children` once it is loaded. */
export function IntegrationScreen({
  id,
  part,
  integration,
  children,
}: {
  id: string;
  part: string;
  integration: Loaded<{ data: Schemas["Integration"] }>;
  children: (integration: Schemas["Integration"]) => ComponentChildren;
}) {
  const name = integration.data?.data.name;
  return (
    <Screen
      title={name ? `${name}: ${part}` : part}
      crumbs={[{ href: "/console/integrations", label: "Integrations" }]}
    >
      <IntegrationTabs id={id} />
      {integration.problem && (
        <ProblemNotice problem={integration.problem} onRetry={integration.reload} />
      )}
      {!integration.data && !integration.problem && <Loading />}
      {integration.data && children(integration.data.data)}
    </Screen>
  );
}
