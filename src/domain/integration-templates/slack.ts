import type { IntegrationTemplate } from "./template";

/** Slack incoming webhooks: a message in one channel, `{"text": ...}` in Slack's mrkdwn. */
export const slack: IntegrationTemplate = {
  id: "slack",
  name: "Slack",
  description:
    "Posts a message in a Slack channel for every new registration, naming the attendee and the event. In Slack, create an app with Incoming Webhooks turned on, add a webhook to the channel, and give its URL here.",
  documentation_url: "https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks",
  params: [
    {
      name: "webhook_url",
      type: "url",
      description:
        "The channel's incoming-webhook URL. Anyone who has it can post in the channel: it is stored encrypted and never shown again.",
      secret: true,
      required: true,
      example: "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
      pattern: "^https?://[^?#]+/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]+$",
      hosts: ["hooks.slack.com"],
    },
  ],
  webhooks: [
    {
      name: "Slack: new registration",
      trigger: "guest.create",
      method: "POST",
      url: "<webhook_url>",
      secret_url: true,
      payload_template: {
        text: "New registration for *{{event.name}}*: {{firstname}} {{lastname}} ({{email}})",
      },
    },
  ],
  field_mapping: [],
  fixed_configuration: { fields: [] },
};
