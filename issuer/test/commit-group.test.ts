// The PostgreSQL engine's group commit, on its own: grouping, per-item
// outcomes, whole-group failure. The engine's use of it (savepoints, one
// audit head lock per group) is tested on a real server in
// storage-group-commit.test.ts and by the contract suite and replicas test.
import test from 'ava';
import { createCommitGroup, type GroupOutcome } from '../src/storage/postgres/commit-group.js';

function deferred() {
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { done, release };
}

test('calls arriving while a group commits go together into the next one, each with its own outcome', async (t) => {
  const groups: number[][] = [];
  const first = deferred();
  const submit = createCommitGroup<number, string>(
    async (items) => {
      groups.push(items);
      if (groups.length === 1) await first.done;
      return items.map(
        (n): GroupOutcome<string> =>
          n % 2 ? { ok: true, value: `odd ${n}` } : { ok: false, error: new Error(`even ${n}`) },
      );
    },
    { maxItems: 3 },
  );
  const results = [1, 2, 3, 4, 5, 6].map((n) =>
    submit(n).then(
      (v) => v,
      (e: Error) => e.message,
    ),
  );
  await new Promise((r) => setImmediate(r));
  first.release();
  t.deepEqual(await Promise.all(results), ['odd 1', 'even 2', 'odd 3', 'even 4', 'odd 5', 'even 6']);
  // The first call commits alone; the five that waited fill groups of at most three, in arrival order.
  t.deepEqual(groups, [[1], [2, 3, 4], [5, 6]]);
});

test('a failed transaction fails every call of its group and none of the next', async (t) => {
  let calls = 0;
  const gate = deferred();
  const submit = createCommitGroup<string, string>(
    async (items) => {
      calls += 1;
      if (calls === 1) await gate.done;
      if (calls === 2) throw new Error('connection lost');
      return items.map((value) => ({ ok: true as const, value }));
    },
    { maxItems: 10 },
  );
  const a = submit('a');
  const b = submit('b');
  const c = submit('c');
  gate.release();
  t.is(await a, 'a');
  await t.throwsAsync(b, { message: 'connection lost' });
  await t.throwsAsync(c, { message: 'connection lost' });
  t.is(await submit('d'), 'd');
});

test('a commit that answers too few outcomes rejects the unanswered calls instead of leaving them waiting', async (t) => {
  const gate = deferred();
  let first = true;
  const submit = createCommitGroup<number, number>(
    async (items) => {
      if (first) {
        first = false;
        await gate.done;
        return items.map((value) => ({ ok: true as const, value }));
      }
      return [{ ok: true, value: items[0]! }];
    },
    { maxItems: 5 },
  );
  const head = submit(0);
  const x = submit(1);
  const y = submit(2);
  gate.release();
  t.is(await head, 0);
  t.is(await x, 1);
  await t.throwsAsync(y, { message: /fewer outcomes/ });
});

test('maxItems below one is refused', (t) => {
  t.throws(() => createCommitGroup(async () => [], { maxItems: 0 }), { instanceOf: RangeError });
});

test('with concurrency 2 a second group starts while the first commits, and no more than two run at once', async (t) => {
  const gates = [deferred(), deferred()];
  let running = 0;
  let most = 0;
  const groups: number[][] = [];
  const submit = createCommitGroup<number, number>(
    async (items) => {
      groups.push(items);
      running += 1;
      most = Math.max(most, running);
      const gate = gates[groups.length - 1];
      if (gate) await gate.done;
      running -= 1;
      return items.map((value) => ({ ok: true as const, value }));
    },
    { maxItems: 2, concurrency: 2 },
  );
  const all = [1, 2, 3, 4, 5].map((n) => submit(n));
  await new Promise((r) => setImmediate(r));
  // Two groups are in flight, the rest wait.
  t.deepEqual(groups, [[1], [2]]);
  for (const g of gates) g.release();
  t.deepEqual(await Promise.all(all), [1, 2, 3, 4, 5]);
  t.is(most, 2);
  t.throws(() => createCommitGroup(async () => [], { maxItems: 1, concurrency: 0 }), { instanceOf: RangeError });
});

test('a commit that resolves with something other than outcomes rejects every call of its group', async (t) => {
  const submit = createCommitGroup<number, number>(async () => 'nonsense' as never, { maxItems: 4 });
  await t.throwsAsync(submit(1), { message: /fewer outcomes/ });
  await t.throwsAsync(submit(2), { message: /fewer outcomes/ });
});
