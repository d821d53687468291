// The operator console (`/console`, static page) and the one API route only it needs: a session's timeline, read
// from the workflow's Temporal history and put in words an operator understands. Everything else the console
// shows comes from the operator routes (routes/operator.ts).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { getSession } from '../../db/repositories/sessions';
import type { ApiContext } from '../context';
import { ApiError } from '../errors';
import { errors, sessionIdParam } from '../schemas';
import { sendPage, webRoot } from './capture';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface TimelineEntry {
  eventId: number;
  time: string;
  /** Temporal's event type without the EVENT_TYPE_ prefix, e.g. ACTIVITY_TASK_FAILED. */
  type: string;
  title: string;
  detail: string | null;
  level: 'info' | 'success' | 'warning' | 'error';
}

const num = (v: unknown): number =>
  typeof v === 'number'
    ? v
    : v && typeof v === 'object' && 'toNumber' in v
      ? (v as { toNumber(): number }).toNumber()
      : Number(v ?? 0);

function eventTime(e: HistoryEvent): string {
  const t = e.eventTime;
  if (!t) return new Date(0).toISOString();
  return new Date(num(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

function decode(payload: Payload | null | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined; // encrypted or binary: show nothing rather than fail the timeline
  }
}

const short = (sha: unknown): string => (typeof sha === 'string' ? `${sha.slice(0, 12)}…` : '?');

function describeUpdate(name: string, arg: unknown): string {
  const a = (arg ?? {}) as Record<string, unknown>;
  if (name === 'submitFile')
    return `${String(a.kind)} · sha256 ${short(a.sha256)} · ${String(a.size)} bytes · ${String(a.mediaType)}`;
  if (name === 'submitReview')
    return `${String(a.decision)} by ${String(a.reviewer)}: “${String(a.comment)}”`;
  return name;
}

const UPDATE_TITLES: Record<string, string> = {
  submitFile: 'File submitted',
  submitReview: 'Review submitted',
};
const ACTIVITY_TITLES: Record<string, string> = {
  checkFaceSimilarity: 'Face match',
  recordSessionStatus: 'Status recorded',
  deliverWebhook: 'Webhook delivery',
};

function failureText(f: temporal.api.failure.v1.IFailure | null | undefined): string | null {
  if (!f) return null;
  const type = f.applicationFailureInfo?.type;
  return type ? `${type}: ${f.message ?? ''}` : (f.message ?? null);
}

/** Per history: scheduled activity ids -> their name, so started/completed events can say which activity. */
type Scheduled = Map<number, { name: string; detail: string | null }>;

type Described = Omit<TimelineEntry, 'eventId' | 'time' | 'type'> | null;

function activityScheduled(e: HistoryEvent, scheduled: Scheduled): Described {
  const a = e.activityTaskScheduledEventAttributes ?? {};
  const name = a.activityType?.name ?? 'activity';
  const input = decode(a.input?.payloads?.[0]) as Record<string, unknown> | undefined;
  let detail: string | null = `task queue ${a.taskQueue?.name ?? '?'}`;
  if (name === 'recordSessionStatus' && input) detail = `status → ${String(input.status)}`;
  if (name === 'deliverWebhook' && input) detail = `event ${String(input.id)}`;
  scheduled.set(num(e.eventId), { name, detail });
  if (name === 'recordSessionStatus') return null; // shown once, when recorded
  return { title: `${ACTIVITY_TITLES[name] ?? name} scheduled`, detail, level: 'info' };
}

function activityOutcome(
  e: HistoryEvent,
  scheduled: Scheduled,
): Omit<TimelineEntry, 'eventId' | 'time' | 'type'> | null {
  const started = e.activityTaskStartedEventAttributes;
  if (started) {
    const act = scheduled.get(num(started.scheduledEventId));
    const attempt = started.attempt ?? 1;
    if (act?.name === 'recordSessionStatus' && attempt === 1) return null; // noise: bookkeeping that just worked
    const last = failureText(started.lastFailure);
    const detail =
      attempt > 1 && last ? `attempt ${attempt}; previous attempt failed: ${last}` : `attempt ${attempt}`;
    return { title: `${label(act)} started`, detail, level: attempt > 1 ? 'warning' : 'info' };
  }
  const completed = e.activityTaskCompletedEventAttributes;
  if (completed) {
    const act = scheduled.get(num(completed.scheduledEventId));
    if (act?.name === 'recordSessionStatus')
      return { title: 'Status recorded', detail: act.detail, level: 'info' };
    const result = decode(completed.result?.payloads?.[0]) as Record<string, unknown> | undefined;
    return { title: `${label(act)} completed`, detail: summariseResult(act?.name, result), level: 'success' };
  }
  const failed = e.activityTaskFailedEventAttributes;
  if (failed) {
    const act = scheduled.get(num(failed.scheduledEventId));
    return { title: `${label(act)} failed`, detail: failureText(failed.failure), level: 'error' };
  }
  const timedOut = e.activityTaskTimedOutEventAttributes;
  if (timedOut) {
    const act = scheduled.get(num(timedOut.scheduledEventId));
    return { title: `${label(act)} timed out`, detail: failureText(timedOut.failure), level: 'error' };
  }
  return null;
}

const label = (act: { name: string } | undefined): string =>
  act ? (ACTIVITY_TITLES[act.name] ?? act.name) : 'Activity';

function summariseResult(name: string | undefined, r: Record<string, unknown> | undefined): string | null {
  if (!r) return null;
  if (name === 'checkFaceSimilarity') {
    const sim = typeof r.similarity === 'number' ? r.similarity.toFixed(3) : 'n/a';
    const reasons = Array.isArray(r.reasons) && r.reasons.length > 0 ? ` · ${r.reasons.join(', ')}` : '';
    return `${String(r.outcome)} · similarity ${sim}${r.reused ? ' · stored result reused (no inference)' : ''}${reasons}`;
  }
  if (name === 'deliverWebhook') {
    return r.delivered
      ? `HTTP ${String(r.statusCode)} on attempt ${String(r.attempt)}`
      : `skipped: ${String(r.skipped)}`;
  }
  return null;
}

function describe(
  e: HistoryEvent,
  scheduled: Scheduled,
): Omit<TimelineEntry, 'eventId' | 'time' | 'type'> | null {
  if (e.workflowExecutionStartedEventAttributes) {
    const a = e.workflowExecutionStartedEventAttributes;
    const input = decode(a.input?.payloads?.[0]) as { expiresAt?: string } | undefined;
    const expires = input?.expiresAt ? `; files due by ${input.expiresAt}` : '';
    return {
      title: 'Session workflow started',
      detail: `task queue ${a.taskQueue?.name ?? '?'}${expires}`,
      level: 'info',
    };
  }
  if (e.workflowExecutionUpdateAcceptedEventAttributes) {
    const req = e.workflowExecutionUpdateAcceptedEventAttributes.acceptedRequest?.input;
    const name = req?.name ?? 'update';
    return {
      title: UPDATE_TITLES[name] ?? `Update ${name}`,
      detail: describeUpdate(name, decode(req?.args?.payloads?.[0])),
      level: 'info',
    };
  }
  if (e.upsertWorkflowSearchAttributesEventAttributes) {
    const fields = e.upsertWorkflowSearchAttributesEventAttributes.searchAttributes?.indexedFields ?? {};
    const status = decode(fields.KycStatus);
    if (status === undefined) return null;
    return {
      title: `Status: ${String(Array.isArray(status) ? status[0] : status)}`,
      detail: 'KycStatus search attribute',
      level: 'info',
    };
  }
  if (e.activityTaskScheduledEventAttributes) return activityScheduled(e, scheduled);
  if (e.timerStartedEventAttributes) {
    const secs = num(e.timerStartedEventAttributes.startToFireTimeout?.seconds);
    return {
      title: 'Waiting (timer started)',
      detail: `fires in ${secs} s unless something happens first`,
      level: 'info',
    };
  }
  if (e.timerFiredEventAttributes)
    return { title: 'Timer fired', detail: 'a deadline passed', level: 'warning' };
  if (e.workflowExecutionCancelRequestedEventAttributes) {
    return {
      title: 'Cancel requested',
      detail: e.workflowExecutionCancelRequestedEventAttributes.cause || null,
      level: 'warning',
    };
  }
  if (e.workflowTaskFailedEventAttributes) {
    return {
      title: 'Workflow task failed',
      detail: failureText(e.workflowTaskFailedEventAttributes.failure),
      level: 'error',
    };
  }
  if (e.workflowExecutionCompletedEventAttributes) {
    const r = decode(e.workflowExecutionCompletedEventAttributes.result?.payloads?.[0]) as
      { status?: string } | undefined;
    return {
      title: 'Session workflow completed',
      detail: r?.status ? `final status ${r.status}` : null,
      level: 'success',
    };
  }
  if (e.workflowExecutionFailedEventAttributes) {
    return {
      title: 'Session workflow failed',
      detail: failureText(e.workflowExecutionFailedEventAttributes.failure),
      level: 'error',
    };
  }
  if (e.workflowExecutionCanceledEventAttributes)
    return { title: 'Session workflow canceled', detail: null, level: 'warning' };
  if (e.workflowExecutionTerminatedEventAttributes) {
    return {
      title: 'Session workflow terminated',
      detail: e.workflowExecutionTerminatedEventAttributes.reason || null,
      level: 'error',
    };
  }
  if (e.workflowExecutionTimedOutEventAttributes)
    return { title: 'Session workflow timed out', detail: null, level: 'error' };
  if (e.workflowExecutionSignaledEventAttributes) {
    return {
      title: `Signal ${e.workflowExecutionSignaledEventAttributes.signalName ?? ''}`,
      detail: null,
      level: 'info',
    };
  }
  return activityOutcome(e, scheduled);
}

/** ACTIVITY_TASK_SCHEDULED from activityTaskScheduledEventAttributes: no runtime dependency on the proto enums. */
function eventTypeName(e: HistoryEvent): string {
  const key = Object.keys(e).find((k) => k.endsWith('EventAttributes') && e[k as keyof HistoryEvent] != null);
  if (key === undefined) return 'UNSPECIFIED';
  return key
    .replace(/EventAttributes$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
}

/** Maps a workflow history to the events an operator cares about; workflow-task bookkeeping is left out. */
export function timelineFromHistory(events: HistoryEvent[]): TimelineEntry[] {
  const scheduled: Scheduled = new Map();
  const out: TimelineEntry[] = [];
  for (const e of events) {
    const d = describe(e, scheduled);
    if (d === null) continue;
    const type = eventTypeName(e);
    out.push({ eventId: num(e.eventId), time: eventTime(e), type, ...d });
  }
  return out;
}

const timelineEntrySchema = {
  type: 'object',
  properties: {
    eventId: { type: 'integer' },
    time: { type: 'string', format: 'date-time' },
    type: { type: 'string' },
    title: { type: 'string' },
    detail: { type: ['string', 'null'] },
    level: { type: 'string', enum: ['info', 'success', 'warning', 'error'] },
  },
} as const;

export default async function consoleRoutes(fastify: FastifyInstance, ctx: ApiContext): Promise<void> {
  const html = await readFile(path.join(webRoot(), 'console.html'), 'utf8');
  const page = { schema: { hide: true } };
  const permissions = 'camera=(), microphone=(), geolocation=()';
  fastify.get('/console', page, async (_request, reply) => sendPage(reply, html, permissions));
  fastify.get('/console/', page, async (_request, reply) => sendPage(reply, html, permissions));

  fastify.get<{ Params: { id: string } }>('/v1/operator/sessions/:id/timeline', {
    preHandler: ctx.guards.operator,
    schema: {
      tags: ['operator'],
      summary: "A session's workflow history as a readable timeline",
      description: 'Read from Temporal. Empty until the first upload starts the workflow.',
      security: [{ operatorCookie: [] }],
      params: { type: 'object', properties: { id: sessionIdParam }, required: ['id'] },
      response: {
        200: {
          type: 'object',
          properties: {
            workflowId: { type: 'string' },
            started: { type: 'boolean' },
            temporalUiUrl: { type: ['string', 'null'] },
            events: { type: 'array', items: timelineEntrySchema },
          },
        },
        ...errors(401, 404, 503),
      },
    },
    handler: async (request) => {
      const session = await getSession(ctx.db, request.params.id);
      if (session === undefined)
        throw new ApiError('SESSION_NOT_FOUND', `session ${request.params.id} not found`);
      const base = { workflowId: session.workflowId, temporalUiUrl: ctx.temporalUiUrl(session.workflowId) };
      try {
        const history = await ctx.temporal.workflow.getHandle(session.workflowId).fetchHistory();
        return { ...base, started: true, events: timelineFromHistory(history.events ?? []) };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return { ...base, started: false, events: [] };
        throw err;
      }
    },
  });
}
