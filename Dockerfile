# Dateline: build with the dev toolchain, run with production dependencies only.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# desk/package.json must be there for npm ci: without it the workspace is silently skipped.
COPY package.json package-lock.json ./
COPY desk/package.json ./desk/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY desk ./desk
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/desk/dist ./desk/dist
COPY package.json ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A heap cap keeps RSS bounded under load (the live set is far smaller; see docs/benchmarks.md).
CMD ["node", "--max-old-space-size=192", "dist/main.js"]
