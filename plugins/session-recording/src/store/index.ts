export { type Recording, RecordingStore } from "./recording-store.js";
