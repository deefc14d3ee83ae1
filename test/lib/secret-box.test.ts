import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "../../src/lib/secret-box";

describe("secret box", () => {
  it("round-trips and never stores the plaintext", async () => {
    const sealed = await encryptSecret("key-a", "whsec_super-secret");
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("super-secret");
    expect(await decryptSecret("key-a", sealed)).toBe("whsec_super-secret");
  });

  it("uses a fresh IV each time and refuses another key", async () => {
    const a = await encryptSecret("key-a", "same");
    const b = await encryptSecret("key-a", "same");
    expect(a).not.toBe(b);
    await expect(decryptSecret("key-b", a)).rejects.toThrow();
  });
});
