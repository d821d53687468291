// The applicant's capture page at `/` and at each session's captureUrl (`/capture/<id>#token=<upload token>`),
// plus the static assets of web/ under /assets/. The page itself holds no secrets: it reads the token from the
// URL fragment, which browsers never send to the server.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { ApiContext } from '../context';

/** web/ next to src/ (tsx) or two levels further up (compiled into dist/src/...). */
export function webRoot(): string {
  const candidates = [path.resolve(__dirname, '../../../web'), path.resolve(__dirname, '../../../../web')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'capture.html')));
  if (found === undefined) throw new Error(`web assets not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * Pages load only their own scripts and styles; images and videos may be blob: previews of the applicant's own
 * files. No third party can frame the page (clickjacking) or receive the URL (the fragment holds a token).
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export function sendPage(reply: FastifyReply, html: string, permissions: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('permissions-policy', permissions)
    .header('cache-control', 'no-store')
    .send(html);
}

const CAMERA_ALLOWED = 'camera=(self), microphone=(), geolocation=()';

export default async function captureRoutes(fastify: FastifyInstance, _ctx: ApiContext): Promise<void> {
  const root = webRoot();
  await fastify.register(fastifyStatic, {
    root,
    prefix: '/assets/',
    index: false,
    wildcard: true,
    decorateReply: false,
    allowedPath: (pathName) => /\.(js|css|svg|png|ico)$/.test(pathName),
    setHeaders: (res) => {
      res.setHeader('x-content-type-options', 'nosniff');
      res.setHeader('cache-control', 'no-cache'); // revalidate: no build step, so no hashed names
    },
  });

  // Read per request only in development would save a restart; the page is small, so read it once.
  const html = await readFile(path.join(root, 'capture.html'), 'utf8');
  const page = { schema: { hide: true } };

  fastify.get('/', page, async (_request, reply) => sendPage(reply, html, CAMERA_ALLOWED));
  fastify.get<{ Params: { id: string } }>('/capture/:id', page, async (_request, reply) =>
    sendPage(reply, html, CAMERA_ALLOWED),
  );
}
