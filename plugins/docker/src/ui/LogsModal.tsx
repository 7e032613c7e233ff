import { Dialog } from "@archnest/sdk/web";
import { createEffect, createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import type { ContainerView } from "./api.js";

interface Line {
  stream: string;
  text: string;
  time?: string;
}

const KEEP = 5000;

/** A container's logs: the last lines, then new ones as they come while "Follow" is on. */
export function LogsModal(props: { sourceId: string; container: ContainerView | undefined; onClose: () => void }): JSX.Element {
  const [lines, setLines] = createSignal<Line[]>([]);
  const [follow, setFollow] = createSignal(true);
  const [tail, setTail] = createSignal("200");
  const [error, setError] = createSignal<string>();
  const [live, setLive] = createSignal(false);
  let box: HTMLPreElement | undefined;

  createEffect(() => {
    const c = props.container;
    if (!c) return;
    const controller = new AbortController();
    const qs = new URLSearchParams({ tail: tail(), follow: follow() ? "1" : "0" });
    setLines([]);
    setError(undefined);
    void (async () => {
      try {
        const res = await fetch(`/api/plugins/docker/sources/${props.sourceId}/containers/${c.id}/logs?${qs}`, {
          signal: controller.signal,
          credentials: "same-origin",
          headers: { accept: "application/x-ndjson" },
        });
        if (!res.ok || !res.body) {
          const body = (await res.json().catch(() => ({}))) as { error?: string; message?: string };
          setError(`${body.message ?? `HTTP ${res.status}`}${body.error ? ` (${body.error})` : ""}`);
          return;
        }
        setLive(true);
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffered = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffered += decoder.decode(value, { stream: true });
          const parts = buffered.split("\n");
          buffered = parts.pop() ?? "";
          const parsed: Line[] = [];
          for (const p of parts) {
            if (!p) continue;
            const obj = JSON.parse(p) as Line & { error?: string; message?: string };
            if (obj.error) setError(`${obj.message} (${obj.error})`);
            else parsed.push(obj);
          }
          if (parsed.length > 0) {
            const stick = box ? box.scrollTop + box.clientHeight >= box.scrollHeight - 24 : true;
            setLines((old) => [...old, ...parsed].slice(-KEEP));
            if (stick && box) box.scrollTop = box.scrollHeight;
          }
        }
      } catch (err) {
        if (!controller.signal.aborted) setError((err as Error).message);
      } finally {
        setLive(false);
      }
    })();
    onCleanup(() => controller.abort());
  });

  return (
    <Dialog open={props.container !== undefined} title={`Logs · ${props.container?.name ?? ""}`} onClose={props.onClose} width="lg">
      <div style={{ display: "flex", gap: "14px", "align-items": "center", "margin-bottom": "10px", "flex-wrap": "wrap" }}>
        <label class="check">
          <input type="checkbox" checked={follow()} onChange={(e) => setFollow(e.currentTarget.checked)} /> Follow
        </label>
        <label style={{ display: "flex", gap: "6px", "align-items": "center" }}>
          Last
          <select aria-label="Lines to show" value={tail()} onChange={(e) => setTail(e.currentTarget.value)}>
            <option value="100">100 lines</option>
            <option value="200">200 lines</option>
            <option value="1000">1000 lines</option>
            <option value="all">all</option>
          </select>
        </label>
        <span class="muted small" data-testid="logs-state">
          {live() ? (follow() ? "Following…" : "Loading…") : `${lines().length} lines`}
        </span>
      </div>
      <Show when={error()}>
        <p role="alert" style={{ color: "var(--an-danger)" }}>
          {error()}
        </p>
      </Show>
      <pre
        ref={box}
        data-testid="logs"
        class="mono"
        style={{
          height: "55vh",
          overflow: "auto",
          margin: "0",
          padding: "10px 12px",
          background: "var(--an-bg-sunken)",
          border: "1px solid var(--an-border)",
          "border-radius": "8px",
          "font-size": "12.5px",
          "line-height": "1.45",
          "white-space": "pre-wrap",
          "word-break": "break-all",
        }}
      >
        <For each={lines()}>
          {(l) => (
            <div style={{ color: l.stream === "stderr" ? "var(--an-warning)" : "var(--an-text)" }}>
              <Show when={l.time}>
                <span class="muted">{l.time} </span>
              </Show>
              {l.text}
            </div>
          )}
        </For>
      </pre>
    </Dialog>
  );
}
