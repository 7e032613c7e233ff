/**
 * The shell's side of the UI kit `@archnest/sdk/web` lends plugins: the same markup and classes the
 * shell's own pages use, so plugin pages follow the active theme.
 */
import {
  type EmptyStateProps,
  type ErrorStateProps,
  errorDetails,
  type FieldProps,
  isModuleRequired,
  type TableColumn,
  type TableProps,
} from "@archnest/sdk/web";
import { children, createEffect, createUniqueId, For, type JSX, Show } from "solid-js";
import { Icon } from "./Icon.js";
import { ApiErrorView } from "./Lock.js";
import { EmptyState } from "./misc.js";

export function KitTable<T>(props: TableProps<T>): JSX.Element {
  const align = (c: TableColumn<T>) => (c.align === "end" ? { "text-align": "right" as const } : undefined);
  return (
    <div class="table-wrap">
      <table class="table" aria-label={props.label} aria-busy={props.rows === undefined} data-testid={props["data-testid"]}>
        <thead>
          <tr>
            <For each={props.columns}>
              {(c) => (
                <th scope="col" style={align(c)}>
                  {c.headerHidden ? <span class="sr-only">{c.header}</span> : c.header}
                </th>
              )}
            </For>
          </tr>
        </thead>
        <tbody>
          <For
            each={props.rows ?? []}
            fallback={
              <tr>
                <td colSpan={props.columns.length} class="muted">
                  {props.rows === undefined ? "Loading…" : (props.empty ?? "None.")}
                </td>
              </tr>
            }
          >
            {(row) => (
              <tr {...(props.rowAttributes?.(row) ?? {})}>
                <For each={props.columns}>
                  {(c) => (
                    <td class={c.class} style={align(c)}>
                      {c.cell(row)}
                    </td>
                  )}
                </For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

export function KitField(props: FieldProps): JSX.Element {
  const controlId = createUniqueId();
  const errorId = createUniqueId();
  const hintId = createUniqueId();
  const control = children(() => props.children);
  const element = () => control.toArray().find((n): n is HTMLElement => n instanceof HTMLElement);
  // The plugin writes the control; the field ties its label, hint and error to it for screen readers.
  createEffect(() => {
    const el = element();
    if (!el) return;
    if (!el.id) el.id = controlId;
    const described = [props.hint ? hintId : undefined, props.error ? errorId : undefined].filter(Boolean).join(" ");
    if (described) el.setAttribute("aria-describedby", described);
    else el.removeAttribute("aria-describedby");
    if (props.error) el.setAttribute("aria-invalid", "true");
    else el.removeAttribute("aria-invalid");
  });
  return (
    <div class="field">
      <label class="field__label" for={element()?.id || controlId}>
        {props.label}
      </label>
      {control()}
      <Show when={props.hint}>
        <span class="field__hint" id={hintId}>
          {props.hint}
        </span>
      </Show>
      <Show when={props.error}>
        <span class="field__error" id={errorId}>
          {props.error}
        </span>
      </Show>
    </div>
  );
}

export function KitEmptyState(props: EmptyStateProps): JSX.Element {
  return (
    <EmptyState icon={props.icon ?? "box"} title={props.title} action={props.action}>
      {props.children}
    </EmptyState>
  );
}

export function ErrorState(props: ErrorStateProps): JSX.Element {
  const d = () => errorDetails(props.error);
  return (
    <Show when={!isModuleRequired(props.error)} fallback={<ApiErrorView error={props.error} />}>
      <div class="error-state" role="alert">
        <div class="error-state__head">
          <Icon name="alert" />
          <strong>{props.title ?? "Something went wrong"}</strong>
        </div>
        <p class="error-state__msg">{d().message}</p>
        <Show when={d().code || d().requestId}>
          <p class="error-state__meta">
            <Show when={d().code}>
              <span>
                Code <code data-error-code>{d().code}</code>
              </span>
            </Show>
            <Show when={d().requestId}>
              <span>
                Request <code data-request-id>{d().requestId}</code>
              </span>
            </Show>
          </p>
        </Show>
        <Show when={props.retry}>
          {(retry) => (
            <div>
              <button type="button" class="btn btn--ghost btn--sm" onClick={() => retry()()}>
                Try again
              </button>
            </div>
          )}
        </Show>
      </div>
    </Show>
  );
}
