export { MODULE, type RecordingSettings, Recordings, readSettings } from "./recordings.js";
