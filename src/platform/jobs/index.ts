export { outboxInsertSql, PostgresJobQueue, type EnqueueOptions, type JobName, type JobPayloads, type JobQueue } from './job-queue';
export type { JobWorker, JobWorkerOptions } from './worker';
export { startJobWorker } from './start-worker';
export type { JobHandler, RunningJob } from './job-task';
export { FailedJobs, type FailedJob } from './failed-jobs';
export { RetryLaterError } from './retry-later';
