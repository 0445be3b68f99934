# The image AviK8sSync runs: `avi-k8s sync` from this package, packed with `npm pack` and installed with its
# production dependencies only (no Pulumi: the sync never loads it), run as a non-root user.
#   docker build -t registry.example.com/avi-k8s-sync:0.1.0 .
ARG NODE_IMAGE=node:20-slim

# 1. Pack the package exactly as `npm publish` would (prepare compiles the published folders).
FROM ${NODE_IMAGE} AS pack
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.package.json README.md ./
COPY sdk ./sdk
COPY provider ./provider
COPY cli ./cli
COPY emulator ./emulator
COPY sync ./sync
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && mkdir /pack \
 && npm pack --pack-destination /pack

# 2. Install the tarball as a user would, without dev or peer dependencies; type declarations and source maps are
#    not needed to run (almost half of the tree).
FROM ${NODE_IMAGE} AS install
WORKDIR /opt/avi-k8s
COPY --from=pack /pack/ /pack/
RUN echo '{"name":"avi-k8s-sync-image","private":true}' > package.json \
 && npm install --omit=dev --omit=peer --no-audit --no-fund --no-package-lock /pack/pulumi-avi-k8s-*.tgz \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' \) -delete

# 3. Only the installed tree: no npm cache, no sources.
FROM ${NODE_IMAGE}
COPY --from=install /opt/avi-k8s /opt/avi-k8s
ENV NODE_ENV=production PATH=/opt/avi-k8s/node_modules/.bin:$PATH
# The node image's "node" user, by number so runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
ENTRYPOINT ["avi-k8s", "sync"]
