/** The terminal page's layout, scoped under `.an-terminal` and built on the shell's theme variables. */
export const PAGE_CSS = `
.an-terminal { display: flex; flex-direction: column; gap: 10px; height: calc(100vh - 58px - 86px); min-height: 320px; }
.an-terminal__toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.an-terminal__host { min-width: 260px; height: 32px; }
.an-terminal__search { height: 32px; width: 220px; }
.an-terminal__slot { display: flex; align-items: center; gap: 8px; margin-left: auto; }
.an-terminal__notice { padding: 14px 16px; }
.an-terminal__banner { display: flex; align-items: center; gap: 12px; padding: 10px 14px; border: 1px solid var(--an-border-strong);
  border-radius: var(--radius-sm, 8px); background: var(--an-bg-raised); }
.an-terminal__banner--danger { border-color: color-mix(in srgb, var(--an-danger) 55%, transparent);
  background: color-mix(in srgb, var(--an-danger) 10%, var(--an-bg-raised)); }
.an-terminal__banner strong { color: var(--an-danger); white-space: nowrap; }
.an-terminal__pane { display: flex; flex-direction: column; gap: 8px; flex: 1; min-height: 0; min-width: 0; }
.an-terminal__pane--focused .an-terminal__screen { border-color: var(--an-border-strong); }
.an-terminal__locks { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.an-terminal__locks:empty { display: none; }
.an-terminal__viewonly { color: var(--an-warning) !important; }
.an-terminal__screen { flex: 1; min-height: 0; padding: 8px; border: 1px solid var(--an-border); border-radius: var(--radius-sm, 8px);
  background: var(--an-bg-sunken); overflow: hidden; }
.an-terminal__screen .xterm { height: 100%; }
/* The rows leave a sliver below the last one: let the screen's background show there, not xterm's black. */
.an-terminal__screen .xterm-viewport, .an-terminal__screen .xterm-scrollable-element { background-color: transparent !important; }
.an-terminal__status { display: flex; align-items: center; gap: 14px; font-size: 12.5px; color: var(--an-text-muted); }
.an-terminal__spacer { flex: 1; }
@media (max-width: 600px) {
  .an-terminal__host { min-width: 0; flex: 1 1 100%; }
  .an-terminal__slot { margin-left: 0; }
  .an-terminal__where { display: none; }
}
`;
