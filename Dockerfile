# The API and the worker: one image, two commands (see docker-compose.yml).
FROM node:20.19-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: production talks to a real Temporal and PostgreSQL, so no binaries are fetched.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:20.19-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json config.ts logger.ts ./
COPY api ./api
COPY activities ./activities
COPY workflows ./workflows
COPY db ./db
COPY scripts ./scripts
USER node
EXPOSE 3000
CMD ["node", "--import", "tsx", "scripts/api.ts"]
