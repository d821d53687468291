// Loads the committed histories written by scripts/make-histories.ts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { History } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.join(__dirname, 'histories');

export const historyNames = (): string[] =>
  readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();

/** fromObject turns the message JSON (enum names, base64 bytes, string int64s) back into a History message. */
export function loadHistory(name: string): History {
  const json: unknown = JSON.parse(readFileSync(path.join(HISTORIES_DIR, `${name}.json`), 'utf8'));
  return temporal.api.history.v1.History.fromObject(json as Record<string, unknown>);
}

export function workflowIdOf(history: History): string {
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  return started?.workflowId ?? `replay-${started?.originalExecutionRunId ?? 'unknown'}`;
}
