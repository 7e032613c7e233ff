import { definePlugin } from "@archnest/sdk/plugin";
import { filesApp } from "./routes/index.js";
import { SftpPool } from "./sftp-pool/index.js";

export type { FileRow, Listing } from "./routes/index.js";

export default definePlugin({
  setup(ctx) {
    const pool = new SftpPool(ctx.ssh);
    ctx.onDispose(() => pool.close());
    ctx.routes.mount(filesApp({ ssh: ctx.ssh, pool }));
  },
});
