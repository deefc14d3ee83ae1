import { useLocation } from "preact-iso";
import { api, send } from "../api";
import { useLoad } from "../hooks";
import { Badge, Pager, TableBox, Time } from "../ui/bits";
import { Loading, ProblemNotice } from "../ui/notice";
import { Screen } from "../ui/screen";

export function Integrations() {
  const { query, route } = useLocation();
  const page = Number(query.page) || 1;
  const list = useLoad(
    () => send(api().GET("/v1/integrations", { params: { query: { page, page_size: 50 } } })),
    [page],
  );
  return (
    <Screen
      title="Integrations"
      actions={
        <a class="button primary" href="/console/integrations/new">
          Start an integration
        </a>
      }
    >
      <p class="muted">
        An integration hands your events and attendees to another system: through an API key, and
        through webhooks that fire in real time.
      </p>
      {list.problem && <ProblemNotice problem={list.problem} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <>
          <TableBox label="Integrations">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Profiles</th>
                <th scope="col">API access</th>
                <th scope="col">Webhooks</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.data.map((integration) => (
                <tr key={integration.id}>
                  <td>
                    <a href={`/console/integrations/${integration.id}`}>{integration.name}</a>
                  </td>
                  <td>{integration.profile_uids.length}</td>
                  <td>
                    {integration.api_access ? (
                      <Badge tone="ok">on</Badge>
                    ) : (
                      <Badge tone="off">off</Badge>
                    )}
                  </td>
                  <td>
                    {integration.webhooks_enabled ? (
                      <Badge tone="ok">on</Badge>
                    ) : (
                      <Badge tone="off">off</Badge>
                    )}
                  </td>
                  <td>
                    <Time value={integration.created_at} />
                  </td>
                </tr>
              ))}
            </tbody>
          </TableBox>
          {list.data.data.length === 0 && <p>No integration yet.</p>}
          <Pager
            meta={list.data.meta}
            label="Integration pages"
            onPage={(p) => route(`/console/integrations?page=${p}`)}
          />
        </>
      )}
    </Screen>
  );
}
