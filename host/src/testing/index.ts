export { type StartSshdOptions, startSshd, type TestSshd } from "./sshd.js";
export { createTestHost, jsonOf, type SignedIn, setupAdmin, signedIn, type TestHost } from "./test-host.js";
