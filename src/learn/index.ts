/**
 * Registers every built-in learner. Import this module (not the individual learners) to get them all.
 */
export { createLearner, learnerKind, learnerKinds, loadFitted, registerLearner } from './registry.js';
