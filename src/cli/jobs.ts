import 'reflect-metadata';
import { bootstrap } from '../platform/bootstrap';
import { FailedJobs } from '../platform/jobs';
import { withDatabase } from './with-database';

const USAGE = 'npm run jobs -- failed | retry <id> [<id> …]';

/** The dead-letter tools: list the jobs that used up their attempts, and give them another go. */
async function main(): Promise<void> {
  const [command, ...ids] = process.argv.slice(2);
  if (command !== 'failed' && !(command === 'retry' && ids.length > 0 && ids.every((id) => /^\d+$/.test(id)))) {
    process.stderr.write(`usage: ${USAGE}\n`);
    process.exit(2);
  }
  const { config, logger } = bootstrap('jobs');
  await withDatabase(config, logger, async (database) => {
    const failed = new FailedJobs(database);
    if (command === 'failed') {
      const jobs = await failed.list();
      if (jobs.length === 0) process.stdout.write('no failed jobs\n');
      for (const job of jobs) {
        process.stdout.write(
          `${job.id}\t${job.task}\tattempts ${job.attempts}/${job.maxAttempts}\t${job.updatedAt.toISOString()}\t${job.lastError?.split('\n')[0] ?? ''}\n`,
        );
      }
      return;
    }
    const retried = await failed.retry(ids);
    const skipped = ids.filter((id) => !retried.includes(id));
    process.stdout.write(`scheduled again: ${retried.join(', ') || 'none'}\n`);
    if (skipped.length > 0) process.stdout.write(`not failed (or unknown), left alone: ${skipped.join(', ')}\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`jobs failed: ${String(error)}\n`);
  process.exit(1);
});
