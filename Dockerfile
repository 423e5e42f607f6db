# storefront-graph: one image for every process. See docs/running-in-production.md.
#
#   API (default):  node dist/src/main.js --no-worker     HTTP + WebSocket on PORT (4000), /metrics there
#   worker:         node dist/src/worker.js               jobs and event handlers, /metrics on METRICS_PORT (9464)
#   migrations:     node dist/src/cli/migrate.js          one-off step before a rollout (MIGRATION_DATABASE_URL)
#
# Build: docker build -t storefront-graph .

# ---- build: compile TypeScript to dist/ ------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app

COPY package.json package-lock.json ./
# tsc needs no install scripts (they only set up the embedded PostgreSQL and native dev tools).
RUN npm ci --ignore-scripts --no-audit --no-fund

COPY tsconfig.json tsconfig.build.json ./
COPY schema.graphql persisted-operations.json ./
COPY src ./src
COPY migrations ./migrations
COPY scripts ./scripts
COPY explorer ./explorer
# tsc -p tsconfig.build.json: src/ and migrations/ to dist/src and dist/migrations (no specs);
# then the explorer bundle to dist/explorer (served only where GRAPHQL_SANDBOX is on).
RUN npm run build

# ---- runtime: production dependencies and the compiled JS only -------------------------------
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
# --ignore-scripts: install scripts are only needed for the embedded PostgreSQL of development
# (`npm start` without DATABASE_URL links its binaries); the other production one only prints
# protobufjs version notices. In production DATABASE_URL always points at a real server.
# The embedded binary package still lands in node_modules (an optional dependency; --omit=optional
# would also drop @node-rs/argon2's native binary, which password hashing needs).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

COPY --from=build /app/dist ./dist
# The trusted-documents manifest (TRUSTED_DOCUMENTS_MANIFEST, read relative to /app).
COPY persisted-operations.json ./

# The official image's unprivileged user (uid 1000). The app writes nothing to disk.
USER node

# 4000: the API (PORT). 9464: the worker's metrics (METRICS_PORT).
EXPOSE 4000 9464

# Liveness of the API; slim images have no curl, so Node's built-in fetch does the request.
# (The worker and other commands are given their own check in docker-compose.yml.)
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

CMD ["node", "dist/src/main.js", "--no-worker"]
