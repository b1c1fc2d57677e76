/**
 * Registers every built-in learner. Import this module (not the individual learners) to get them all.
 */
import { linearKind } from './linear/linear.js';
import { registerLearner } from './registry.js';
import { gbdtKind } from './gbdt/gbdt.js';
import { stackingKind, votingKind } from './ensemble/index.js';
import { extraTreesKind, forestKind, treeKind } from './tree/index.js';

registerLearner(linearKind);
registerLearner(gbdtKind);
registerLearner(treeKind);
registerLearner(forestKind);
registerLearner(extraTreesKind);
registerLearner(votingKind);
registerLearner(stackingKind);

export { createLearner, learnerKind, learnerKinds, loadFitted, registerLearner } from './registry.js';
