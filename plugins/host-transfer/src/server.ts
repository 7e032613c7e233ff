import { definePlugin } from "@archnest/sdk/plugin";
import { createTransferApi } from "./api/index.js";
import { Transfers } from "./jobs/index.js";

/** Host-to-Host Transfer: copy or move files and folders between two SSH hosts, streamed through ArchNest. */
export default definePlugin({
  async setup(ctx) {
    const transfers = new Transfers(ctx);
    await transfers.start();
    ctx.routes.mount(createTransferApi(ctx, transfers));
    // A lapsed license stops what is copying (the jobs stay, resumable); queued jobs wait for its return.
    ctx.events.on("license.changed", () => {
      if (transfers.licensed()) transfers.pump();
      else void transfers.stopAll("license");
    });
    ctx.onDispose(() => transfers.dispose());
  },
});

export type { BrowseEntry, TransferStatus } from "./api/index.js";
export type { ConflictAction, ConflictPolicy, JobState, TransferJobView } from "./jobs/index.js";
