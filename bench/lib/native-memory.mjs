// What workerd's RSS is made of (the soak, issue 16): its mappings from /proc/<pid>/smaps, and,
// where gdb is installed (`--malloc-stats`), what its allocator says it holds.
//
// workerd links Google's tcmalloc (its binary exports tcmalloc's `MallocExtension_Internal_*`), and
// V8 keeps every isolate's JavaScript heap in one pointer-compression cage: a 4 GiB reservation
// (mostly `---p`) whose committed pages are the isolates' heaps. So the RSS splits into:
//   - the V8 cage: the JavaScript heaps of all isolates (Weft's and Miniflare's own), garbage
//     included until V8 collects it;
//   - native: anonymous memory outside the cage, i.e. tcmalloc's heap (C++ objects, SQLite, I/O
//     buffers, ArrayBuffer contents) and thread stacks;
//   - files: the workerd binary's pages and the libraries.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

const GIB = 2 ** 30;

/** RSS by kind of mapping, MiB: `{ v8_cage, native, files }` (null when smaps cannot be read). */
export function memoryMap(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return null;
  }
  const maps = [];
  let current;
  for (const line of text.split("\n")) {
    const head = line.match(/^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/);
    if (head) {
      current = {
        start: Number.parseInt(head[1], 16),
        end: Number.parseInt(head[2], 16),
        perms: head[3],
        path: head[4].trim(),
        rssKib: 0,
      };
      maps.push(current);
    } else if (current && line.startsWith("Rss:")) current.rssKib = Number(line.split(/\s+/)[1]);
  }
  // The cage: the 4 GiB-aligned block around a reservation of 3 to 4 GiB.
  const cages = new Set(
    maps
      .filter((m) => m.perms === "---p" && m.end - m.start > 3 * GIB && m.end - m.start <= 4 * GIB)
      .map((m) => Math.floor(m.start / (4 * GIB))),
  );
  const kib = { v8_cage: 0, native: 0, files: 0 };
  for (const m of maps) {
    if (m.path && !m.path.startsWith("[")) kib.files += m.rssKib;
    else if (cages.has(Math.floor(m.start / (4 * GIB)))) kib.v8_cage += m.rssKib;
    else kib.native += m.rssKib;
  }
  return Object.fromEntries(Object.entries(kib).map(([k, v]) => [k, Math.round(v / 102.4) / 10]));
}

/**
 * tcmalloc's own figures through gdb (attached for about a second): the bytes the program holds
 * (`in_use`) and the bytes tcmalloc keeps resident (`resident`: in use + its free lists, which
 * workerd never hands back to the system: it runs no tcmalloc background release), MiB. Null
 * without gdb or when the call fails.
 */
export function mallocStats(pid) {
  const property = (name) => [
    "-ex",
    `print (int)(unsigned char)MallocExtension_Internal_GetNumericProperty("${name}", ${name.length}, $v)`,
    "-ex",
    "print *$v",
  ];
  let out;
  try {
    out = execFileSync(
      "gdb",
      [
        "-p",
        String(pid),
        "-batch",
        "-ex",
        "set $v = (unsigned long *)malloc(8)",
        ...property("generic.current_allocated_bytes"),
        ...property("generic.physical_memory_used"),
        ...property("tcmalloc.pageheap_unmapped_bytes"),
        "-ex",
        "call (void)free($v)",
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 60_000 },
    );
  } catch {
    return null;
  }
  // Each property: its answer (1: known), then its value.
  const values = [...out.matchAll(/^\$(\d+) = (\d+)$/gm)].map((m) => Number(m[2]));
  if (values.length < 6 || values[0] !== 1 || values[2] !== 1 || values[4] !== 1) return null;
  const mib = (bytes) => Math.round(bytes / 2 ** 20 / 0.1) / 10;
  return {
    in_use: mib(values[1]),
    resident: mib(values[3]),
    free: mib(values[3] - values[1]),
    released: mib(values[5]),
  };
}
