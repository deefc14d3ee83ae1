/**
 * A value handed from one screen to the next it opens (a secret shown once after a create):
 * kept in memory only, taken once.
 */
const flashes = new Map<string, string>();

export function setFlash(key: string, value: string) {
  flashes.set(key, value);
}

export function takeFlash(key: string): string | undefined {
  const value = flashes.get(key);
  flashes.delete(key);
  return value;
}
