/** The layout's styles, scoped under `.mp` and built on the shell's theme variables. */
export const LAYOUT_CSS = `
.mp { flex: 1; min-height: 0; display: flex; flex-direction: column; gap: 8px; }
.mp-bar { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.mp-tabs { display: flex; align-items: center; gap: 4px; flex: 1 1 auto; min-width: 0; overflow-x: auto; }
.mp-tab { display: inline-flex; align-items: center; border: 1px solid var(--an-border); border-radius: var(--radius-sm, 8px);
  background: var(--an-bg-raised); flex: 0 0 auto; }
.mp-tab--active { border-color: var(--an-accent); background: color-mix(in srgb, var(--an-accent) 12%, var(--an-bg-raised)); }
.mp-tab__label { display: inline-flex; align-items: center; gap: 6px; height: 30px; padding: 0 4px 0 10px; border: 0; background: none;
  color: var(--an-text); font: inherit; font-size: 13px; cursor: pointer; max-width: 180px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.mp-tab__count { font-size: 11px; padding: 0 6px; border-radius: 999px; background: var(--an-bg-sunken); color: var(--an-text-muted); }
.mp-tab__rename { height: 28px; width: 140px; margin: 0 4px; }
.mp-tab__close, .mp-cell__close { border: 0; background: none; color: var(--an-text-muted); cursor: pointer; font-size: 16px; line-height: 1;
  padding: 0 8px; height: 30px; }
.mp-tab__close:hover, .mp-cell__close:hover { color: var(--an-danger); }
.mp-actions, .mp-switcher { border: 0; margin: 0; padding: 0; min-width: 0; }
.mp-actions { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.mp-help { position: relative; }
.mp-help__pop { position: absolute; right: 0; top: calc(100% + 6px); z-index: 20; padding: 10px 12px; width: max-content; max-width: min(360px, 90vw); }
.mp-help__table { border-collapse: collapse; font-size: 12.5px; }
.mp-help__table td { padding: 3px 8px; vertical-align: top; }
.mp-help__table kbd { font-family: var(--an-font-mono, monospace); white-space: nowrap; }
.mp-broadcast { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 8px 12px; border-radius: var(--radius-sm, 8px);
  border: 2px solid var(--an-warning); background: color-mix(in srgb, var(--an-warning) 16%, var(--an-bg-raised)); }
.mp-broadcast strong { color: var(--an-warning); }
.mp-tabpanel { flex: 1; min-height: 0; display: flex; flex-direction: column; gap: 6px; }
.mp-tabpanel[hidden] { display: none; }
.mp-grid { flex: 1; min-height: 0; display: grid; gap: 0; }
.mp-cell { min-width: 0; min-height: 0; display: flex; flex-direction: column; padding: 3px; border-radius: var(--radius-sm, 8px);
  border: 2px solid transparent; }
.mp-cell--focused { border-color: color-mix(in srgb, var(--an-accent) 60%, transparent); }
.mp-cell--broadcast { border-color: var(--an-warning); background: color-mix(in srgb, var(--an-warning) 8%, transparent); }
.mp-cell--hidden { display: none; }
.mp-cell__head { display: flex; align-items: center; gap: 8px; min-height: 26px; font-size: 12.5px; color: var(--an-text-muted); }
.mp-cell__title { flex: 1; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.mp-cell__target { display: inline-flex; align-items: center; gap: 4px; color: var(--an-warning); font-weight: 600; }
.mp-cell__close { height: 24px; }
.mp-splitter { background: transparent; position: relative; touch-action: none; outline: none; }
.mp-splitter::after { content: ""; position: absolute; background: var(--an-border); border-radius: 2px; }
.mp-splitter--x { cursor: col-resize; }
.mp-splitter--x::after { left: 2px; width: 2px; top: 8px; bottom: 8px; }
.mp-splitter--y { cursor: row-resize; }
.mp-splitter--y::after { top: 2px; height: 2px; left: 8px; right: 8px; }
.mp-splitter:hover::after, .mp-splitter:focus-visible::after { background: var(--an-accent); }
.mp-switcher { display: flex; gap: 6px; overflow-x: auto; }
.mp--narrow .mp-grid { display: flex; }
.mp--narrow .mp-cell { flex: 1; }
.mp-note { padding: 0 4px; }
`;
