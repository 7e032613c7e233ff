import { pluginApi } from "@archnest/sdk/web";
import type { ChainCheck, ChainRow, ChainsBody, HopCheck, ImportBody } from "../server.js";

export type { ChainCheck, ChainRow, ChainsBody, HopCheck, ImportBody };

export const PLUGIN_ID = "jump-host";
export const api = pluginApi(PLUGIN_ID);

/** A chain as people read it: `A → B → T`. */
export const chainText = (row: Pick<ChainRow, "hops" | "name">) => [...row.hops.map((h) => h.name), row.name].join(" → ");
