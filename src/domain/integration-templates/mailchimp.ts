import type { IntegrationTemplate } from "./template";

/**
 * Mailchimp audience members, added or updated: PUT to the member named by the MD5 hash of the
 * lower-case e-mail, which creates it when it is new (with `status_if_new`).
 */
const member = {
  email_address: "{{email}}",
  status_if_new: "<status_if_new>",
  merge_fields: {
    FNAME: '{{firstname | default: ""}}',
    LNAME: '{{lastname | default: ""}}',
  },
};

export const mailchimp: IntegrationTemplate = {
  id: "mailchimp",
  name: "Mailchimp audience",
  description:
    "Adds every attendee to a Mailchimp audience (or updates the member when the address is already there), with first and last name as FNAME and LNAME. New members get `status_if_new`: `pending` (the default) sends Mailchimp's confirmation e-mail, so only those who confirm are subscribed; use `subscribed` only when your registration form collects that consent.",
  documentation_url:
    "https://mailchimp.com/developer/marketing/api/list-members/add-or-update-list-member/",
  params: [
    {
      name: "api_key",
      type: "string",
      description: "A Mailchimp API key (Account > Extras > API keys); stored encrypted.",
      secret: true,
      required: true,
      example: "0123456789abcdef0123456789abcdef-us21",
      pattern: "^[0-9a-f]{32}-[a-z]{2}[0-9]{1,3}$",
    },
    {
      name: "api_base_url",
      type: "url",
      description:
        "Your account's API root: https://<dc>.api.mailchimp.com, where <dc> is the end of your API key (`us21`).",
      secret: false,
      required: true,
      example: "https://us21.api.mailchimp.com",
      hosts: [".api.mailchimp.com"],
      base: true,
    },
    {
      name: "list_id",
      type: "string",
      description: "The audience's id (Audience > Settings > Audience name and defaults).",
      secret: false,
      required: true,
      example: "57afe96172",
      pattern: "^[0-9a-f]{10}$",
    },
    {
      name: "status_if_new",
      type: "string",
      description: "What a new member becomes: `pending` asks them to confirm by e-mail.",
      secret: false,
      required: false,
      default: "pending",
      example: "pending",
      enum: ["pending", "subscribed", "transactional"],
    },
  ],
  webhooks: (["guest.create", "guest.update"] as const).map((trigger) => ({
    name: `Mailchimp: member from a ${trigger === "guest.create" ? "new" : "changed"} registration`,
    trigger,
    method: "PUT" as const,
    url: "<api_base_url>/3.0/lists/<list_id>/members/{{email | lower | md5}}",
    // Mailchimp's API keys authenticate as HTTP Basic: any user name, the key as password.
    basic_auth: { username: "weft", password: "<api_key>" },
    payload_template: member,
  })),
  field_mapping: [],
  fixed_configuration: { fields: [] },
};
