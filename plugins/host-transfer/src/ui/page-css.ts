/** The transfer page, scoped under `.an-xfer` and built on the shell's theme variables. */
export const PAGE_CSS = `
.an-xfer__sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
.an-xfer__side { padding: 16px; display: grid; gap: 10px; align-content: start; min-width: 0; }
.an-xfer__side-head { display: flex; gap: 10px; flex-wrap: wrap; }
.an-xfer__path { display: flex; align-items: center; gap: 8px; min-width: 0; }
.an-xfer__path-input { flex: 1 1 auto; min-width: 0; font-size: 13px; }
.an-xfer__list { list-style: none; margin: 0; padding: 0; max-height: 300px; overflow: auto; border: 1px solid var(--an-border);
  border-radius: var(--radius-sm, 8px); background: var(--an-bg-sunken); }
.an-xfer__row { display: flex; align-items: center; gap: 10px; padding: 6px 10px; min-height: 34px; border-bottom: 1px solid var(--an-border); }
.an-xfer__row:last-child { border-bottom: 0; }
.an-xfer__name { flex: 1 1 auto; min-width: 0; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.an-xfer__dir { text-align: left; padding: 0; height: auto; border: 0; background: none; font: inherit; color: var(--an-accent); cursor: pointer; }
.an-xfer__size { flex: none; }
.an-xfer__go { padding: 16px; display: flex; flex-wrap: wrap; align-items: end; gap: 14px; }
.an-xfer__go > .small { flex: 1 1 200px; min-width: 0; overflow-wrap: anywhere; }
.an-xfer__policy { flex: 0 1 220px; }
.an-xfer__actions { display: flex; gap: 6px; flex-wrap: wrap; justify-content: flex-end; }
.an-xfer__jobs { list-style: none; margin: 0; padding: 0; display: grid; gap: 0; }
.an-xfer__job { display: grid; gap: 8px; padding: 14px 0; border-bottom: 1px solid var(--an-border); min-width: 0; }
.an-xfer__job:last-child { border-bottom: 0; }
.an-xfer__job-head { display: flex; justify-content: space-between; align-items: start; gap: 10px; }
.an-xfer__job-title, .an-xfer__job-route, .an-xfer__current { overflow-wrap: anywhere; }
.an-xfer__current { font-family: var(--an-font-mono, monospace); }
.an-xfer__wrap { overflow-wrap: anywhere; color: var(--an-text); }
.an-xfer__all { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; }
.an-xfer__conflicts { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
.an-xfer__conflict { display: grid; gap: 8px; min-width: 0;
  padding: 8px 10px; border: 1px solid var(--an-border); border-radius: var(--radius-sm, 8px); }
`;
