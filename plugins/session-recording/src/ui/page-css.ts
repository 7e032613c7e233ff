/** The recordings page and player, scoped under `.an-rec` and built on the shell's theme variables. */
export const PAGE_CSS = `
.an-rec-player { display: grid; gap: 10px; }
.an-rec-player__screen { padding: 8px; border: 1px solid var(--an-border); border-radius: var(--radius-sm, 8px);
  background: var(--an-bg-sunken); overflow-x: auto; }
.an-rec-player__screen .xterm-viewport, .an-rec-player__screen .xterm-scrollable-element { background-color: transparent !important; }
.an-rec-player__controls { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; }
.an-rec-player__scrubber { flex: 1 1 160px; min-width: 120px; accent-color: var(--an-accent); }
.an-rec-player__time { white-space: nowrap; }
.an-rec__actions { display: flex; gap: 6px; justify-content: flex-end; flex-wrap: wrap; }
.an-rec__hosts { display: grid; gap: 6px; max-height: 180px; overflow: auto; }
.an-rec__record--on { color: var(--an-danger); border-color: color-mix(in srgb, var(--an-danger) 55%, transparent); }
.an-rec__dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; background: var(--an-danger); margin-right: 6px; }
`;
