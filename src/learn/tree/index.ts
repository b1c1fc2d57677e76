/** Tree learners on binned data: `tree` (CART), `forest` (random forest), `extra_trees`. */
export { treeKind, forestKind, extraTreesKind, TreeFitted } from './forest.js';
