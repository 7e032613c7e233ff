import { pluginApi, type SlotProps } from "@archnest/sdk/web";
import { createResource, Show } from "solid-js";
import type { Hello } from "./server.js";

const api = pluginApi("my-plugin");

function Greeting() {
  const [hello] = createResource(() => api<Hello>("/hello"));
  return (
    <Show when={hello()} fallback={<p>Loading…</p>}>
      {(h) => (
        <p data-testid="my-plugin-greeting">
          {h().message} (visit {h().visits})
        </p>
      )}
    </Show>
  );
}

/** The plugin's own page, under /my-plugin in the shell's navigation. */
export function MyPluginPage() {
  return (
    <section>
      <h1>My plugin</h1>
      <Greeting />
    </section>
  );
}

/** The widget on the Glance dashboard. */
export function MyPluginWidget(_props: SlotProps) {
  return <Greeting />;
}
