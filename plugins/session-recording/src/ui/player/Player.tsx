import { apiFetch, ErrorState } from "@archnest/sdk/web";
import { Terminal } from "@xterm/xterm";
import xtermCss from "@xterm/xterm/css/xterm.css?inline";
import { createResource, createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import { type ParsedAsciicast, parseAsciicast } from "../../asciicast/index.js";
import { castUrl, type Recording } from "../api.js";
import { CastPlayer, IDLE_LIMIT_S, playbackTimes, SPEEDS } from "./cast-player.js";

const STYLE_ID = "archnest-xterm-css";

/** What the browser tests read through `window.__archnestPlayer`. */
export interface PlayerTestHook {
  lines(): string[];
  time(): number;
  duration(): number;
  playing(): boolean;
  speed(): number;
}

declare global {
  interface Window {
    __archnestPlayer?: PlayerTestHook | undefined;
  }
}

function injectXtermCss(): void {
  if (document.getElementById(STYLE_ID)) return;
  const style = document.createElement("style");
  style.id = STYLE_ID;
  style.textContent = xtermCss;
  document.head.append(style);
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** A font size at which the recording's columns fit the player's width, between 7 and 14 px. */
function fontSizeFor(width: number, cols: number): number {
  return Math.max(7, Math.min(14, Math.floor(width / (cols * 0.62))));
}

/** "1:05": a player's clock, minutes and seconds. */
function clock(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

/** Replays one recording in the browser: play/pause, a scrubber to seek, and the speed. */
export function Player(props: { recording: Recording }): JSX.Element {
  const [cast] = createResource(
    () => props.recording.id,
    async () => {
      const res = await fetch(castUrl(props.recording), { credentials: "same-origin" });
      if (!res.ok) await apiFetch(castUrl(props.recording));
      return parseAsciicast(await res.text());
    },
  );
  return (
    <Show when={!cast.error} fallback={<ErrorState title="Could not load the recording" error={cast.error} />}>
      <Show when={cast()} fallback={<p class="muted small">Loading the recording…</p>}>
        {(c) => <PlayerView cast={c()} />}
      </Show>
    </Show>
  );
}

function PlayerView(props: { cast: ParsedAsciicast }): JSX.Element {
  const [time, setTime] = createSignal(0);
  const [playing, setPlaying] = createSignal(false);
  const [speed, setSpeed] = createSignal(1);
  let player: CastPlayer | undefined;
  let term: Terminal | undefined;

  const mount = (el: HTMLDivElement) => {
    injectXtermCss();
    queueMicrotask(() => {
      term = new Terminal({
        cols: props.cast.header.width,
        rows: props.cast.header.height,
        disableStdin: true,
        cursorBlink: false,
        scrollback: 5000,
        fontFamily: '"JetBrains Mono", "Fira Code", "DejaVu Sans Mono", Menlo, Consolas, monospace',
        fontSize: fontSizeFor(el.clientWidth || 640, props.cast.header.width),
        theme: { background: cssVar("--an-bg-sunken", "#0a0c11"), foreground: cssVar("--an-text", "#e7e9f0") },
      });
      term.open(el);
      player = new CastPlayer(term, props.cast);
      player.onChange(() => {
        setTime(player?.time ?? 0);
        setPlaying(player?.playing ?? false);
        setSpeed(player?.speed ?? 1);
      });
      window.__archnestPlayer = {
        lines: () => {
          const buf = term?.buffer.active;
          if (!buf) return [];
          return Array.from({ length: buf.length }, (_, i) => buf.getLine(i)?.translateToString(true) ?? "");
        },
        time: () => player?.time ?? 0,
        duration: () => player?.duration ?? 0,
        playing: () => player?.playing ?? false,
        speed: () => player?.speed ?? 1,
      };
      player.play();
    });
  };

  onCleanup(() => {
    player?.dispose();
    term?.dispose();
    window.__archnestPlayer = undefined;
  });

  const duration = () => playbackTimes(props.cast.events).at(-1) ?? 0;

  return (
    <div class="an-rec-player" data-testid="player">
      <div class="an-rec-player__screen" ref={mount} data-testid="player-screen" />
      <div class="an-rec-player__controls">
        <button
          type="button"
          class="btn btn--sm"
          data-testid="player-toggle"
          aria-label={playing() ? "Pause" : "Play"}
          onClick={() => (playing() ? player?.pause() : player?.play())}
        >
          {playing() ? "Pause" : "Play"}
        </button>
        <input
          type="range"
          class="an-rec-player__scrubber"
          aria-label="Position"
          data-testid="player-scrubber"
          min="0"
          max={duration()}
          step="any"
          value={time()}
          onInput={(e) => player?.seek(Number(e.currentTarget.value))}
        />
        <span class="mono small muted an-rec-player__time" data-testid="player-time" title={`Pauses longer than ${IDLE_LIMIT_S} s are shortened`}>
          {clock(time())} / {clock(duration())}
        </span>
        <label class="row row--tight small muted">
          <span>Speed</span>
          <select aria-label="Speed" data-testid="player-speed" value={String(speed())} onChange={(e) => player?.setSpeed(Number(e.currentTarget.value))}>
            <For each={SPEEDS}>{(s) => <option value={String(s)}>{s}x</option>}</For>
          </select>
        </label>
      </div>
    </div>
  );
}
