import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { authorizationHeader, canonicalRequest, parseAuthorization, signature } from "../../provider/api/signing";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const TEST_KEY = { id: "ZLTESTKEYID0001", secret: "zl-test-secret-0123456789abcdef" };
/** Vectors B–D: JSON bodies signed with the test key at 1700000000. */
const signWithTestKey = (host: string, body: string) =>
  signature({ contentType: "application/json", host, body, timestamp: "1700000000", accessKeyPassword: TEST_KEY.secret });
const CREATE_BODY =
  '{"zoneId":"SEL-A","imageId":"img-yKK4q6XybymPgfx7ynUUqC3N8","instanceType":"c.1c2g","instanceName":"web-[1,2]","password":"Example~123","instanceChargeType":"POSTPAID","internetChargeType":"ByBandwidth","instanceCount":2,"subnetId":"subnet-0001"}';

// Vectors A-D of the reference (zenlayer-api.md §2.4), byte for byte.
describe("ZC2-HMAC-SHA256 vectors", () => {
  it("A: the official docs example", () => {
    const body = '{"pageSize":10,"pageNum":1,"zoneId":"HKG-A"}';
    expect(Buffer.byteLength(body)).toBe(44);
    expect(sha256(body)).toBe("5f714687ba91c606d503467766151206392474accd137ffea6dce2420b67c29a");
    const canonical = canonicalRequest("application/json; charset=utf-8", "console.zenlayer.com", body);
    expect(sha256(canonical)).toBe("29396f9dfa0f03820b931e8aa06e20cda197e73285ebd76aceb83f7dede493ee");
    const sig = signature({
      contentType: "application/json; charset=utf-8",
      host: "console.zenlayer.com",
      body,
      timestamp: "1673361177",
      accessKeyPassword: "Gu5t9xGARNpq86cd98joQYCN3",
    });
    expect(sig).toBe("efb356c32e55c781e10dc676da59462c22596d82e91c57803666243379555b2f");
  });

  it("B: DescribeInstances with a Python-SDK body", () => {
    const body = '{"instanceIds": ["934011133470000001"]}';
    expect(sha256(body)).toBe("06b582da6773b4a8993b32215ed7c717fb906dac9e895253cb0010bae518410a");
    expect(sha256(canonicalRequest("application/json", "console.zenlayer.com", body))).toBe(
      "b7c7551e6273fcad3dd7c7bf500b522cf29b6bcb1291cb3d29bf6cde6e19d68d",
    );
    const sig = signWithTestKey("console.zenlayer.com", body);
    expect(authorizationHeader(TEST_KEY.id, sig)).toBe(
      "ZC2-HMAC-SHA256 Credential=ZLTESTKEYID0001, SignedHeaders=content-type;host, Signature=4c95ab98d8ddd1db0770863e64ef6a9560eeee08b2fa57dbda2ff51c29c2f108",
    );
  });

  it("C: CreateInstances with a Go-style compact body", () => {
    expect(Buffer.byteLength(CREATE_BODY)).toBe(246);
    const canonical = canonicalRequest("application/json", "console.zenlayer.com", CREATE_BODY);
    expect(canonical).toBe(
      "POST\n/\n\ncontent-type:application/json\nhost:console.zenlayer.com\n\ncontent-type;host\n794421fe65f689600b6302712e2d65aa3df3eec78f9ece96a6f431a0a82acbd7",
    );
    expect(sha256(canonical)).toBe("fd028ff31bdd64c1485ecfe7c085c179c6135727316067599ab3f618fd3ac9cd");
    const sig = signWithTestKey("console.zenlayer.com", CREATE_BODY);
    expect(authorizationHeader(TEST_KEY.id, sig)).toBe(
      "ZC2-HMAC-SHA256 Credential=ZLTESTKEYID0001, SignedHeaders=content-type;host, Signature=e49bd3a18e67f7d06fdbaa88a7abbbe285008579a1693bddc7a5d8d9d16fd921",
    );
  });

  it("D: the same request to an emulator host with a port", () => {
    const canonical = canonicalRequest("application/json", "127.0.0.1:8787", CREATE_BODY);
    expect(sha256(canonical)).toBe("1283ebf5c25df25b1e5869633cbd6c5316b7e80ce28a258bf09fce598b569ff3");
    const sig = signWithTestKey("127.0.0.1:8787", CREATE_BODY);
    expect(sig).toBe("2d09b3b4365f40e829fc025169f3350fff774fc15370c61228570cf861926085");
  });

  it("parses the Authorization header it produces and rejects others", () => {
    expect(parseAuthorization(authorizationHeader("KEY1", "ABCDEF01"))).toEqual({
      accessKeyId: "KEY1",
      signedHeaders: "content-type;host",
      signature: "abcdef01",
    });
    expect(parseAuthorization("Bearer abc")).toBeUndefined();
    expect(parseAuthorization("ZC2-HMAC-SHA256 Credential=K, Signature=ab")).toBeUndefined();
  });
});
