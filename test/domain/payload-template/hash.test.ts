import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { md5Hex, sha256Hex } from "../../../src/domain/payload-template/hash";
import { anyText, subtleHex } from "./fixtures";

describe("md5Hex and sha256Hex", () => {
  it("match the published test vectors", () => {
    expect(md5Hex("")).toBe("d41d8cd98f00b204e9800998ecf8427e");
    expect(md5Hex("abc")).toBe("900150983cd24fb0d6963f7d28e17f72");
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    // Mailchimp's subscriber hash: md5 of the lower-cased address.
    expect(md5Hex("urist.mcvankab@freddiesjokes.com")).toBe("62eeb292278cc15f5817cb78f7790b08");
  });

  it("match Web Crypto around the block boundaries (55, 56, 64 bytes) and on multi-byte text", async () => {
    for (const text of ["a".repeat(55), "a".repeat(56), "a".repeat(63), "a".repeat(64), "é✓🎉"]) {
      expect(md5Hex(text)).toBe(await subtleHex("MD5", text));
      expect(sha256Hex(text)).toBe(await subtleHex("SHA-256", text));
    }
  });

  it("match Web Crypto on arbitrary strings, lone surrogates included", async () => {
    await fc.assert(
      fc.asyncProperty(anyText(300), async (text) => {
        expect(md5Hex(text)).toBe(await subtleHex("MD5", text));
        expect(sha256Hex(text)).toBe(await subtleHex("SHA-256", text));
      }),
      { numRuns: 200 },
    );
  });
});
