/** Ensemble learners: `voting` (soft/hard) and `stacking` over member learners. */
export { votingKind, VotingFitted, VOTING_DEFAULTS } from './voting.js';
export { stackingKind, StackingFitted, STACKING_DEFAULTS } from './stacking.js';
export { type MemberSpec } from './members.js';
