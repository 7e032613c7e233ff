import { defineErrors } from "@archnest/sdk/plugin";

/** The Docker Push Agent plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const DockerAgentErrors = defineErrors("DOCKER_AGENT_ERR", {
  NOT_FOUND: { status: 404, message: "No agent has this id.", hint: "Reload the list: the agent may have been removed." },
  OFFLINE: {
    status: 503,
    message: "The agent is not connected to ArchNest, so its engine cannot be reached now.",
    hint: "Check that the agent runs on its host (`archnest-docker-agent run`) and can reach ArchNest's URL; it reconnects by itself.",
  },
  TIMEOUT: { status: 504, message: "The agent did not open a connection to its engine in time.", hint: "Check the agent's log on its host." },
  FORBIDDEN: { status: 403, message: "Only an admin can enroll, change or remove agents.", hint: "Ask an admin." },
  VALIDATION: { status: 400, message: "The request is not valid.", hint: 'Send the fields the API documents (README, "HTTP API").' },
  TOKEN: {
    status: 401,
    message: "An agent's enrollment token is wrong, used or expired (said to the agent, which stops).",
    hint: "Make a new token on the Docker agents page; each works once, for an hour.",
  },
  PROOF: { status: 401, message: "An agent's proof of its key did not verify (said to the agent, which stops).", hint: "Enroll the agent again." },
  UNKNOWN: {
    status: 401,
    message: "An agent connected with an id this install does not know, or a key that does not match (said to the agent, which stops).",
    hint: "The agent was removed here: enroll it again with a new token.",
  },
  REMOVED: { status: 410, message: "The agent was removed while connected (said to the agent, which stops).", hint: "Enroll it again to bring it back." },
});
