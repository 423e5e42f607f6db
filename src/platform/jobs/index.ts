export { outboxInsertSql, PostgresJobQueue, type EnqueueOptions, type JobName, type JobPayloads, type JobQueue } from './job-queue';
export { JobWorker, type JobWorkerOptions } from './worker';
export type { JobHandler, RunningJob } from './job-task';
export { FailedJobs, type FailedJob } from './failed-jobs';
export { RetryLaterError } from './retry-later';
