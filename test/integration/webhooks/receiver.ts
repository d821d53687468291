// A real HTTP webhook receiver for tests: verifies every request's signature and answers with a scripted status.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkKycSignature } from '../../../src/webhooks';

export interface ReceivedCall {
  body: string;
  eventId: string | undefined;
  signature: string | undefined;
  verified: boolean;
  answered: number;
}

export interface TestReceiver {
  url: string;
  calls: ReceivedCall[];
  /** Resolves once `n` calls arrived. */
  waitForCalls(n: number, timeoutMs?: number): Promise<ReceivedCall[]>;
  close(): Promise<void>;
}

export async function startReceiver(secrets: string[], statuses: number[]): Promise<TestReceiver> {
  const calls: ReceivedCall[] = [];
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['kyc-signature'] as string | undefined;
      const verified = checkKycSignature(body, signature, secrets).ok;
      const answered = verified ? (statuses[calls.length] ?? 200) : 401;
      let eventId: string | undefined;
      try {
        eventId = (JSON.parse(body) as { id?: string }).id;
      } catch {
        eventId = undefined;
      }
      calls.push({ body, eventId, signature, verified, answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered < 300 ? 'ok' : 'try again');
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/kyc`,
    calls,
    async waitForCalls(n, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (calls.length < n) {
        if (Date.now() > deadline) throw new Error(`receiver got ${calls.length} of ${n} calls`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 250);
        });
      }
      return calls;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
