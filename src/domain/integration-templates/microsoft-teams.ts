import type { IntegrationTemplate } from "./template";

/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is
 * received"): a message whose attachment is an Adaptive Card.
 */
export const microsoftTeams: IntegrationTemplate = {
  id: "microsoft-teams",
  name: "Microsoft Teams",
  description:
    'Posts a card in a Teams channel for every new registration: the attendee, the event and its date. In Teams, add the Workflows template "Post to a channel when a webhook request is received" to the channel and give its URL here.',
  documentation_url:
    "https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook",
  params: [
    {
      name: "workflow_url",
      type: "url",
      description:
        "The workflow's HTTP POST URL. Its `sig` query parameter lets anyone post: it is stored encrypted and never shown again.",
      secret: true,
      required: true,
      example:
        "https://prod-00.westeurope.logic.azure.com:443/workflows/0123456789abcdef0123456789abcdef/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=XXXX",
      pattern: "^https?://[^?#]+/workflows/[0-9A-Fa-f]+/triggers/manual/paths/invoke\\?.*sig=[^&]+",
      hosts: [".logic.azure.com", ".powerplatform.com", ".powerautomate.com"],
    },
  ],
  webhooks: [
    {
      name: "Teams: new registration",
      trigger: "guest.create",
      method: "POST",
      url: "<workflow_url>",
      secret_url: true,
      payload_template: {
        type: "message",
        attachments: [
          {
            contentType: "application/vnd.microsoft.card.adaptive",
            contentUrl: null,
            content: {
              $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
              type: "AdaptiveCard",
              version: "1.4",
              body: [
                {
                  type: "TextBlock",
                  text: "New registration for {{event.name}}",
                  weight: "Bolder",
                  size: "Medium",
                  wrap: true,
                },
                {
                  type: "FactSet",
                  facts: [
                    { title: "Name", value: "{{firstname}} {{lastname}}" },
                    { title: "E-mail", value: "{{email}}" },
                    { title: "Status", value: "{{registration_status}}" },
                    {
                      title: "Event starts",
                      value: '{{event.start_date | date: "YYYY-MM-DD HH:mm"}} UTC',
                    },
                  ],
                },
              ],
            },
          },
        ],
      },
    },
  ],
  field_mapping: [],
  fixed_configuration: { fields: [] },
};
