/**
 * Rollback as "undo": an alias's history is a stack replayed from the audit log. Setting or
 * promoting pushes a version, removing pushes "absent", and a rollback pops back to what it
 * restored — so rolling back twice steps back two promotions (A → B → C, rollback → B, rollback →
 * A) instead of toggling between the last two, and versions deleted since are skipped.
 */

/** One alias-history event, oldest first (from audit rows of one model and alias). */
export interface AliasEvent {
  action: string;
  /** The version the alias pointed at after the event (null: removed). */
  version: string | null;
}

/**
 * The version a rollback of an alias should restore, or null when there is none.
 *
 * @param events the alias's events since the model was (re)created, oldest first
 * @param current the version the alias points at now (the aliases table is the truth)
 * @param exists whether a version is still registered
 *
 * @example
 * ```ts
 * rollbackTarget([{ action: 'promote', version: '1.0.0' }, { action: 'promote', version: '1.0.1' }], '1.0.1', () => true); // '1.0.0'
 * ```
 */
export function rollbackTarget(events: AliasEvent[], current: string | null, exists: (v: string) => boolean): string | null {
  const stack: (string | null)[] = [];
  const push = (v: string | null): void => {
    if (stack.length === 0 || stack[stack.length - 1] !== v) stack.push(v);
  };
  for (const ev of events) {
    if (ev.action === 'rollback') {
      // Replay the pop the rollback did: down to the version it restored.
      stack.pop();
      while (stack.length > 0 && stack[stack.length - 1] !== ev.version) stack.pop();
      if (stack.length === 0) stack.push(ev.version);
    } else if (ev.action === 'alias.remove') {
      push(null);
    } else {
      push(ev.version);
    }
  }
  // The aliases table is the truth about now, even if history was recorded differently.
  push(current);
  stack.pop();
  while (stack.length > 0) {
    const v = stack[stack.length - 1];
    if (v === null) return null; // the alias did not exist before: nothing to restore
    if (v !== current && exists(v)) return v;
    stack.pop();
  }
  return null;
}
