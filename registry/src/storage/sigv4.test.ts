import { describe, expect, it } from "vitest";
import { encodeSegment, signV4 } from "./sigv4.js";

describe("AWS Signature Version 4", () => {
  it("reproduces the GET Object example of the Amazon S3 API reference", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object"
    const headers = signV4(
      {
        method: "GET",
        path: "/test.txt",
        headers: { Host: "examplebucket.s3.amazonaws.com", Range: "bytes=0-9" },
        payloadHash: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      },
      { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      "us-east-1",
      new Date("2013-05-24T00:00:00Z"),
    );
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    );
    expect(headers["x-amz-date"]).toBe("20130524T000000Z");
  });

  it("encodes path segments as RFC 3986 wants", () => {
    expect(encodeSegment("@acme")).toBe("%40acme");
    expect(encodeSegment("a b!*'()~._-")).toBe("a%20b%21%2A%27%28%29~._-");
  });
});
