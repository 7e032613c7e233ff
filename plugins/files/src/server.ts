import { definePlugin } from "@archnest/sdk/plugin";
import { filesApp } from "./routes/index.js";
import { SftpPool } from "./sftp-pool/index.js";
import { TEXT_MAX_BYTES } from "./text/index.js";

export type { FileRow, Listing } from "./routes/index.js";

export default definePlugin({
  setup(ctx) {
    const pool = new SftpPool(ctx.ssh);
    ctx.onDispose(() => pool.close());
    ctx.routes.mount(filesApp({ ssh: ctx.ssh, pool }), {
      bodyLimits: {
        // An upload streams straight into a file on the SSH host, never buffered here: any file size goes.
        "PUT /upload": Number.POSITIVE_INFINITY,
        // The editor's text as JSON: escaping can make each byte of text up to six bytes of JSON.
        "PUT /text": 6 * TEXT_MAX_BYTES + 64 * 1024,
      },
    });
  },
});
