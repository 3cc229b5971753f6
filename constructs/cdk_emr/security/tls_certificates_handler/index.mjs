// Custom::EmrTlsCertificates — generates a private key and a self-signed certificate at deploy
// time and writes EMR's PEM zip (privateKey.pem, certificateChain.pem, trustedCertificates.pem)
// to S3 with SSE-KMS. No dependency beyond the Node.js runtime: the key pair and the signature
// come from node:crypto (OpenSSL); this file only lays out the certificate's DER fields and the
// zip container. The AWS SDK (@aws-sdk/client-s3) is the one in the Lambda runtime.
//
// CloudFormation invokes the function asynchronously and waits for the response PUT to the
// pre-signed ResponseURL, so every request ends with a response, success or failure.
// Never log or return the private key: logs and response Data carry the object key and the
// certificate's SHA-256 fingerprint only.

import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { request as httpsRequest } from "node:https";

export const FILES = ["privateKey.pem", "certificateChain.pem", "trustedCertificates.pem"];
const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

// ----- DER ------------------------------------------------------------------------------------

function length(n) {
  if (n < 0x80) return Buffer.from([n]);
  const bytes = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag, ...parts) {
  const content = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

const sequence = (...parts) => tlv(0x30, ...parts);
const set = (...parts) => tlv(0x31, ...parts);
const explicit = (n, ...parts) => tlv(0xa0 | n, ...parts);
const octetString = (bytes) => tlv(0x04, bytes);
const bitString = (bytes) => tlv(0x03, Buffer.from([0]), bytes);
const utf8String = (text) => tlv(0x0c, Buffer.from(text, "utf8"));
const booleanTrue = () => tlv(0x01, Buffer.from([0xff]));
const derNull = () => Buffer.from([0x05, 0x00]);

function unsignedInteger(bytes) {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i += 1;
  const trimmed = bytes.subarray(i);
  return tlv(0x02, trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

function oid(dotted) {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const out = [40 * a + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(date) {
  // RFC 5280: UTCTime through 2049, GeneralizedTime from 2050.
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, "") + "Z"; // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
}

const OID = {
  commonName: "2.5.4.3",
  sha256WithRSAEncryption: "1.2.840.113549.1.1.11",
  subjectKeyIdentifier: "2.5.29.14",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  authorityKeyIdentifier: "2.5.29.35",
};

function extension(id, critical, value) {
  return critical ? sequence(oid(id), booleanTrue(), octetString(value)) : sequence(oid(id), octetString(value));
}

function pem(label, der) {
  const lines = der.toString("base64").match(/.{1,64}/g);
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * A new RSA key and a self-signed X.509 v3 certificate for `commonName`, as `openssl req -x509`
 * makes them (the command the EMR Management Guide shows), plus the name as a DNS subject
 * alternative name.
 */
export function generateCertificate({ commonName, validityDays, keySize, now = new Date() }) {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: keySize, publicExponent: 0x10001 });
  const keyId = createHash("sha1").update(publicKey.export({ type: "pkcs1", format: "der" })).digest();
  const serial = randomBytes(16);
  serial[0] = (serial[0] & 0x7f) | 0x40; // positive, non-zero, 16 bytes
  const name = sequence(set(sequence(oid(OID.commonName), utf8String(commonName))));
  const algorithm = sequence(oid(OID.sha256WithRSAEncryption), derNull());
  const notBefore = new Date(now.getTime() - CLOCK_SKEW_MS);
  const notAfter = new Date(now.getTime() + validityDays * DAY_MS);
  const extensions = sequence(
    extension(OID.basicConstraints, true, sequence(booleanTrue())),
    extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
    extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyId))),
    extension(OID.subjectAltName, false, sequence(tlv(0x82, Buffer.from(commonName, "ascii")))),
  );
  const tbs = sequence(
    explicit(0, unsignedInteger(Buffer.from([2]))),
    unsignedInteger(serial),
    algorithm,
    name,
    sequence(time(notBefore), time(notAfter)),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    explicit(3, extensions),
  );
  const certificate = sequence(tbs, algorithm, bitString(sign("sha256", tbs, privateKey)));
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }),
    certificatePem: pem("CERTIFICATE", certificate),
    sha256: createHash("sha256").update(certificate).digest("hex"),
    notAfter,
  };
}

// ----- zip (stored entries) -------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function dosDateTime(date) {
  const t = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2);
  const d = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  return [t, d];
}

/** A zip archive of `files` ([name, Buffer] pairs), entries stored uncompressed. */
export function zip(files, date = new Date()) {
  const [t, d] = dosDateTime(date);
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of files) {
    const fileName = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(t, 10);
    local.writeUInt16LE(d, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: UNIX, 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(t, 12);
    central.writeUInt16LE(d, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE((0o100600 << 16) >>> 0, 38); // -rw-------
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** EMR's PEM zip for `commonName`: the key, the certificate as its chain and as the trust anchor. */
export function generateBundle({ commonName, validityDays, keySize, now = new Date() }) {
  const cert = generateCertificate({ commonName, validityDays, keySize, now });
  const certificate = Buffer.from(cert.certificatePem, "ascii");
  const body = zip(
    [
      [FILES[0], Buffer.from(cert.privateKeyPem, "ascii")],
      [FILES[1], certificate],
      [FILES[2], certificate],
    ],
    now,
  );
  return { body, sha256: cert.sha256, notAfter: cert.notAfter.toISOString() };
}

// ----- the custom resource --------------------------------------------------------------------

function properties(event) {
  const p = event.ResourceProperties ?? {};
  const validityDays = Number(p.ValidityDays);
  const keySize = Number(p.KeySize);
  if (!p.BucketName || !p.KmsKeyArn || typeof p.KeyPrefix !== "string" || !p.CommonName) {
    throw new Error("BucketName, KeyPrefix, KmsKeyArn and CommonName are required");
  }
  if (!Number.isInteger(validityDays) || validityDays < 1) throw new Error(`ValidityDays=${p.ValidityDays}: a positive integer`);
  if (![2048, 3072, 4096].includes(keySize)) throw new Error(`KeySize=${p.KeySize}: 2048, 3072 or 4096`);
  return { bucket: p.BucketName, prefix: p.KeyPrefix, kmsKeyArn: p.KmsKeyArn, commonName: p.CommonName, validityDays, keySize };
}

/** A new object key under `prefix` for each generation: nothing already in use is overwritten. */
export function objectKey(prefix, now = new Date()) {
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, "");
  return `${prefix}${stamp}Z-${randomBytes(6).toString("hex")}.zip`;
}

async function sdkPutObject(input) {
  const { S3Client, PutObjectCommand } = await import("@aws-sdk/client-s3");
  await new S3Client({}).send(new PutObjectCommand(input));
}

async function sdkDeleteObject(input) {
  const { S3Client, DeleteObjectCommand } = await import("@aws-sdk/client-s3");
  await new S3Client({}).send(new DeleteObjectCommand(input));
}

/**
 * The bundle a Delete retires: CloudFormation sends Delete for the old physical id once a new
 * generation (or any other change) has replaced it and the clusters using it are gone, and when
 * the stack is deleted. Only an object this resource wrote is touched (under its prefix, a .zip),
 * and never with RetainOnDelete "true". In a versioned bucket the delete leaves a delete marker and
 * the bundle becomes a noncurrent version, which the bucket's lifecycle rule expires.
 */
export function retiredObject(event) {
  const p = event.ResourceProperties ?? {};
  const key = event.PhysicalResourceId;
  if (p.RetainOnDelete === "true" || !p.BucketName || typeof p.KeyPrefix !== "string" || typeof key !== "string") return null;
  if (!key.startsWith(p.KeyPrefix) || !key.endsWith(".zip") || key.slice(p.KeyPrefix.length).includes("/")) return null;
  return { Bucket: p.BucketName, Key: key };
}

function httpsRespond(url, body) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(JSON.stringify(body));
    const req = httpsRequest(url, { method: "PUT", headers: { "content-type": "", "content-length": payload.length } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode < 300 ? resolve() : reject(new Error(`response PUT: HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** The handler, with its S3 upload and CloudFormation response injectable for tests. */
export function createHandler({
  putObject = sdkPutObject,
  deleteObject = sdkDeleteObject,
  respond = httpsRespond,
  log = console.log,
} = {}) {
  return async function handler(event) {
    const base = { StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId };
    let response;
    try {
      if (event.RequestType === "Delete") {
        // Superseded: no cluster of the stack uses this bundle any more (CloudFormation deletes
        // the clusters that reference it first). With RetainOnDelete it is kept.
        // Best effort: a bundle that cannot be deleted here expires with the lifecycle rule, and
        // a failed Delete would block the stack's deletion.
        const retired = retiredObject(event);
        let data;
        if (retired) {
          try {
            await deleteObject(retired);
            data = { Retired: retired.Key };
          } catch (error) {
            data = { RetireFailed: `${retired.Key}: ${error.name}: ${error.message}`.slice(0, 500) };
          }
        }
        response = { ...base, Status: "SUCCESS", PhysicalResourceId: event.PhysicalResourceId, Data: data };
      } else {
        const p = properties(event);
        const now = new Date();
        const key = objectKey(p.prefix, now);
        const bundle = generateBundle({ commonName: p.commonName, validityDays: p.validityDays, keySize: p.keySize, now });
        await putObject({
          Bucket: p.bucket,
          Key: key,
          Body: bundle.body,
          ContentType: "application/zip",
          ServerSideEncryption: "aws:kms",
          SSEKMSKeyId: p.kmsKeyArn,
          BucketKeyEnabled: true,
        });
        response = {
          ...base,
          Status: "SUCCESS",
          PhysicalResourceId: key,
          Data: { ObjectKey: key, CertificateSha256: bundle.sha256, NotAfter: bundle.notAfter },
        };
      }
    } catch (error) {
      response = {
        ...base,
        Status: "FAILED",
        Reason: `${error.name}: ${error.message}`.slice(0, 1000),
        PhysicalResourceId: event.PhysicalResourceId ?? `failed-${event.RequestId}`,
      };
    }
    log(
      JSON.stringify({
        requestType: event.RequestType,
        logicalResourceId: event.LogicalResourceId,
        status: response.Status,
        physicalResourceId: response.PhysicalResourceId,
        certificateSha256: response.Data?.CertificateSha256,
        retired: response.Data?.Retired,
        retireFailed: response.Data?.RetireFailed,
        reason: response.Reason,
      }),
    );
    await respond(event.ResponseURL, response);
    return response;
  };
}

export const handler = createHandler();
