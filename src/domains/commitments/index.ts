// Public face of the commitments domain (信用承诺): online 主动型 commitments, fulfilment marks, breaches and
// the figures for monitoring and scorecards. Other domains import commitments only from here.
export { breaches, commitmentStats, makeVoluntaryCommitment, markFulfilment, voluntaryCommitments } from './commitments.service.ts';
export type { CommitmentStats } from './commitments.schemas.ts';
export { commitmentsByKind, type CommitmentKindCount } from './commitments.stats.ts';
export { commitmentsAuditTargets } from './audit.targets.ts';
