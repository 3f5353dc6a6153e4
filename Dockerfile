# One image for the GridWatch server and the simulator (docker-compose.yml picks the command).
FROM node:20-bookworm-slim
RUN npm install -g pnpm@10
WORKDIR /app
COPY package.json pnpm-workspace.yaml pnpm-lock.yaml tsconfig.base.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY simulator/package.json simulator/
COPY web/package.json web/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm build:web
ENV HOST=0.0.0.0 PORT=3000 SIMULATOR=false
EXPOSE 3000
CMD ["pnpm", "server"]
