import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a `sluice serve` on 8080 (`make dev`), so the UI can be
// worked on with hot reload while the server stays up.
const api = process.env.SLUICE_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { "/graphql": api, "/config.json": api },
  },
  build: {
    outDir: "dist",
    sourcemap: true,
    // Two pages: the UI, and GraphiQL (served at GET /graphql), whose editor the UI never loads;
    // that editor (Monaco) is one chunk of 2.8 MB, fetched by GraphiQL's page alone.
    chunkSizeWarningLimit: 3000,
    rolldownOptions: {
      input: { main: "index.html", graphiql: "graphiql.html" },
      // GraphiQL's modules start with React Compiler's "use no memo", which a bundle need not keep.
      onLog(level, log, handler) {
        if (log.code === "MODULE_LEVEL_DIRECTIVE") return;
        handler(level, log);
      },
    },
  },
});
