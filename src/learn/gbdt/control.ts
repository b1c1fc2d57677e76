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
