# syntax=docker/dockerfile:1
# keypool's image: docker build -t keypool . (docker-compose.yml builds it too).
#
# The config is read from /etc/keypool/keypool.yaml ($KEYPOOL_CONFIG); the image carries
# config/keypool.docker.yaml there, and a mounted file replaces it. keypool listens on
# 0.0.0.0:8787 inside the container, which the config loader allows only together with client
# tokens (clients:), or with server.allowAnonymous: true.

ARG NODE_IMAGE=node:22-slim

# Build: every dependency, then the TypeScript compile into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Runtime: production dependencies only, the compiled code, and no root.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    KEYPOOL_CONFIG=/etc/keypool/keypool.yaml \
    KEYPOOL_HEALTH_URL=http://127.0.0.1:8787/keypool/health
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config/keypool.docker.yaml /etc/keypool/keypool.yaml

# The official Node images ship an unprivileged `node` user (uid 1000).
USER node
EXPOSE 8787

# Slim images have no curl: Node's own fetch asks /keypool/health.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.KEYPOOL_HEALTH_URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# SIGTERM reaches node directly (exec form), so keypool drains calls before it exits.
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["serve"]
