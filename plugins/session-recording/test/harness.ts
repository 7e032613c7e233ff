/**
 * Session Recording as a person meets it: the real host on a loopback port with the web app, the plugin
 * (and the terminal it depends on) built, packed, signed and installed through the plugin API, and a
 * real sshd registered as an SSH host (the host's shared plugin harness).
 */
import { type FolderPluginHost, pluginHarness } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export type PluginHost = FolderPluginHost;

export const { startPluginHost, shot } = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));
