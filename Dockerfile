# syntax=docker/dockerfile:1
#
# The kiss-scene bot's production image: the compiled bot (dist/) on Node 24, with only its
# production dependencies, run as the unprivileged `node` user. `compose.yaml` runs it three ways
# (the sharding manager, the REST proxy, one-off commands); alone it runs one process on SQLite:
#   docker build -t kiss-scene-bot .
#   docker run -d --env-file .env -e METRICS_PORT=9464 -v kiss-data:/app/data/state kiss-scene-bot
# (.env.example's empty `METRICS_PORT=` would otherwise replace the port set below, and turn off the
# /healthz the health check reads; `-e` wins over `--env-file`, as compose.yaml's `environment` does.)
# `npm run docker:check` builds it and checks it starts.

# ---- build: compile the TypeScript to dist/ (needs the development tools) ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The root package's tools only (TypeScript); the workspaces (simulator, playground) are for tests.
# Install scripts are skipped: compiling needs no native module.
RUN npm ci --workspaces=false --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-assets.mjs scripts/
COPY src src
COPY commands commands
COPY data/stories data/stories
# dist/src, dist/commands, and the JSON read at run time (dist/src/i18n, dist/data/stories).
RUN npm run build

# ---- production dependencies only, with the SQLite driver built for this platform ----
FROM node:24-bookworm-slim AS prod-deps
# The SQLite driver (sqlite3) downloads a prebuilt binary, or compiles itself when there is none.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --workspaces=false --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
# /healthz and /metrics, inside the container (127.0.0.1): the health check below reads them.
# Set METRICS_HOST=0.0.0.0 and publish the port only if something outside scrapes /metrics.
ENV METRICS_PORT=9464
WORKDIR /app
COPY package.json ./
COPY --from=prod-deps /app/node_modules node_modules
COPY --from=build /app/dist dist
# The SQLite file (STORE_URL's default, sqlite://data/state/bot.sqlite) lives on a volume the
# unprivileged user can write; with Redis (compose.yaml) it stays empty.
RUN mkdir -p data/state && chown node:node data/state
VOLUME ["/app/data/state"]
USER node
# Healthy when every shard of the process is ready and the store answers (see README "Health and metrics").
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
  CMD ["node", "-e", "const port=process.env.METRICS_PORT;if(!port){console.error('METRICS_PORT is empty: /healthz is off');process.exit(1)}fetch('http://127.0.0.1:'+port+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/src/main.js"]
