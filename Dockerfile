# modelyard prediction server image: multi-stage, runs as a non-root user.
# No Docker engine was available where this file was written, so it has not been built; see docs/http.md.
#   docker build -t modelyard .
#   docker run -p 8080:8080 -v $PWD/.modelyard:/data -e MODELYARD_HOME=/data modelyard
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts=false
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
# scripts/bundle-cli.mjs: `npm run build` bundles the CLI (faster start-up; bin/modelyard.js uses it).
COPY scripts ./scripts
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 MODELYARD_HOME=/data
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
RUN mkdir -p /data && chown -R node:node /data
USER node
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM (docker stop) drains in-flight requests before exiting.
ENTRYPOINT ["node", "bin/modelyard.js", "serve"]
