import { type JSX, Match, Switch } from "solid-js";
import type { HostStatus } from "../status/index.js";

const DOT = { display: "inline-block", "vertical-align": "middle", "margin-right": "6px" } as const;

type Of<S extends HostStatus["state"]> = Extract<HostStatus, { state: S }>;

/** Up, down, unknown or checking, as a dot and a word; why a host is down shows in the tooltip, or below with `detail`. */
export function StatusBadge(props: { status: HostStatus | undefined; detail?: boolean }): JSX.Element {
  const when = <S extends HostStatus["state"]>(state: S) => (props.status?.state === state ? (props.status as Of<S>) : undefined);
  return (
    <span data-testid="host-status" data-state={props.status?.state ?? "checking"}>
      <Switch
        fallback={
          <span class="muted">
            <span class="dot dot--muted" style={DOT} />
            checking…
          </span>
        }
      >
        <Match when={when("up")}>
          {(s) => (
            <span>
              <span class="dot dot--success" style={DOT} />
              Up
              {props.detail && s().latencyMs !== null ? <span class="muted small"> · {Math.round(s().latencyMs ?? 0)} ms</span> : null}
            </span>
          )}
        </Match>
        <Match when={when("down")?.code === "HOST_ERR_HOST_KEY_UNTRUSTED" ? when("down") : undefined}>
          {(s) => (
            <span title={s().reason}>
              <span class="dot dot--warning" style={DOT} />
              Key not trusted
              {props.detail ? <div class="cell-sub">An admin trusts its key in Settings → Integrations.</div> : null}
            </span>
          )}
        </Match>
        <Match when={when("down")}>
          {(s) => (
            <span title={s().reason}>
              <span class="dot dot--danger" style={DOT} />
              Down
              {props.detail ? <div class="cell-error">{s().reason}</div> : null}
            </span>
          )}
        </Match>
        <Match when={when("unknown")}>
          {(s) => (
            <span class="muted" title={s().reason}>
              <span class="dot dot--muted" style={DOT} />
              Unknown
            </span>
          )}
        </Match>
      </Switch>
    </span>
  );
}
