/**
 * Replays an asciicast v2 recording into an xterm.js terminal: play and pause, seek anywhere (the screen
 * is rebuilt from the start, as asciinema's own player does, since a terminal's state cannot be unwound),
 * and a speed from 0.5x to 4x. Pauses longer than {@link IDLE_LIMIT_S} play as that long (asciinema's
 * `idle_time_limit`), so a session left open over lunch replays in seconds.
 */
import type { Terminal } from "@xterm/xterm";
import type { ParsedAsciicast } from "../../asciicast/index.js";

export const SPEEDS = [0.5, 1, 1.5, 2, 4] as const;
/** The longest pause the player keeps, in seconds. */
export const IDLE_LIMIT_S = 2;

/** Each event's time on the player's clock: gaps over `limit` seconds shortened to it. */
export function playbackTimes(events: ParsedAsciicast["events"], limit = IDLE_LIMIT_S): number[] {
  const out: number[] = [];
  let last = 0;
  let at = 0;
  for (const [time] of events) {
    at += Math.min(time - last, limit);
    last = time;
    out.push(at);
  }
  return out;
}

export class CastPlayer {
  /** Seconds: the time of the last event. */
  readonly duration: number;
  private readonly events: ParsedAsciicast["events"];
  private readonly times: number[];
  private next = 0;
  private position = 0;
  private rate = 1;
  private anchorWall = 0;
  private anchorPosition = 0;
  private frame: number | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly term: Terminal,
    private readonly cast: ParsedAsciicast,
  ) {
    this.events = cast.events;
    this.times = playbackTimes(cast.events);
    this.duration = this.times.at(-1) ?? 0;
    this.term.resize(cast.header.width, cast.header.height);
  }

  get time(): number {
    return this.position;
  }

  get playing(): boolean {
    return this.frame !== undefined;
  }

  get speed(): number {
    return this.rate;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  play(): void {
    if (this.playing) return;
    if (this.position >= this.duration) this.seek(0);
    this.anchorWall = performance.now();
    this.anchorPosition = this.position;
    this.frame = requestAnimationFrame(this.tick);
    this.changed();
  }

  pause(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    this.changed();
  }

  setSpeed(speed: number): void {
    // Re-anchored so the position does not jump when the speed changes mid-play.
    this.anchorPosition = this.position;
    this.anchorWall = performance.now();
    this.rate = Math.min(4, Math.max(0.5, speed));
    this.changed();
  }

  /** Shows the screen as it was at `seconds`. */
  seek(seconds: number): void {
    const target = Math.min(this.duration, Math.max(0, seconds));
    if (target < this.position || (target === 0 && this.next > 0)) {
      this.term.reset();
      this.term.resize(this.cast.header.width, this.cast.header.height);
      this.next = 0;
    }
    this.advance(target);
    this.anchorPosition = target;
    this.anchorWall = performance.now();
    this.changed();
  }

  dispose(): void {
    this.pause();
    this.listeners.clear();
  }

  private readonly tick = (now: number): void => {
    const at = this.anchorPosition + ((now - this.anchorWall) / 1000) * this.rate;
    this.advance(Math.min(at, this.duration));
    if (this.position >= this.duration) {
      this.frame = undefined;
      this.changed();
      return;
    }
    this.frame = requestAnimationFrame(this.tick);
    this.changed();
  };

  /** Writes every event up to `seconds`, output joined into one write. */
  private advance(seconds: number): void {
    let out = "";
    while (this.next < this.events.length) {
      const [, code, data] = this.events[this.next] as ParsedAsciicast["events"][number];
      if ((this.times[this.next] as number) > seconds) break;
      if (code === "o") out += data;
      else if (code === "r") {
        const [cols, rows] = data.split("x").map(Number);
        if (out) this.term.write(out);
        out = "";
        if (cols && rows) this.term.resize(cols, rows);
      }
      this.next++;
    }
    if (out) this.term.write(out);
    this.position = seconds;
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}
