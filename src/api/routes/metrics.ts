// Prometheus text metrics: aggregate counts only (no ids, no personal data), so the endpoint needs no key and a
// scraper can alert on kyc_duplicate_inferences > 0, the number the idempotency design keeps at zero.
import type { FastifyInstance } from 'fastify';
import { SESSION_STATUSES } from '../../definitions';
import { countSessionsByStatus, ledgerSummary } from '../../db/repositories';
import type { ApiContext } from '../context';

interface Metric {
  name: string;
  help: string;
  samples: Array<{ labels?: Record<string, string>; value: number }>;
}

function render(metrics: Metric[]): string {
  const lines: string[] = [];
  for (const m of metrics) {
    lines.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} gauge`);
    for (const s of m.samples) {
      const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${v}"`);
      lines.push(`${m.name}${labels.length > 0 ? `{${labels.join(',')}}` : ''} ${s.value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export default async function metricsRoutes(fastify: FastifyInstance, opts: ApiContext): Promise<void> {
  fastify.get('/metrics', {
    schema: {
      tags: ['health'],
      summary: 'Prometheus metrics: sessions by status and the inference ledger',
      produces: ['text/plain'],
      response: { 200: { type: 'string' } },
    },
    handler: async (_request, reply) => {
      const [sessions, ledger] = await Promise.all([countSessionsByStatus(opts.db), ledgerSummary(opts.db)]);
      const body = render([
        {
          name: 'kyc_sessions',
          help: 'Sessions by status.',
          samples: SESSION_STATUSES.map((status) => ({ labels: { status }, value: sessions[status] ?? 0 })),
        },
        {
          name: 'kyc_inference_runs',
          help: 'Face inferences in the ledger by outcome (died = started, never finished).',
          samples: (['completed', 'failed', 'died'] as const).map((outcome) => ({
            labels: { outcome },
            value: ledger[outcome],
          })),
        },
        {
          name: 'kyc_face_match_keys',
          help: 'Idempotency keys with at least one inference.',
          samples: [{ value: ledger.keys }],
        },
        {
          name: 'kyc_duplicate_inferences',
          help: 'Completed inferences beyond the first for their idempotency key (should be 0).',
          samples: [{ value: ledger.duplicateInferences }],
        },
      ]);
      return reply.type('text/plain; version=0.0.4').send(body);
    },
  });
}
