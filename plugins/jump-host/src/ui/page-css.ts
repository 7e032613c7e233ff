/** The Jump hosts page, scoped under `.an-jump` and built on the shell's theme variables. */
export const PAGE_CSS = `
.an-jump__chain { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; }
.an-jump__hop { padding: 1px 8px; border: 1px solid var(--an-border); border-radius: 999px; background: var(--an-bg-sunken); white-space: nowrap; }
.an-jump__hop--target { border-color: color-mix(in srgb, var(--an-accent) 55%, transparent); }
.an-jump__arrow { color: var(--an-text-muted); }
.an-jump__via { width: 190px; max-width: 100%; }
.an-jump__checks { display: grid; gap: 8px; margin: 0; padding: 0; list-style: none; }
.an-jump__check { display: grid; grid-template-columns: 22px minmax(0, 1fr) auto; gap: 8px; align-items: start; }
.an-jump__check--ok .an-jump__mark { color: var(--an-success, #3fb950); }
.an-jump__check--failed .an-jump__mark { color: var(--an-danger); }
.an-jump__check--not-tried { color: var(--an-text-muted); }
.an-jump__why { overflow-wrap: anywhere; }
.an-jump__import textarea { width: 100%; min-height: 140px; font-family: var(--an-font-mono, monospace); }
.an-jump__nowrap { white-space: nowrap; }
.an-jump__actions { display: flex; gap: 6px; justify-content: flex-end; flex-wrap: wrap; }
`;
