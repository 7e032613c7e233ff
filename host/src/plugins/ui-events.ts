/** One event for the web app's Server-Sent Events stream. */
export interface UiEvent {
  event: "manifest" | "install" | "license";
  data: Record<string, unknown>;
}

/** Fans UI events out to every open `/api/ui/events` stream. */
export class UiEvents {
  private readonly subscribers = new Set<(e: UiEvent) => void>();

  subscribe(listener: (e: UiEvent) => void): () => void {
    this.subscribers.add(listener);
    return () => this.subscribers.delete(listener);
  }

  publish(e: UiEvent): void {
    for (const s of this.subscribers) s(e);
  }
}
