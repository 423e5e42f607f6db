// Owns the public face of the composition: what entry points, CLIs, tests and benchmarks import.
// modules.ts wires the modules, event-table.ts says who handles which event, adapters.ts picks the adapters, rate-limits.ts counts attempts and
// query cost, runtime.ts runs a process (pool, Redis, worker, shutdown), api.ts assembles the API.
export { createAdapters, createEmailSender, createPaymentGateway, type Adapters, type RunningAdapters } from './adapters';
export { buildApiSchema, type ApiServer } from './api';
export { EVENT_VERSIONS, type AppEvents } from './event-table';
export { composeDetachedApplication, type AppLiveTopics, type Application, type Modules } from './modules';
export { connectDatabase, createRuntime, type Runtime } from './runtime';
