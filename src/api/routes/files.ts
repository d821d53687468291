// Uploads: the raw file is the request body, streamed to the blob store (never buffered), then handed to the
// session workflow. 202 is sent only once the workflow has accepted the file: nothing acknowledged is lost.
import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { FILE_KINDS, isTerminal, type FileKind, type FileRef } from '../../definitions';
import type { SessionRecord } from '../../db/repositories/sessions';
import type { AcceptedMedia } from '../../storage/blob-store';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import { sessionForPrincipal } from '../guards';
import { errors, sessionIdParam, statusSchema } from '../schemas';
import { sessionClosedError } from '../temporal-errors';
import { submitFile } from '../workflow-calls';

const ACCEPT: Record<FileKind, AcceptedMedia> = { id_image: 'image', selfie_video: 'video' };

/** Refuse early, before reading a byte, when the projection already says the session takes no more files. */
function assertAcceptingFiles(session: SessionRecord): void {
  if (isTerminal(session.status)) throw sessionClosedError(session);
  if (session.status === 'awaiting_files' && session.expiresAt.getTime() <= Date.now()) {
    throw sessionClosedError(session);
  }
  if (session.status !== 'awaiting_files') {
    throw new ApiError(
      'PROCESSING_STARTED',
      'both files are in and processing has started; uploads are closed',
    );
  }
}

export default async function fileRoutes(fastify: FastifyInstance, ctx: ApiContext): Promise<void> {
  const { config, db, blobs, guards } = ctx;
  const maxBytes: Record<FileKind, number> = {
    id_image: config.KYC_MAX_ID_IMAGE_BYTES,
    selfie_video: config.KYC_MAX_SELFIE_VIDEO_BYTES,
  };

  // Whatever the declared type (or none), the body reaches the handler as the raw stream: the media type is
  // sniffed from content by the blob store, and a 50 MB video never sits in memory.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

  fastify.put<{ Params: { id: string; kind: FileKind } }>('/v1/sessions/:id/files/:kind', {
    preHandler: guards.tenantOrUploadToken,
    schema: {
      tags: ['sessions'],
      summary: 'Upload the ID image or the selfie video',
      description:
        'The raw file is the request body (any Content-Type; the media type is sniffed from the content). ' +
        `Limits: id_image ${config.KYC_MAX_ID_IMAGE_BYTES} bytes (JPEG, PNG, WebP), selfie_video ` +
        `${config.KYC_MAX_SELFIE_VIDEO_BYTES} bytes (MP4, WebM, QuickTime). A second upload of a kind before ` +
        'processing starts replaces the first; re-sending the same bytes is a no-op.',
      security: [{ apiKey: [] }, { uploadToken: [] }],
      params: {
        type: 'object',
        properties: { id: sessionIdParam, kind: { type: 'string', enum: FILE_KINDS } },
        required: ['id', 'kind'],
      },
      response: {
        202: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: FILE_KINDS },
            sha256: { type: 'string' },
            size: { type: 'integer' },
            mediaType: { type: 'string' },
            replaced: {
              type: 'boolean',
              description: 'True when this upload replaced an earlier file of its kind.',
            },
            status: statusSchema,
          },
        },
        ...errors(400, 401, 404, 409, 410, 413, 415, 503),
      },
    },
    handler: async (request, reply) => {
      const { id, kind } = request.params;
      const session = await sessionForPrincipal(db, request, id);
      assertAcceptingFiles(session);
      const limit = maxBytes[kind];
      const declared = Number(request.headers['content-length'] ?? NaN);
      if (declared > limit) throw new ApiError('FILE_TOO_LARGE', `${kind} is limited to ${limit} bytes`);
      const body = request.body as Readable | undefined;
      if (body === undefined || declared === 0) throw new ApiError('EMPTY_FILE', 'the request body is empty');

      const stored = await blobs.put(body, { maxBytes: limit, accept: ACCEPT[kind] });
      const file: FileRef = {
        kind,
        storageKey: stored.key,
        sha256: stored.sha256,
        size: stored.size,
        mediaType: stored.mediaType,
      };
      // The update handler records the file in the projection before it answers, so a 202 is readable at once;
      // a second write here could land after a later upload's and make a replaced file look current.
      const result = await submitFile(ctx, session, file);
      return reply.code(202).send({ ...file, replaced: result.replaced, status: result.status });
    },
  });
}
