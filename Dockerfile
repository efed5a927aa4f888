# Switchboard: one server process per container. Run several behind a load balancer, all sharing one
# Redis (or Redis Cluster) and one Postgres (see docker-compose.yml, docs/deploy.md and "Scale-out" in the
# README).

# Build stage: all dependencies (esbuild among them), then dist/ (server, CLI, browser bundles).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: production dependencies only, the build, and the files the server reads at run time.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data
# scripts/ first: `npm ci` runs `prepare`, which keeps the copied dist/ when esbuild (a dev tool) is absent.
COPY package.json package-lock.json ./
COPY scripts ./scripts
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY content ./content
COPY drizzle ./drizzle
COPY src/server/public ./src/server/public
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node

EXPOSE 3000
# Liveness: the process answers. (Readiness, /readyz, is for the load balancer: see docker-compose.yml.)
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node itself is the process the container's stop signal reaches: SIGTERM finishes in-flight turns
# within SHUTDOWN_GRACE_MS, then exits. (compose sets `init: true` so zombies are reaped too.)
CMD ["node", "dist/cli.js", "serve"]
