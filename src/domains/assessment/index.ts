// Public face of the assessment domain (部门考核): the scorecard core (database-free) and the monthly
// scorecards over the database, for the monitoring briefing and the CLI.
export { AssessmentError, type AssessmentErrorCode } from './errors.ts';
export {
  DEFAULT_SCORECARD_WEIGHTS,
  scorecards,
  scorecardsToXlsx,
  validateScorecardWeights,
  type Department,
  type Expectation,
  type FeedbackStat,
  type HandlingStat,
  type ScorecardWeightsInput,
  type Scorecard,
  type ScorecardOptions,
  type ScorecardWeights,
  type SubmissionRecord,
} from './scorecards.ts';
export {
  BATCH_SCORECARD_WEIGHTS,
  EXPECTED_VOLUMES_KEY,
  SCORECARD_WEIGHTS_KEY,
  scorecardsFor,
  scorecardsView,
  scorecardsXlsx,
  type ScorecardsResult,
} from './assessment.service.ts';
export { currentMonth } from './util.ts';
