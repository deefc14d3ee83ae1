/** Whether a failed D1 call failed with this SQLite message (it may be wrapped in causes). */
export function failedWith(error: unknown, message: string): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.message.includes(message)) return true;
  }
  return false;
}
