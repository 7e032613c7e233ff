export { type RecordingResult, SessionRecorder, type SessionRecorderOptions } from "./session-recorder.js";
