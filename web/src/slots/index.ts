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
  useOtherVersions,
  usePluginPages,
  useSlot,
  useUiPlugins,
} from "./manifest.js";
export { Slot, SlotErrorCard, SlotItem } from "./Slot.js";
export { SlotOutlet, slotContributions, versionNotice } from "./SlotOutlet.js";
