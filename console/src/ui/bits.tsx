import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Schemas } from "../api";

/** A secret Weft shows only once: said plainly, selectable, with a copy button. */
export function SecretOnce({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | undefined>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied("yes");
    } catch {
      setCopied("no");
    }
  };
  return (
    <div class="notice notice-secret" role="status">
      <p>
        <strong>{label}</strong> Weft shows it only now: copy it and keep it somewhere safe.
      </p>
      <p>
        <code class="secret" data-secret>
          {value}
        </code>
      </p>
      <button type="button" onClick={copy}>
        Copy<span class="sr-only"> {label}</span>
      </button>{" "}
      <span aria-live="polite">
        {copied === "yes" && "Copied."}
        {copied === "no" && "The browser did not allow copying: select the text and copy it."}
      </span>
    </div>
  );
}

/** Previous / next over a list's `meta`, with where we are. */
export function Pager({
  meta,
  onPage,
  label,
}: {
  meta: Schemas["PageMeta"];
  onPage: (page: number) => void;
  label: string;
}) {
  if (meta.last_page <= 1) return <p class="muted small">{countText(meta.total)}</p>;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={meta.page <= 1} onClick={() => onPage(meta.page - 1)}>
        Previous page
      </button>
      <span>
        Page {meta.page} of {meta.last_page} ({countText(meta.total)})
      </span>
      <button
        type="button"
        disabled={meta.page >= meta.last_page}
        onClick={() => onPage(meta.page + 1)}
      >
        Next page
      </button>
    </nav>
  );
}

function countText(total: number) {
  return total === 1 ? "1 item" : `${total} items`;
}

/** A button that asks once more before it does something that cannot be undone. */
export function ConfirmButton({
  children,
  confirm,
  onConfirm,
  pending,
}: {
  children: ComponentChildren;
  confirm: string;
  onConfirm: () => void;
  pending?: boolean;
}) {
  // "asked": the question was open and is closed again, so the button gets the focus back.
  const [state, setState] = useState<"idle" | "asking" | "asked">("idle");
  const yes = useRef<HTMLButtonElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (state === "asking") yes.current?.focus();
    if (state === "asked") trigger.current?.focus();
  }, [state]);
  if (state !== "asking") {
    return (
      <button
        type="button"
        class="danger"
        ref={trigger}
        disabled={pending}
        onClick={() => setState("asking")}
      >
        {children}
      </button>
    );
  }
  const no = () => setState("asked");
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Escape anywhere in the question answers No.
    <span class="confirm" onKeyDown={(e) => e.key === "Escape" && no()}>
      <span>{confirm}</span>{" "}
      <button
        type="button"
        class="danger"
        ref={yes}
        onClick={() => {
          setState("asked");
          onConfirm();
        }}
      >
        Yes
      </button>{" "}
      <button type="button" onClick={no}>
        No
      </button>
    </span>
  );
}

/** A wide table that scrolls sideways on a phone instead of overflowing the page. */
export function TableBox({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it.
    <section class="table-box" aria-label={label} tabIndex={0}>
      <table>{children}</table>
    </section>
  );
}

/** JSON as a reader sees it, in a labelled, scrollable block. */
export function Json({ value, label }: { value: unknown; label: string }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to scroll it.
    <section class="json" aria-label={label} tabIndex={0}>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </section>
  );
}

/** A time in the reader's locale, with the exact value on hover and for machines. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span class="muted">—</span>;
  return (
    <time dateTime={value} title={value}>
      {formatTime(value)}
    </time>
  );
}

export function formatTime(value: string) {
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? value
    : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** A status as a word and a colour (never the colour alone). */
export function Badge({ tone, children }: { tone: string; children: ComponentChildren }) {
  return <span class={`badge badge-${tone}`}>{children}</span>;
}

/** An RFC 3339 time as a `datetime-local` value, in the browser's time zone. */
export function localInput(iso: string | null | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(
    date.getHours(),
  )}:${pad(date.getMinutes())}`;
}

/** A `datetime-local` value as RFC 3339 UTC; anything else as typed (the API says what is wrong). */
export function isoFromLocal(value: string): string {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
}
