import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";
import type { Problem } from "../api";
import { ProblemNotice } from "./notice";

/**
 * Form controls whose `name` is the API's path for the value (`name`, `fields.email`,
 * `field_mapping.0.mapped_to`): an error's `details` entry with that path, or one below it, is
 * shown under the control and tied to it (aria-invalid, aria-describedby).
 */

export function detailFor(problem: Problem | undefined, path: string): string | undefined {
  const matching = problem?.details.filter(
    (detail) => detail.path === path || detail.path.startsWith(`${path}.`),
  );
  if (!matching?.length) return undefined;
  return matching
    .map((d) => (d.path === path ? d.message : `${d.path.slice(path.length + 1)}: ${d.message}`))
    .join(" ");
}

type ControlProps = {
  label: ComponentChildren;
  name: string;
  problem?: Problem;
  hint?: ComponentChildren;
};

function useControlIds(name: string) {
  const id = `${useId()}-${name.replace(/[^a-zA-Z0-9_-]/g, "-")}`;
  return { id, hintId: `${id}-hint`, errorId: `${id}-error` };
}

function Described({
  hint,
  hintId,
  error,
  errorId,
}: {
  hint?: ComponentChildren;
  hintId: string;
  error?: string;
  errorId: string;
}) {
  return (
    <>
      {hint && (
        <p class="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class="field-error" id={errorId}>
          {error}
        </p>
      )}
    </>
  );
}

function describedBy(hint: unknown, hintId: string, error: unknown, errorId: string) {
  return [hint ? hintId : "", error ? errorId : ""].filter(Boolean).join(" ") || undefined;
}

type InputProps = ControlProps & {
  value: string;
  onValue: (value: string) => void;
  /** text, email, tel, number, date, datetime-local, url, password, search */
  type?: string;
  autoComplete?: string;
  placeholder?: string;
  spellcheck?: boolean;
  required?: boolean;
  step?: string;
  min?: string;
  /** A datalist's id: suggestions while typing. */
  list?: string;
};

export function TextField({
  label,
  name,
  problem,
  hint,
  value,
  onValue,
  type,
  ...rest
}: InputProps) {
  const { id, hintId, errorId } = useControlIds(name);
  const error = detailFor(problem, name);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        // The type is one of the input types above; preact's types want the literal union.
        type={(type ?? "text") as "text"}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(hint, hintId, error, errorId)}
        {...rest}
      />
      <Described hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

export function TextArea({
  label,
  name,
  problem,
  hint,
  value,
  onValue,
  rows = 4,
}: ControlProps & { value: string; onValue: (value: string) => void; rows?: number }) {
  const { id, hintId, errorId } = useControlIds(name);
  const error = detailFor(problem, name);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        name={name}
        rows={rows}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(hint, hintId, error, errorId)}
      />
      <Described hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

export type Option = { value: string; label: string };

export function SelectField({
  label,
  name,
  problem,
  hint,
  value,
  onValue,
  options,
  disabled,
}: ControlProps & {
  value: string;
  onValue: (value: string) => void;
  options: readonly Option[];
  disabled?: boolean;
}) {
  const { id, hintId, errorId } = useControlIds(name);
  const error = detailFor(problem, name);
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select
        id={id}
        name={name}
        value={value}
        disabled={disabled}
        onChange={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(hint, hintId, error, errorId)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <Described hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

export function Checkbox({
  label,
  name,
  problem,
  hint,
  checked,
  onChecked,
  disabled,
}: ControlProps & { checked: boolean; onChecked: (checked: boolean) => void; disabled?: boolean }) {
  const { id, hintId, errorId } = useControlIds(name);
  const error = detailFor(problem, name);
  return (
    <div class="field field-check">
      <input
        type="checkbox"
        id={id}
        name={name}
        checked={checked}
        disabled={disabled}
        onChange={(e) => onChecked(e.currentTarget.checked)}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(hint, hintId, error, errorId)}
      />
      <label for={id}>{label}</label>
      <Described hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </div>
  );
}

/** A group of checkboxes (linked profiles, a selection) under one legend. */
export function CheckboxGroup({
  legend,
  name,
  problem,
  hint,
  options,
  values,
  onValues,
}: {
  legend: ComponentChildren;
  name: string;
  problem?: Problem;
  hint?: ComponentChildren;
  options: readonly Option[];
  values: readonly string[];
  onValues: (values: string[]) => void;
}) {
  const { id, hintId, errorId } = useControlIds(name);
  const error = detailFor(problem, name);
  return (
    <fieldset
      class="field"
      aria-invalid={error ? "true" : undefined}
      aria-describedby={describedBy(hint, hintId, error, errorId)}
    >
      <legend>{legend}</legend>
      {options.length === 0 && <p class="muted">None yet.</p>}
      {options.map((option, index) => (
        <div class="field-check" key={option.value}>
          <input
            type="checkbox"
            id={`${id}-${index}`}
            name={`${name}.${index}`}
            checked={values.includes(option.value)}
            onChange={(e) =>
              onValues(
                e.currentTarget.checked
                  ? [...values, option.value]
                  : values.filter((value) => value !== option.value),
              )
            }
          />
          <label for={`${id}-${index}`}>{option.label}</label>
        </div>
      ))}
      <Described hint={hint} hintId={hintId} error={error} errorId={errorId} />
    </fieldset>
  );
}

/**
 * A form that submits with Enter and its button, shows its problem on top (with the details that
 * no control of the form shows), and marks itself busy while it saves.
 */
export function Form({
  onSubmit,
  problem,
  onRetry,
  paths,
  pending,
  submit,
  pendingText = "Saving…",
  children,
  label,
  secondary,
  problemTitle,
}: {
  onSubmit: () => void;
  problem?: Problem;
  onRetry?: () => void;
  /** The paths its controls show (see detailFor); the others are listed with the problem. */
  paths: readonly string[];
  pending: boolean;
  submit: string;
  pendingText?: string;
  children: ComponentChildren;
  label?: string;
  secondary?: ComponentChildren;
  /** The problem's headline, when "Not saved." does not fit (signing in). */
  problemTitle?: string;
}) {
  const shown = (path: string) =>
    paths.some((p) => path === p || path.startsWith(`${p}.`) || p === "*");
  const others = problem?.details.filter((detail) => !shown(detail.path)) ?? [];
  return (
    <form
      class="form"
      aria-label={label}
      aria-busy={pending ? "true" : undefined}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (!pending) onSubmit();
      }}
    >
      {problem && (
        <ProblemNotice
          problem={{ ...problem, message: fieldsHint(problem.message, problem.details, others) }}
          onRetry={onRetry}
          title={problemTitle}
        />
      )}
      {others.length > 0 && (
        <ul class="field-error">
          {others.map((detail) => (
            <li key={detail.path + detail.message}>
              <code>{detail.path || "(body)"}</code>: {detail.message}
            </li>
          ))}
        </ul>
      )}
      {children}
      <div class="actions">
        <button type="submit" class="primary" disabled={pending} aria-disabled={pending}>
          {pending ? pendingText : submit}
        </button>
        {secondary}
      </div>
    </form>
  );
}

function fieldsHint(message: string, all: readonly unknown[], others: readonly unknown[]) {
  return all.length > others.length ? `${message} See the marked fields.` : message;
}
