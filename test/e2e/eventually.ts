/** Polls `probe` every 200 ms until it returns a value, for at most 10 s. */
export async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("still not there after 10 s");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
