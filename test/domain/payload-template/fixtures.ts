import fc from "fast-check";
import type { TemplateScope } from "../../../src/domain/payload-template/scope";

/** An attendee as a webhook sees it after mapping, with the event and context. */
export const scope: TemplateScope = {
  item: {
    uid: "gst_1",
    email: "Jane.Doe@Example.com",
    firstname: "Jane",
    lastname: "Doe",
    company: null,
    capacity: 3,
    vip: true,
    tags: ["speaker", "vegan"],
    answers: [{ q: "diet", a: "vegan" }],
    location: { city: "Brussels", geo: { lat: 50.85 } },
    created_at: "2026-03-01T23:30:05.000Z",
    // A form field that shares its name with a reserved root.
    event: "my own field",
  },
  event: {
    uid: "evt_1",
    name: "Weft Conf",
    starts_at: "2026-04-10T08:00:00.000Z",
    location: { city: "Ghent" },
  },
  trigger: "guest.create",
  account: { id: "acc_1", name: "Acme" },
};

/** The scope with other item fields. */
export const withItem = (item: TemplateScope["item"]): TemplateScope => ({ ...scope, item });

/**
 * Any string of UTF-16 code units, lone surrogates included (fast-check's "binary" unit makes
 * whole code points only), with the characters that mean something to templates and URLs.
 */
export const anyText = (maxLength = 40) =>
  fc.string({
    unit: fc.oneof(
      fc.constantFrom("{", "}", "|", '"', "\\", "/", "?", "#", "&", "%", ".", "\uD800", "\uDC00"),
      fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    ),
    maxLength,
  });

/** A digest from workerd's Web Crypto (which also offers MD5), as hex: the reference for hashes. */
export async function subtleHex(algorithm: "MD5" | "SHA-256", text: string): Promise<string> {
  const digest = await crypto.subtle.digest(algorithm, new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
