/**
 * Registers every built-in learner. Import this module (not the individual learners) to get them all.
 */
import { linearKind } from './linear/linear.js';
import { registerLearner } from './registry.js';
import { gbdtKind } from './gbdt/gbdt.js';

registerLearner(linearKind);
registerLearner(gbdtKind);

export { createLearner, learnerKind, learnerKinds, loadFitted, registerLearner } from './registry.js';
