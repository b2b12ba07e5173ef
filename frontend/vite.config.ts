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
  build: { outDir: "dist", sourcemap: true },
});
