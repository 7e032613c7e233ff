import { definePlugin } from "@archnest/sdk/plugin";
import { TERMINAL_SESSIONS_SERVICE, type TerminalSessionsService } from "@archnest/terminal/service";
import { createRecordingsApi } from "./api/index.js";
import { Recordings } from "./recordings/index.js";

/** Retention runs after each recording and on this timer, so age limits apply on an idle host too. */
const RETENTION_EVERY_MS = 60 * 60 * 1000;

/** Session Recording: terminal sessions to asciicast v2 files, listed, replayed, downloaded, kept by age and size. */
export default definePlugin({
  async setup(ctx) {
    const sessions = () => ctx.services.consume<TerminalSessionsService>(TERMINAL_SESSIONS_SERVICE);
    const recordings = new Recordings(ctx, sessions);
    await recordings.start();
    ctx.routes.mount(createRecordingsApi(ctx, recordings, () => sessions() !== undefined));

    ctx.settings.onChange((values) => recordings.configure(values));
    // A lapsed license stops what is being recorded (files kept, read-only); nothing new starts until it returns.
    ctx.events.on("license.changed", () => {
      if (!recordings.licensed()) void recordings.stopAll();
    });
    // The terminal restarted (an upgrade): its new session service needs the observer again.
    ctx.events.on("plugin.state", (payload) => {
      if (typeof payload === "object" && payload !== null && !Array.isArray(payload) && payload.id === "terminal" && payload.state === "active")
        recordings.watch();
    });
    const timer = setInterval(() => void recordings.applyRetention(), RETENTION_EVERY_MS);
    timer.unref();
    ctx.onDispose(() => {
      clearInterval(timer);
      return recordings.dispose();
    });
    void recordings.applyRetention();
  },
});

export type { RecordingStatus } from "./api/index.js";
export type { Recording } from "./store/index.js";
