import { defineErrors } from "@archnest/sdk/plugin";

/** The Host-to-Host Transfer plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const TransferErrors = defineErrors("TRANSFER_ERR", {
  VALIDATION: { status: 400, message: "The transfer request is not valid.", hint: "Fix the field named in the message and send it again." },
  HOST_NOT_FOUND: { status: 404, message: "No SSH host has this id.", hint: "Reload the page; the host may have been removed." },
  JOB_NOT_FOUND: { status: 404, message: "No transfer has this id.", hint: "Reload the list; it may have been removed." },
  SOURCE_NOT_FOUND: {
    status: 404,
    message: "A file or folder to transfer does not exist on the source host.",
    hint: "Browse the source again and pick what is there.",
  },
  TARGET_NOT_FOLDER: {
    status: 409,
    message: "The destination is not a folder on the destination host.",
    hint: "Pick an existing folder on the destination host.",
  },
  INTO_ITSELF: {
    status: 409,
    message: "A folder cannot be copied or moved into itself.",
    hint: "Pick a destination outside the folder being transferred.",
  },
  TOO_MANY_FILES: {
    status: 413,
    message: "The selection holds more files and folders than one transfer takes (100000).",
    hint: "Transfer the folders in several parts.",
  },
  STATE: {
    status: 409,
    message: "The transfer is not in a state that allows this (for example resuming a finished one).",
    hint: "Reload the list to see the transfer's state.",
  },
  NO_CONFLICT: { status: 409, message: "The transfer is not waiting for a conflict to be settled.", hint: "Reload the list to see the transfer's state." },
  SOURCE_CHANGED: {
    status: 409,
    message: "A file changed on the source host while it was being copied.",
    hint: "Resume the transfer once nothing writes to the file; it is copied again from its start.",
  },
  VERIFY_FAILED: {
    status: 500,
    message: "A copied file's size on the destination differs from the source's, so the source was kept.",
    hint: "Resume the transfer to copy that file again.",
  },
  INTERRUPTED: {
    status: 503,
    message: "The transfer stopped before it finished: a connection dropped, ArchNest restarted, or the license lapsed.",
    hint: "Press Resume: each file continues from what already reached the destination.",
  },
  INTERNAL: { status: 500, message: "The transfer plugin failed to answer.", hint: "See the host log under the request id." },
});

export type TransferErrorCode = keyof typeof TransferErrors.table;
