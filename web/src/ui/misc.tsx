import { type JSX, Show } from "solid-js";
import { Icon } from "./Icon.js";

export function PageHeader(props: { title: string; description?: string; actions?: JSX.Element }): JSX.Element {
  return (
    <header class="page-header">
      <div>
        <h1>{props.title}</h1>
        <Show when={props.description}>
          <p class="page-header__desc">{props.description}</p>
        </Show>
      </div>
      <Show when={props.actions}>
        <div class="page-header__actions">{props.actions}</div>
      </Show>
    </header>
  );
}

export function EmptyState(props: { icon: string; title: string; children?: JSX.Element; action?: JSX.Element }): JSX.Element {
  return (
    <div class="empty">
      <div class="empty__icon">
        <Icon name={props.icon} size={22} />
      </div>
      <h2>{props.title}</h2>
      <Show when={props.children}>
        <p class="empty__text">{props.children}</p>
      </Show>
      <Show when={props.action}>
        <div class="empty__action">{props.action}</div>
      </Show>
    </div>
  );
}

export function ProgressBar(props: { value: number; label: string; tone?: "accent" | "danger" }): JSX.Element {
  const pct = () => Math.round(Math.max(0, Math.min(1, props.value)) * 100);
  return (
    <div
      class={`progress ${props.tone === "danger" ? "progress--danger" : ""}`}
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct()}
    >
      <div class="progress__bar" style={{ width: `${pct()}%` }} />
    </div>
  );
}

export type BadgeTone = "neutral" | "success" | "warning" | "danger" | "accent";

export function Badge(props: { tone?: BadgeTone; children: JSX.Element; title?: string }): JSX.Element {
  return (
    <span class={`badge badge--${props.tone ?? "neutral"}`} title={props.title}>
      {props.children}
    </span>
  );
}

export function Spinner(props: { label?: string }): JSX.Element {
  return <span class="spinner" role="status" aria-label={props.label ?? "Loading"} />;
}
