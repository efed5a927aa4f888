# Switchboard: one server process per container. Run several behind a load balancer, all sharing one
# Redis and one Postgres (see docker-compose.yml and "Scale-out" in the README).
FROM node:20-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/data

# Dependencies first, from the lockfile, so code changes do not reinstall them. The server runs the
# TypeScript sources with tsx (a runtime dependency); dev tools (tests, linters) are left out.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
RUN mkdir -p /app/data && chown -R node:node /app/data
USER node

EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM finishes in-flight turns before exiting (SHUTDOWN_GRACE_MS); run with an init (compose: init).
CMD ["npm", "start"]
