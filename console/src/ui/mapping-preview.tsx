import { useEffect, useState } from "preact/hooks";
import { api, type Problem, problemOf, type Schemas, send } from "../api";
import { useLoad } from "../hooks";
import { Json } from "./bits";
import { SelectField, TextField } from "./form";
import { Loading, ProblemNotice } from "./notice";

type Entry = Schemas["MappingEntry"];
type Level = "account" | "integration" | "profile" | "event";

/**
 * The live preview beside a mapping editor: a real attendee as the integration's key reads it and
 * its webhooks send it, with the mapping being edited tried in place of the stored one
 * (POST /v1/integrations/{id}/mapping-preview), refreshed a moment after each change.
 */
export function MappingPreview({
  level,
  draft,
  mappingMode,
  integrationId,
  integrations,
  eventUid,
}: {
  level: Level;
  draft: Entry[];
  mappingMode?: "merge" | "replace";
  /** The integration to preview for; when absent the organiser picks one of `integrations`. */
  integrationId?: string;
  integrations?: readonly { id: string; name: string }[];
  /** Attendees of this event only (the event level). */
  eventUid?: string;
}) {
  const [chosenIntegration, setChosenIntegration] = useState("");
  const integration = integrationId ?? (chosenIntegration || integrations?.[0]?.id);
  const [search, setSearch] = useState("");
  const [attendeeUid, setAttendeeUid] = useState("");
  const candidates = useLoad(
    () =>
      send(
        api().GET("/v1/attendees", {
          params: {
            query: {
              page_size: 10,
              sort: "-created_at",
              ...(search.trim() ? { q: search.trim() } : {}),
              ...(eventUid ? { event_uid: eventUid } : {}),
            },
          },
        }),
      ),
    [search, eventUid],
  );
  const options = (candidates.data?.data ?? []).map((attendee) => ({
    value: String(attendee.uid),
    label: [attendee.firstname, attendee.lastname, attendee.email, attendee.event_name]
      .filter(Boolean)
      .join(" · "),
  }));
  const attendee = options.some((o) => o.value === attendeeUid) ? attendeeUid : options[0]?.value;

  const [result, setResult] = useState<Schemas["MappingPreview"]>();
  const [problem, setProblem] = useState<Problem>();
  const [pending, setPending] = useState(false);
  const draftKey = JSON.stringify([draft, mappingMode]);
  useEffect(() => {
    if (!integration || !attendee) return;
    let current = true;
    const timer = setTimeout(async () => {
      setPending(true);
      try {
        const { data } = await send(
          api().POST("/v1/integrations/{id}/mapping-preview", {
            params: { path: { id: integration } },
            body: {
              attendee_uid: attendee,
              field_mapping: { [level]: draft },
              ...(mappingMode ? { mapping_mode: mappingMode } : {}),
            },
          }),
        );
        if (current) {
          setResult(data);
          setProblem(undefined);
        }
      } catch (error) {
        if (current) setProblem(problemOf(error));
      } finally {
        if (current) setPending(false);
      }
    }, 350);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [integration, attendee, draftKey, level]);

  return (
    <aside class="preview" aria-label="Live preview">
      <h2>Live preview</h2>
      {!integrationId && (
        <SelectField
          label="As seen by the integration"
          name="preview.integration"
          value={integration ?? ""}
          onValue={setChosenIntegration}
          options={(integrations ?? []).map((i) => ({ value: i.id, label: i.name }))}
          hint={integrations?.length ? undefined : "Create an integration to preview a mapping."}
        />
      )}
      <TextField
        label="Find an attendee"
        name="preview.search"
        type="search"
        value={search}
        onValue={setSearch}
        hint="By name or e-mail; the newest come first."
      />
      {candidates.problem && (
        <ProblemNotice problem={candidates.problem} onRetry={candidates.reload} />
      )}
      {options.length > 0 ? (
        <SelectField
          label="Attendee"
          name="preview.attendee_uid"
          value={attendee ?? ""}
          onValue={setAttendeeUid}
          options={options}
        />
      ) : (
        !candidates.loading && <p class="muted">No attendee to show yet.</p>
      )}
      <div aria-live="polite" aria-busy={pending ? "true" : undefined}>
        {pending && !result && <Loading what="Mapping" />}
        {problem && <ProblemNotice problem={problem} title="The preview failed." />}
        {result && !problem && (
          <>
            <ul class="flags">
              <li>
                {result.webhooks_apply
                  ? "Its webhooks fire for this attendee's event."
                  : "Its webhooks do not fire for this attendee's event (not active on the profile nor set on the event)."}
              </li>
              <li>
                {result.key_reads
                  ? "Its keys read this attendee."
                  : "Its keys cannot read this attendee (API access off, or the profile is not linked)."}
              </li>
            </ul>
            <Json value={result.payload} label="The attendee as the integration sees it" />
          </>
        )}
      </div>
    </aside>
  );
}
