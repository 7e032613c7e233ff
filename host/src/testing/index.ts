export { CHROMIUM, CHROMIUM_ARGS, launchChromium, openSignedInPage, type SignedInPage, screenshot, signedInContext, signIn } from "./browser.js";
export { type BundlePurchase, buyBundleInStore, type FirstPartyPlugin, firstPartyPlugins } from "./bundle.js";
export { type HostProcess, startHostProcess } from "./host-process.js";
export {
  addSshHost,
  type FolderPluginHost,
  installPlugins,
  type PluginHost,
  type PluginHostOptions,
  type PluginUnderTest,
  pluginHarness,
  startPluginHost,
  trustHostKey,
} from "./plugin-host.js";
export { REGISTRY_ADMIN_TOKEN, type RunningRegistry, runRegistry } from "./registry.js";
export { PASSWORD_USER, PASSWORD_USER_UID, type StartSshdOptions, startSshd, type TestSshd } from "./sshd.js";
export { type BuyInStoreOptions, buyInStore } from "./store.js";
export {
  ADMIN_PASSWORD,
  addMember,
  bootTestHost,
  createTestHost,
  jsonOf,
  readSetupCode,
  type SignedIn,
  setupAdmin,
  signedIn,
  type TestHost,
} from "./test-host.js";
