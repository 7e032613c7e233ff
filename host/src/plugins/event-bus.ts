import type { Json } from "@archnest/sdk/plugin";

type Listener = (payload: Json) => void;

/** The host's typed event bus. Listener errors are reported, never propagated to the emitter. */
export class EventBus {
  private readonly listeners = new Map<string, Set<Listener>>();
  constructor(private readonly onListenerError: (type: string, err: unknown) => void) {}

  on(type: string, listener: Listener): () => void {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(type: string, payload: Json): void {
    for (const l of [...(this.listeners.get(type) ?? [])]) {
      try {
        l(payload);
      } catch (err) {
        this.onListenerError(type, err);
      }
    }
  }
}
