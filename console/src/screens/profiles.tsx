import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { allPages, api, send } from "../api";
import { useIdempotencyKey, useLoad, useSubmit } from "../hooks";
import { Pager, TableBox, Time } from "../ui/bits";
import { Form, TextField } from "../ui/form";
import { Loading, ProblemNotice } from "../ui/notice";
import { Screen, Section } from "../ui/screen";

export function Profiles() {
  const { query, route } = useLocation();
  const page = Number(query.page) || 1;
  const profiles = useLoad(
    () => send(api().GET("/v1/profiles", { params: { query: { page, page_size: 50 } } })),
    [page],
  );
  const integrations = useLoad(
    () =>
      allPages((p) =>
        send(api().GET("/v1/integrations", { params: { query: { page: p, page_size: 200 } } })),
      ),
    [],
  );
  const nameOf = (id: string | null) =>
    id ? (integrations.data?.find((i) => i.id === id)?.name ?? id) : undefined;

  const [name, setName] = useState("");
  const idempotency = useIdempotencyKey();
  const create = useSubmit(async () => {
    const made = await send(
      api().POST("/v1/profiles", {
        params: { header: { "idempotency-key": idempotency.current() } },
        body: { name },
      }),
    );
    idempotency.renew();
    route(`/console/profiles/${made.data.uid}`);
  });

  return (
    <Screen title="Profiles">
      <Section title="Your profiles">
        {profiles.problem && <ProblemNotice problem={profiles.problem} onRetry={profiles.reload} />}
        {profiles.loading && !profiles.data && <Loading />}
        {profiles.data && (
          <>
            <TableBox label="Profiles">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Active integration</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {profiles.data.data.map((profile) => (
                  <tr key={profile.uid}>
                    <td>
                      <a href={`/console/profiles/${profile.uid}`}>{profile.name}</a>
                    </td>
                    <td>
                      {nameOf(profile.active_integration_id) ?? <span class="muted">none</span>}
                    </td>
                    <td>
                      <Time value={profile.created_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableBox>
            {profiles.data.data.length === 0 && <p>No profile yet: create the first below.</p>}
            <Pager
              meta={profiles.data.meta}
              label="Profile pages"
              onPage={(p) => route(`/console/profiles?page=${p}`)}
            />
          </>
        )}
      </Section>
      <Section title="New profile">
        <Form
          label="New profile"
          onSubmit={create.submit}
          problem={create.problem}
          onRetry={create.submit}
          paths={["name"]}
          pending={create.pending}
          submit="Create profile"
        >
          <TextField
            label="Name"
            name="name"
            value={name}
            onValue={setName}
            problem={create.problem}
            hint="A brand or department, e.g. Acme Conferences."
          />
        </Form>
      </Section>
    </Screen>
  );
}
