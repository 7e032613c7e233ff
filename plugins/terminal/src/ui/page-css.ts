/** The terminal page's layout, scoped under `.an-terminal` and built on the shell's theme variables. */
export const PAGE_CSS = `
.an-terminal { display: flex; flex-direction: column; gap: 10px; height: calc(100vh - 58px - 86px); min-height: 320px; }
.an-terminal__toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.an-terminal__host { min-width: 260px; height: 32px; }
.an-terminal__search { height: 32px; width: 220px; }
.an-terminal__slot { display: flex; align-items: center; gap: 8px; margin-left: auto; }
.an-terminal__locks { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.an-terminal__locks-toggle { display: none; }
.an-terminal__notice { padding: 14px 16px; }
.an-terminal__banner { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 8px 12px; border: 1px solid var(--an-border-strong);
  border-radius: var(--radius-sm, 8px); background: var(--an-bg-raised); }
.an-terminal__banner--danger { border-color: color-mix(in srgb, var(--an-danger) 55%, transparent);
  background: color-mix(in srgb, var(--an-danger) 10%, var(--an-bg-raised)); }
.an-terminal__banner--danger strong { color: var(--an-danger); }
.an-terminal__banner--info { border-color: color-mix(in srgb, var(--an-warning) 55%, transparent);
  background: color-mix(in srgb, var(--an-warning) 10%, var(--an-bg-raised)); }
.an-terminal__banner strong { white-space: nowrap; }
.an-terminal__banner .muted { flex: 1 1 14rem; min-width: 0; }
.an-terminal__layout { flex: 1; min-height: 0; display: flex; flex-direction: column; }
.an-pane { flex: 1; min-height: 0; min-width: 0; display: flex; flex-direction: column; gap: 6px; }
.an-pane__body { position: relative; flex: 1; min-height: 0; display: flex; }
.an-pane--focused .an-terminal__screen { border-color: var(--an-border-strong); }
.an-pane__rec { position: absolute; z-index: 5; top: 8px; right: 12px; display: inline-flex; align-items: center; gap: 6px; padding: 2px 8px;
  border-radius: 999px; font-size: 11.5px; font-weight: 600; letter-spacing: .04em; color: var(--an-danger);
  background: color-mix(in srgb, var(--an-danger) 14%, var(--an-bg-raised)); pointer-events: none; }
.an-pane__picker { position: absolute; z-index: 5; inset: 50% auto auto 50%; transform: translate(-50%, -50%); display: flex; flex-direction: column;
  gap: 8px; padding: 14px 16px; width: min(320px, calc(100% - 24px)); }
.an-pane__picker select { height: 32px; }
.an-terminal__screen { flex: 1; min-height: 0; min-width: 0; padding: 8px; border: 1px solid var(--an-border); border-radius: var(--radius-sm, 8px);
  background: var(--an-bg-sunken); overflow: hidden; }
.an-terminal__mount { width: 100%; height: 100%; min-height: 0; min-width: 0; }
.an-terminal__screen .xterm { height: 100%; }
/* The rows leave a sliver below the last one: let the screen's background show there, not xterm's black. */
.an-terminal__screen .xterm-viewport, .an-terminal__screen .xterm-scrollable-element { background-color: transparent !important; }
.an-terminal__status { display: flex; align-items: center; gap: 14px; font-size: 12.5px; color: var(--an-text-muted); min-width: 0; white-space: nowrap; }
.an-pane__where { overflow: hidden; text-overflow: ellipsis; }
.an-terminal__spacer { flex: 1; }
@media (max-width: 640px) {
  .an-terminal__host { min-width: 0; flex: 1 1 100%; }
  .an-terminal__slot { margin-left: 0; }
  .an-terminal__locks-toggle { display: inline-flex; }
  .an-terminal__locks { display: none; flex-basis: 100%; }
  .an-terminal__locks--open { display: flex; }
  .an-terminal__status { gap: 10px; }
  .an-pane__renderer { display: none; }
}
`;
