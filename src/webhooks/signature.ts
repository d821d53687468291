// Webhook signatures: `Kyc-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`, each v1 an HMAC-SHA256 over
// `${t}.${rawBody}` with one of the tenant's active secrets. Signing with every active secret lets a receiver
// rotate: it accepts the event as long as any v1 matches any secret it knows.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Kyc-Signature';
const SCHEME = 'v1';

export function computeSignature(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for a body signed now (or at `timestamp`) with every active secret. */
export function signatureHeader(
  rawBody: string | Buffer,
  secrets: readonly string[],
  timestamp: number = Math.floor(Date.now() / 1000),
): string {
  if (secrets.length === 0) throw new Error('at least one webhook secret is needed to sign');
  const parts = secrets.map((s) => `${SCHEME}=${computeSignature(s, timestamp, rawBody)}`);
  return [`t=${timestamp}`, ...parts].join(',');
}

export interface ParsedSignature {
  timestamp: number;
  signatures: string[];
}

export function parseSignatureHeader(header: string): ParsedSignature | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    if (key === SCHEME && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

export type VerifyFailure = 'MALFORMED_HEADER' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'NO_MATCHING_SIGNATURE';
export type VerifyResult = { ok: true; timestamp: number } | { ok: false; reason: VerifyFailure };

function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Like verifyKycSignature, but says why a signature was refused (for logs and tests). */
export function checkKycSignature(
  rawBody: string | Buffer,
  header: string | undefined | null,
  secrets: readonly string[],
  toleranceSeconds = 300,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): VerifyResult {
  const parsed = header ? parseSignatureHeader(header) : null;
  if (parsed === null) return { ok: false, reason: 'MALFORMED_HEADER' };
  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) {
    return { ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' };
  }
  for (const secret of secrets) {
    const expected = computeSignature(secret, parsed.timestamp, rawBody);
    if (parsed.signatures.some((sig) => safeEqualHex(sig, expected)))
      return { ok: true, timestamp: parsed.timestamp };
  }
  return { ok: false, reason: 'NO_MATCHING_SIGNATURE' };
}

/**
 * For receivers: true only when the header's timestamp is within `toleranceSeconds` of now (replay protection)
 * and some v1 signature matches one of `secrets`. Pass the raw body exactly as received, before JSON parsing.
 */
export function verifyKycSignature(
  rawBody: string | Buffer,
  header: string | undefined | null,
  secrets: readonly string[],
  toleranceSeconds = 300,
): boolean {
  return checkKycSignature(rawBody, header, secrets, toleranceSeconds).ok;
}
