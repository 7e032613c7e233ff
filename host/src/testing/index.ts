export { createTestHost, jsonOf, type SignedIn, setupAdmin, signedIn, type TestHost } from "./test-host.js";
