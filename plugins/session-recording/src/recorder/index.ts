export { RECORDER_THREAD_FLAG, RecorderThread, serveRecorders } from "./recorder-thread.js";
export { type Recorder, type RecorderFactory, type RecordingResult, SessionRecorder, type SessionRecorderOptions } from "./session-recorder.js";
