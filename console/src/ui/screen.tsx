import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

export type Crumb = { href: string; label: string };

/**
 * One screen: its title in the tab and in an h1 that takes the focus when the screen opens (so
 * keyboard and screen-reader users start at the top of what changed), and where it sits.
 */
export function Screen({
  title,
  crumbs = [],
  children,
  actions,
}: {
  title: string;
  crumbs?: Crumb[];
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Weft console`;
  }, [title]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: false });
  }, []);
  return (
    <>
      {crumbs.length > 0 && (
        <nav class="crumbs" aria-label="Breadcrumb">
          <ol class="menu">
            {crumbs.map((crumb) => (
              <li key={crumb.href}>
                <a href={crumb.href}>{crumb.label}</a>
              </li>
            ))}
          </ol>
        </nav>
      )}
      <div class="screen-head">
        <h1 tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions && <div class="screen-actions">{actions}</div>}
      </div>
      {children}
    </>
  );
}

/** A part of a screen, under its own heading. */
export function Section({
  title,
  children,
  id,
  hint,
}: {
  title: string;
  children: ComponentChildren;
  id?: string;
  hint?: ComponentChildren;
}) {
  const headingId = `${id ?? title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-heading`;
  return (
    <section class="section" aria-labelledby={headingId} id={id}>
      <h2 id={headingId}>{title}</h2>
      {hint && <p class="muted">{hint}</p>}
      {children}
    </section>
  );
}
