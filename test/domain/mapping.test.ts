import { describe, expect, it } from "vitest";
import { formUnder, withFixedFields, withoutLocks } from "../../src/domain/fixed-configuration";
import { applyMapping, effectiveMapping, readPath } from "../../src/domain/mapping";
import { mappingFor } from "../../src/domain/routing";
import type { MappingEntry } from "../../src/lib/types";

const attendee = {
  uid: "gst_1",
  event_uid: "evt_1",
  email: "jane@example.com",
  firstname: "Jane",
  location: { city: "Brussels", geo: { lat: 50.8 } },
  tags: ["a", "b"],
};

describe("effectiveMapping", () => {
  const account: MappingEntry[] = [
    { name: "email_address", mapped_to: "email" },
    { name: "source", value: "account" },
  ];
  const integration: MappingEntry[] = [
    { name: "source", value: "integration" },
    { name: "first", mapped_to: "firstname" },
  ];
  const profile: MappingEntry[] = [{ name: "brand", value: "Acme" }];

  it("merges account -> integration -> profile -> override, later replacing earlier in place", () => {
    const merged = effectiveMapping({
      account,
      integration,
      profile,
      override: {
        mappingMode: "merge",
        fieldMapping: [
          { name: "email_address", mapped_to: "location.city" },
          { name: "vip", value: true },
        ],
      },
    });
    expect(merged).toEqual([
      { name: "email_address", mapped_to: "location.city" },
      { name: "source", value: "integration" },
      { name: "first", mapped_to: "firstname" },
      { name: "brand", value: "Acme" },
      { name: "vip", value: true },
    ]);
  });

  it("drops everything inherited with mapping_mode replace", () => {
    const only: MappingEntry[] = [{ name: "x", value: 1 }];
    expect(
      effectiveMapping({
        account,
        integration,
        profile,
        override: { mappingMode: "replace", fieldMapping: only },
      }),
    ).toEqual(only);
    // replace with an empty override mapping: nothing left, so the native attendee goes out
    expect(
      effectiveMapping({
        account,
        integration,
        profile,
        override: { mappingMode: "replace", fieldMapping: [] },
      }),
    ).toEqual([]);
  });

  it("is empty when every level is, and ignores a missing override", () => {
    expect(effectiveMapping({ account: [], integration: [], profile: [] })).toEqual([]);
    expect(effectiveMapping({ account, integration: [], profile: [], override: null })).toEqual(
      account,
    );
  });
});

describe("applyMapping", () => {
  it("gives a copy of the whole native attendee for an empty mapping", () => {
    const out = applyMapping(attendee, []);
    expect(out).toEqual(attendee);
    expect(out).not.toBe(attendee);
    (out.location as { city: string }).city = "changed";
    expect(attendee.location.city).toBe("Brussels");
  });

  it("copies object values, so a payload shares nothing with the attendee or the mapping", () => {
    const mapping: MappingEntry[] = [
      { name: "location", mapped_to: "location" },
      { name: "meta", value: { system: "weft" } },
    ];
    const out = applyMapping(attendee, mapping) as {
      location: { city: string };
      meta: { system: string };
    };
    out.location.city = "changed";
    out.meta.system = "changed";
    expect(attendee.location.city).toBe("Brussels");
    expect(mapping[1]).toEqual({ name: "meta", value: { system: "weft" } });
  });

  it("keeps only mapped keys: renamed, dotted paths, fixed values, missing -> null", () => {
    const out = applyMapping(attendee, [
      { name: "contact_email", mapped_to: "email" },
      { name: "city", mapped_to: "location.city" },
      { name: "lat", mapped_to: "location.geo.lat" },
      { name: "second_tag", mapped_to: "tags.1" },
      { name: "phone", mapped_to: "phone" },
      { name: "deep_missing", mapped_to: "location.nowhere.x" },
      { name: "source", value: "weft" },
      { name: "meta", value: { system: "weft", n: [1, 2] } },
      { name: "nothing", value: null },
    ]);
    expect(out).toEqual({
      contact_email: "jane@example.com",
      city: "Brussels",
      lat: 50.8,
      second_tag: "b",
      phone: null,
      deep_missing: null,
      source: "weft",
      meta: { system: "weft", n: [1, 2] },
      nothing: null,
    });
    expect(Object.keys(out)).toHaveLength(9);
  });

  it("does not reach into prototypes, and keeps odd names as plain keys", () => {
    const out = applyMapping(attendee, [
      { name: "__proto__", mapped_to: "email" },
      { name: "ctor", mapped_to: "constructor" },
      { name: "proto", mapped_to: "__proto__.toString" },
    ]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, "__proto__")).toBe(true);
    expect(out.ctor).toBeNull();
    expect(out.proto).toBeNull();
  });

  it("keeps a repeated name once, where it first came, with its last value", () => {
    const out = applyMapping(attendee, [
      { name: "a", value: 1 },
      { name: "__proto__", value: "first" },
      { name: "b", value: 2 },
      { name: "a", value: 3 },
      { name: "__proto__", value: "last" },
    ]);
    expect(JSON.stringify(out)).toBe('{"a":3,"__proto__":"last","b":2}');
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it("reads a native field whose name contains a dot before trying a path", () => {
    expect(readPath({ "a.b": 1, a: { b: 2 } }, "a.b")).toBe(1);
    expect(readPath({ a: { b: 2 } }, "a.b")).toBe(2);
    expect(readPath(null, "a")).toBeUndefined();
  });
});

describe("fixed configuration", () => {
  const form = [
    { name: "email", label: "E-mail", type: "email" as const, required: true, locked: false },
    { name: "vat", label: "old", type: "number" as const, required: false, locked: false },
  ];
  const fixed = [
    { name: "vat", label: "VAT", type: "text" as const, required: true },
    {
      name: "size",
      label: "Size",
      type: "select" as const,
      required: false,
      options: [{ value: "m", label: "M" }],
    },
  ];

  it("replaces same-name fields in place and appends missing ones, all locked", () => {
    expect(withFixedFields(form, fixed)).toEqual([
      form[0],
      { name: "vat", label: "VAT", type: "text", required: true, locked: true },
      { ...fixed[1], locked: true },
    ]);
  });

  it("keeps fields but unlocks them", () => {
    const locked = withFixedFields(form, fixed);
    expect(withoutLocks(locked).map((f) => [f.name, f.locked])).toEqual([
      ["email", false],
      ["vat", false],
      ["size", false],
    ]);
  });

  it("re-derives the form under another integration (old locks dropped)", () => {
    const underA = formUnder(form, { fixedConfiguration: { fields: fixed } });
    const underB = formUnder(underA, {
      fixedConfiguration: { fields: [{ name: "po", label: "PO", type: "text", required: false }] },
    });
    expect(underB.filter((f) => f.locked).map((f) => f.name)).toEqual(["po"]);
    expect(underB.map((f) => f.name)).toEqual(["email", "vat", "size", "po"]);
    expect(formUnder(underB, null).some((f) => f.locked)).toBe(false);
  });
});

describe("mappingFor", () => {
  const levels = {
    account: { fieldMapping: [{ name: "source", value: "account" }] },
    profile: { fieldMapping: [{ name: "first", mapped_to: "firstname" }] },
  };
  const integration = { id: "int_a", fieldMapping: [{ name: "mail", mapped_to: "email" }] };
  const override = (integrationId: string | null) => ({
    integrationId,
    mappingMode: "replace" as const,
    fieldMapping: [{ name: "only", mapped_to: "email" }],
  });

  it("merges the stored levels in order", () => {
    expect(mappingFor(levels, integration).map((e) => e.name)).toEqual(["source", "mail", "first"]);
  });

  it("applies an override that names no integration or this one, not another's", () => {
    for (const id of [null, "int_a"]) {
      expect(mappingFor({ ...levels, override: override(id) }, integration)).toEqual([
        { name: "only", mapped_to: "email" },
      ]);
    }
    expect(mappingFor({ ...levels, override: override("int_b") }, integration)).toEqual(
      mappingFor(levels, integration),
    );
  });
});
