import { describe, expect, it } from 'vitest';
import { rollbackTarget, type AliasEvent } from './rollback.js';

const set = (version: string): AliasEvent => ({ action: 'promote', version });
const back = (version: string): AliasEvent => ({ action: 'rollback', version });
const all = (): boolean => true;

describe('rollbackTarget', () => {
  it('undoes the last move, then the one before (not a toggle)', () => {
    expect(rollbackTarget([set('1'), set('2'), set('3')], '3', all)).toBe('2');
    expect(rollbackTarget([set('1'), set('2'), set('3'), back('2')], '2', all)).toBe('1');
    expect(rollbackTarget([set('1'), set('2'), set('3'), back('2'), back('1')], '1', all)).toBeNull();
  });

  it('a move after a rollback starts a new branch', () => {
    expect(rollbackTarget([set('1'), set('2'), back('1'), set('4')], '4', all)).toBe('1');
  });

  it('skips versions that no longer exist, and stops at an earlier "absent"', () => {
    expect(rollbackTarget([set('1'), set('2'), set('3')], '3', (v) => v !== '2')).toBe('1');
    expect(rollbackTarget([set('1'), { action: 'alias.remove', version: null }, set('3')], '3', all)).toBeNull();
  });

  it('trusts the aliases table when history is missing the current value', () => {
    expect(rollbackTarget([set('1'), set('2')], '5', all)).toBe('2');
    expect(rollbackTarget([], '5', all)).toBeNull();
  });

  it('replays a rollback that skipped a deleted version', () => {
    // 1 → 2 → 3, 2 deleted, rollback went to 1; now at 1: nothing earlier.
    expect(rollbackTarget([set('1'), set('2'), set('3'), back('1')], '1', (v) => v !== '2')).toBeNull();
  });
});
