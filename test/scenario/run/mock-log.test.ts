/** Attribution from the mocks' logs: who served each request, and how often each provider was tried. */
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../../src/metrics/record.js';
import { attributeRecords, servedBySeq } from '../../../src/scenario/run/mock-log.js';

function entry(id: string, status: number | null, endedAt: number) {
  return { seq: 0, id, headerId: id, markerId: null, outcome: status === 200 ? 'ok' : 'error', status, endedAt };
}

describe('servedBySeq', () => {
  it('counts attempts per provider and names the provider that answered', () => {
    const logs = new Map([
      ['primary', [entry('rb-0', 503, 10), entry('rb-0', 503, 20), entry('rb-0', 503, 30), entry('rb-1', 200, 40)]],
      ['fallback', [entry('rb-0', 200, 50)]],
    ]);
    const served = servedBySeq(logs);
    expect(served.get(0)).toMatchObject({ provider: 'fallback', attempts: 4, byProvider: { primary: 3, fallback: 1 } });
    expect(served.get(1)).toMatchObject({ provider: 'primary', attempts: 1, byProvider: { primary: 1 } });
  });

  it('puts the per-provider counts on the records, even where the target named the provider itself', () => {
    const served = servedBySeq(new Map([['primary', [entry('rb-0', 503, 10), entry('rb-0', 503, 20)]]]));
    const record: RequestRecord = {
      seq: 0,
      intendedMs: 0,
      sentMs: 0,
      endMs: 5,
      outcome: 'ok',
      provider: 'fallback',
      attempts: 3,
    };
    const [attributed] = attributeRecords([record], served);
    expect(attributed).toMatchObject({ provider: 'fallback', attempts: 3, attemptsByProvider: { primary: 2 } });
  });
});
