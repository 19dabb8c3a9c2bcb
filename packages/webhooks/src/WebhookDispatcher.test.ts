import type { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { WebhookDispatcher } from './WebhookDispatcher.js';

/** A data source whose delivery queries answer when the test says so, counting them. */
function heldQueries() {
  const answers: ((rows: unknown[]) => void)[] = [];
  const builder = {
    where: () => builder,
    orderBy: () => builder,
    limit: () => builder,
    select: () => builder,
    getMany: () => new Promise<unknown[]>((resolve) => answers.push(resolve)),
    getRawOne: async () => ({ at: null }),
  };
  const dataSource = { getRepository: () => ({ createQueryBuilder: () => builder }) } as unknown as DataSource;
  return { dataSource, answers };
}

const logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => logger } as never;

describe('WebhookDispatcher stop', () => {
  it('runs one more pass for a commit that kicked while the running pass was querying, even when stopping', async () => {
    const q = heldQueries();
    const d = new WebhookDispatcher({
      dataSource: q.dataSource,
      transactor: {} as never,
      logger,
      options: {} as never,
      endpoints: [],
    });
    d.start(); // pass 1 queries; its answer is held
    await Promise.resolve();
    expect(q.answers).toHaveLength(1);
    d.kick(); // a transaction committed an outbox row its query may not have seen
    const stopped = d.stop(); // a short-lived process stops right after that commit
    q.answers[0]?.([]);
    // pass 2 must query again (before the fix the stopping pass returned, and the committed row waited for a restart)
    await new Promise((r) => setImmediate(r));
    expect(q.answers).toHaveLength(2);
    q.answers[1]?.([]);
    await stopped;
    expect(q.answers).toHaveLength(2);
  });
});
