// replay.mjs: the two timed replays, the same for every library (the
// adapter contract is described in adapters/index.mjs).

// replaySequential applies each trace transaction as one library transaction
// on a fresh replica and reads the text once at the end.
export function replaySequential(adapter, trace) {
  const doc = adapter.create(0);
  for (const txn of trace.txns) adapter.transact(doc, txn.patches);
  return { doc, text: adapter.text(doc) };
}

// replayConcurrent runs a concurrentSchedule (lib/traces.mjs): one replica per
// agent, each local transaction's update taken right after it and applied by
// every other replica in causal order. An update is dropped once every other
// replica has applied it. Returns the replicas and their texts.
export function replayConcurrent(adapter, schedule) {
  const n = schedule.numAgents;
  const docs = adapter.replicas(n);
  const updates = Array.from({ length: n }, () => []);
  const readers = Array.from({ length: n }, () => []);
  for (const s of schedule.steps) {
    if (s.op === 'local') {
      const bytes = adapter.transactUpdate(docs[s.agent], s.patches);
      updates[s.agent].push(bytes);
      readers[s.agent].push(n - 1);
    } else {
      adapter.applyUpdate(docs[s.to], updates[s.from][s.index]);
      if (--readers[s.from][s.index] === 0) updates[s.from][s.index] = null;
    }
  }
  return { docs, texts: docs.map((d) => adapter.text(d)) };
}
