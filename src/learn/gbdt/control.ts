/**
 * The caller's side of the worker hand-off shared by the histogram and predict pools: a worker
 * stores the sequence number of the task it finished in ctrl[3] and notifies.
 */

/**
 * Waits until the worker has stored `seq` in ctrl[3]. The value compared and the value waited on must
 * be the same load: re-reading ctrl[3] for `Atomics.wait` after the check let the worker's store (and
 * its notify) fall between the two reads, and the caller then slept on the new value (forever, or
 * until `timeoutMs`).
 *
 * @example
 * ```ts
 * Atomics.store(ctrl, 0, ++seq);
 * Atomics.notify(ctrl, 0);
 * waitDone(ctrl, seq);
 * ```
 */
export function waitDone(ctrl: Int32Array, seq: number, timeoutMs?: number): void {
  for (let v = Atomics.load(ctrl, 3); v !== seq; v = Atomics.load(ctrl, 3)) Atomics.wait(ctrl, 3, v, timeoutMs);
}

/**
 * Posts task `cmd` on rows [from, to) under sequence number `seq` and wakes the worker, which
 * reads ctrl[1], ctrl[2] and ctrl[4] after it sees the new ctrl[0] (the store is the release).
 */
export function postTask(ctrl: Int32Array, seq: number, cmd: number, from: number, to: number): void {
  ctrl[1] = from;
  ctrl[2] = to;
  ctrl[4] = cmd;
  Atomics.store(ctrl, 0, seq);
  Atomics.notify(ctrl, 0);
}
