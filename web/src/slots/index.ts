export {
  clearInstall,
  installProgress,
  manifestLoaded,
  manifestVersion,
  onLicenseChange,
  type PageEntry,
  type PluginRef,
  refreshManifest,
  type SlotEntry,
  startManifest,
  stopManifest,
  usePluginPages,
  useOtherVersions,
  useSlot,
  useUiPlugins,
} from "./manifest.js";
export { Slot, SlotErrorCard, SlotItem } from "./Slot.js";
export { SlotOutlet, slotContributions, versionNotice } from "./SlotOutlet.js";
