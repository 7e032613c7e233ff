import { describe, expect, it } from "vitest";
import { decide, parseActions } from "./policy.js";
import { AGENT_ACTIONS, type AgentAction } from "./protocol.js";

const none = new Set<AgentAction>();

describe("the agent's policy", () => {
  it("passes reads of containers, images, volumes, networks, events and logs, with or without an API version", () => {
    for (const path of [
      "/_ping",
      "/v1.47/version",
      "/containers/json?all=1",
      "/v1.41/containers/abc/json",
      "/containers/abc/logs?follow=1&stdout=1",
      "/containers/abc/stats?stream=false",
      "/images/library/busybox:1/json",
      "/images/sha256:abc/history",
      "/volumes",
      "/networks/bridge",
      "/events?filters=%7B%7D",
    ])
      expect(decide("GET", path, none), path).toEqual({ allowed: true });
  });

  it("refuses every change unless its action is allowed, and names the action", () => {
    expect(decide("POST", "/containers/abc/stop?t=10", none)).toEqual({ allowed: false, action: "stop" });
    expect(decide("POST", "/v1.47/containers/abc/stop", new Set(["stop"]))).toEqual({ allowed: true });
    expect(decide("POST", "/containers/abc/restart", new Set(["stop"]))).toEqual({ allowed: false, action: "restart" });
    expect(decide("POST", "/containers/abc/exec", new Set(["start"]))).toEqual({ allowed: false, action: "exec" });
    expect(decide("POST", "/exec/xyz/start", new Set(["exec"]))).toEqual({ allowed: true });
  });

  it("refuses what no action covers: create, delete, pull, prune, and paths that climb out", () => {
    const all = new Set(AGENT_ACTIONS);
    for (const [method, path] of [
      ["POST", "/containers/create"],
      ["DELETE", "/containers/abc?force=1"],
      ["POST", "/images/create?fromImage=evil"],
      ["POST", "/containers/prune"],
      ["POST", "/containers/abc/kill"],
      ["GET", "/containers/abc/../../secrets"],
      ["GET", "/containers/abc%2f..%2fx/json"],
      ["PUT", "/containers/abc/archive"],
      ["GET", "/containers/abc/archive?path=/etc/shadow"],
    ] as const)
      expect(decide(method, path, all), `${method} ${path}`).toEqual({ allowed: false, action: null });
  });

  it("parses the --allow ceiling", () => {
    expect(parseActions("all", AGENT_ACTIONS)).toEqual(AGENT_ACTIONS);
    expect(parseActions("none", AGENT_ACTIONS)).toEqual([]);
    expect(parseActions("stop, start,stop", AGENT_ACTIONS)).toEqual(["stop", "start"]);
    expect(() => parseActions("stop,rm", AGENT_ACTIONS)).toThrow('unknown action "rm"');
  });
});
