// JSON Schemas shared by routes: they validate input, shape (and filter) output and feed the OpenAPI document.
import { FILE_KINDS, SESSION_STATUSES } from '../definitions';
import { ERROR_CODES } from './errors';

export const errorResponse = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: ERROR_CODES }, message: { type: 'string' } },
    },
  },
} as const;

/** Error responses a route can produce, keyed by status, for the OpenAPI document. */
export function errors(...statuses: number[]): Record<number, typeof errorResponse> {
  return Object.fromEntries(statuses.map((s) => [s, errorResponse]));
}

export const sessionIdParam = {
  type: 'string',
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
} as const;

export const statusSchema = { type: 'string', enum: SESSION_STATUSES } as const;

const nullableNumber = { type: ['number', 'null'] } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;

export const livenessSchema = {
  type: ['object', 'null'],
  properties: {
    antispoof: nullableNumber,
    live: nullableNumber,
    motion: nullableNumber,
    consistency: nullableNumber,
    risk: { type: 'string', enum: ['low', 'medium', 'high'] },
  },
} as const;

export const decisionSchema = {
  type: ['object', 'null'],
  properties: {
    outcome: { type: 'string', enum: ['approved', 'declined', 'needs_review'] },
    similarity: nullableNumber,
    liveness: livenessSchema,
    reasons: { type: 'array', items: { type: 'string' } },
    review: {
      type: 'object',
      properties: {
        decision: { type: 'string', enum: ['approve', 'decline'] },
        reviewer: { type: 'string' },
        comment: { type: 'string' },
        decidedAt: dateTime,
      },
    },
  },
} as const;

export const fileSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: FILE_KINDS },
    sha256: { type: 'string' },
    size: { type: 'integer' },
    mediaType: { type: 'string' },
    uploadedAt: dateTime,
  },
} as const;

export const sessionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: statusSchema,
    reference: { type: ['string', 'null'] },
    files: {
      type: 'object',
      description: 'The file of each kind the session currently uses (a later upload of a kind replaces it).',
      properties: { id_image: fileSchema, selfie_video: fileSchema },
    },
    decision: decisionSchema,
    error: {
      type: ['object', 'null'],
      properties: { code: { type: 'string' }, message: { type: 'string' } },
    },
    inferenceRuns: {
      type: 'object',
      description:
        'Face inferences in the ledger for this session: completed, failed (bad media), died (started, never finished), running.',
      properties: {
        completed: { type: 'integer' },
        failed: { type: 'integer' },
        died: { type: 'integer' },
        running: { type: 'integer' },
      },
    },
    expiresAt: dateTime,
    createdAt: dateTime,
    updatedAt: dateTime,
    completedAt: nullableDateTime,
    temporalUiUrl: { type: ['string', 'null'] },
  },
} as const;

export const sessionListSchema = {
  type: 'object',
  properties: {
    items: { type: 'array', items: sessionSchema },
    nextCursor: { type: ['string', 'null'] },
  },
} as const;

export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: statusSchema,
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 512 },
  },
} as const;
