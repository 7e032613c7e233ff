export { type AckResult, FLOW_DEFAULTS, OutputPump, type OutputPumpOptions, type OutputStats } from "./output-pump.js";
