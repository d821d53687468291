// The console's timeline: committed workflow histories (the replay fixtures) mapped to operator-readable events.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { timelineFromHistory } from '../../../src/api/routes/console';
import { loadHistory } from '../../replay/histories';

const titles = (name: string) => timelineFromHistory(loadHistory(name).events ?? []).map((e) => e.title);

void describe('timelineFromHistory', () => {
  void test('an approved session reads as files, status changes, face match and webhook', () => {
    const events = timelineFromHistory(loadHistory('approved').events ?? []);
    const t = events.map((e) => e.title);
    assert.equal(t[0], 'Session workflow started');
    assert.equal(events[0]?.type, 'WORKFLOW_EXECUTION_STARTED');
    assert.equal(t.filter((x) => x === 'File submitted').length, 2);
    for (const wanted of [
      'Status: processing',
      'Face match completed',
      'Status: approved',
      'Session workflow completed',
    ]) {
      assert.ok(t.includes(wanted), `${wanted} in ${t.join(' | ')}`);
    }
    const match = events.find((e) => e.title === 'Face match completed');
    assert.match(String(match?.detail), /^approved · similarity \d\.\d{3}/);
    assert.ok(!t.some((x) => /workflow task/i.test(x)), 'workflow-task bookkeeping is left out');
    assert.ok(events.every((e) => !Number.isNaN(Date.parse(e.time))));
  });

  void test('a retried face match shows the earlier failure on the started event', () => {
    const events = timelineFromHistory(loadHistory('retried').events ?? []);
    const started = events.find((e) => e.title === 'Face match started');
    assert.ok(started, events.map((e) => e.title).join(' | '));
    assert.match(String(started.detail), /attempt [2-9]; previous attempt failed/);
    assert.equal(started.level, 'warning');
  });

  void test('expired and canceled sessions end with their status', () => {
    assert.ok(titles('expired').includes('Status: expired'));
    assert.ok(titles('expired').includes('Timer fired'));
    assert.ok(titles('canceled').includes('Cancel requested'));
    assert.ok(titles('canceled').includes('Status: canceled'));
  });
});
