export { castFileName, createRecordingsApi, type RecordingStatus } from "./recordings-api.js";
