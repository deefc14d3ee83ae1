import type { IntegrationRow } from "../db/queries/integrations";
import type { FormField, MappingEntry } from "../lib/types";

export type FixedFieldInput = Omit<FormField, "locked">;

/** `POST /v1/integrations` (API.md §3), defaults applied. */
export type IntegrationInput = {
  name: string;
  profile_uids: string[];
  api_access: boolean;
  webhooks_enabled: boolean;
  fixed_configuration: { fields: FixedFieldInput[] };
  field_mapping: MappingEntry[];
};

/**
 * `POST /v1/integrations`: an integration as given, or the one a catalogue template makes from
 * `params` (then `name` defaults to the template's, and its mapping and fixed configuration apply).
 */
export type CreateIntegrationInput = Omit<IntegrationInput, "name"> & {
  name?: string;
  template?: string;
  params?: Record<string, unknown>;
};

/** An integration with the profiles it is linked to. */
export type Integration = IntegrationRow & { profileIds: string[] };

export function serializeIntegration(row: Integration) {
  return {
    id: row.id,
    name: row.name,
    profile_uids: row.profileIds,
    api_access: row.apiAccess,
    webhooks_enabled: row.webhooksEnabled,
    fixed_configuration: {
      fields: row.fixedConfiguration.fields.map(({ locked: _locked, ...field }) => field),
    },
    field_mapping: row.fieldMapping,
    template_id: row.templateId,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
  };
}
