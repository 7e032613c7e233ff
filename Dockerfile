# One image for the host and the registry (the command picks which). Built from a clean checkout:
#   docker build -t archnest .
# The core plugins shipped in host/core-plugins are the officially signed tarballs the release workflow
# produces (.github/workflows/release.yml); copy them there before building a release image.

# The workspace manifests alone, at their paths: the dependency layer below is rebuilt only when one of
# them (or the lockfile) changes, not on every source edit.
FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
  | xargs -I{} cp --parents {} /manifests/

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1
COPY --from=manifests /manifests/ ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx turbo run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client ca-certificates tini \
  && rm -rf /var/lib/apt/lists/* && useradd --system --home /data --uid 10001 archnest && mkdir -p /data && chown archnest /data
COPY --from=build --chown=archnest /app /app
USER archnest
ENV NODE_ENV=production ARCHNEST_DATA_DIR=/data ARCHNEST_HOST=0.0.0.0 XDG_CONFIG_HOME=/config
EXPOSE 8765 8766
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "host/dist/main.js"]
