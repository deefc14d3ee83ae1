import type { IntegrationTemplate } from "./template";

/** Zapier's "Catch Hook" trigger: any JSON object, whose keys become fields in the Zap. */
const registration = {
  trigger: "{{trigger}}",
  attendee_uid: "{{uid}}",
  email: "{{email}}",
  firstname: "{{firstname}}",
  lastname: "{{lastname}}",
  registration_status: "{{registration_status}}",
  payment_status: "{{payment_status}}",
  event_uid: "{{event.uid}}",
  event_name: "{{event.name}}",
  event_start_date: "{{event.start_date}}",
  attendee: "{{item}}",
};

export const zapier: IntegrationTemplate = {
  id: "zapier",
  name: "Zapier",
  description:
    'Sends every new or changed registration to a Zap, as flat fields (e-mail, names, statuses, the event) plus the whole attendee under `attendee`. In Zapier, start a Zap with "Webhooks by Zapier" > "Catch Hook" and give its URL here; from there, any of Zapier\'s apps.',
  documentation_url:
    "https://help.zapier.com/hc/en-us/articles/8496288690317-Trigger-Zaps-from-webhooks",
  params: [
    {
      name: "catch_hook_url",
      type: "url",
      description:
        "The Catch Hook's URL. Anyone who has it can start the Zap: it is stored encrypted and never shown again.",
      secret: true,
      required: true,
      example: "https://hooks.zapier.com/hooks/catch/1234567/abcdefg/",
      pattern: "^https?://[^?#]+/hooks/catch/[0-9]+/[A-Za-z0-9]+/?$",
      hosts: ["hooks.zapier.com"],
    },
  ],
  webhooks: (["guest.create", "guest.update"] as const).map((trigger) => ({
    name: `Zapier: ${trigger === "guest.create" ? "new" : "changed"} registration`,
    trigger,
    method: "POST" as const,
    url: "<catch_hook_url>",
    secret_url: true,
    payload_template: registration,
  })),
  field_mapping: [],
  fixed_configuration: { fields: [] },
};
