export { addJobsSql, PostgresJobQueue, type EnqueueOptions, type JobName, type JobPayloads, type JobQueue } from './job-queue';
export { JobWorker, type JobHandler, type JobWorkerOptions, type RunningJob } from './worker';
export { FailedJobs, type FailedJob } from './failed-jobs';
export { RetryLaterError } from './retry-later';
