// Replays committed histories (approved, retried, expired, canceled) against today's workflow code: a change
// that would break sessions already running in production fails here. Regenerate with scripts/make-histories.ts.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DeterminismViolationError } from '@temporalio/workflow';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { installWorkerRuntime } from '../../src/workers/sdk-runtime';
import { historyNames, loadHistory, workflowIdOf } from './histories';

const noop = () => undefined;
const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
const REQUIRED = ['approved', 'canceled', 'expired', 'retried'];

let current: WorkflowBundleWithSourceMap;
let altered: WorkflowBundleWithSourceMap;

before(async () => {
  installWorkerRuntime('error');
  current = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger });
  altered = await bundleWorkflowCode({ workflowsPath: require.resolve('./altered'), logger });
});

void describe('kycSession replay', () => {
  void test('the committed histories cover approved, retried, expired and canceled', () => {
    for (const name of REQUIRED) assert.ok(historyNames().includes(name), `missing history ${name}`);
    const retried = loadHistory('retried');
    const attempts = (retried.events ?? []).map((e) => e.activityTaskStartedEventAttributes?.attempt ?? 0);
    assert.ok(Math.max(...attempts) >= 2, 'the retried history holds a second face-match attempt');
  });

  for (const name of REQUIRED) {
    void test(`replays ${name} without nondeterminism`, async () => {
      const history = loadHistory(name);
      await Worker.runReplayHistory({ workflowBundle: current }, history, workflowIdOf(history));
    });
  }

  void test('all histories replay in one worker (runReplayHistories)', async () => {
    const histories = historyNames().map((name) => {
      const history = loadHistory(name);
      return { history, workflowId: workflowIdOf(history) };
    });
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: current }, histories)) {
      if (result.error !== undefined) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    assert.deepEqual(failures, []);
  });

  void test('negative: an incompatible workflow change fails with a DeterminismViolationError', async () => {
    const history = loadHistory('approved');
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: altered }, history, workflowIdOf(history)),
      (err: unknown) => {
        assert.ok(
          err instanceof DeterminismViolationError,
          `expected DeterminismViolationError, got ${String(err)}`,
        );
        return true;
      },
    );
  });
});
