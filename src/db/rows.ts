/** The first row of a read of at most one row (`xOf` queries), undefined when there is none. */
export async function first<T>(rows: PromiseLike<T[]>): Promise<T | undefined> {
  return (await rows)[0];
}
