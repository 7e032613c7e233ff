export { AGENT_VERSION, type AgentConfig, type AgentLog, agentUrl, createEngineProxy, enroll, type RunOptions, readState, runAgent } from "./agent.js";
export { type CliIo, defaultConfigPath, main } from "./cli.js";
export { decide, parseActions } from "./policy.js";
export * from "./protocol.js";
