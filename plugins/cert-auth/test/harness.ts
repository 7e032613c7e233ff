/**
 * Certificate Auth as a person meets it: the real host on a loopback port (the web app when asked), this
 * plugin built, packed, signed and installed, and a real sshd registered as an SSH host.
 */
import { type FolderPluginHost, pluginHarness } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export type PluginHost = FolderPluginHost;

export const { startPluginHost, shot } = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));
