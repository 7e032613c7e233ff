import { defineErrors } from "@archnest/sdk/plugin";

/** The Multi-Pane Terminal plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const MultiPaneErrors = defineErrors("MULTIPANE_ERR", {
  LAYOUT_INVALID: {
    status: 400,
    message: "The layout is not one this version can keep: a field is missing, too long, or out of range.",
    hint: "Send the layout as GET /layout returns it (at most 12 tabs, 1 to 4 panes each).",
  },
});

export type MultiPaneErrorCode = keyof typeof MultiPaneErrors.table;
