/** Automatic learner selection (`--learner auto`). */
export { selectLearner, type AutoCandidateReport, type AutoOptions, type AutoReport } from './select.js';
export { autoCandidates, type Candidate } from './space.js';
