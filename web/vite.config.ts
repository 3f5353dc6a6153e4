import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const target = process.env.GRIDWATCH_SERVER ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: {
      '/api': { target, changeOrigin: true },
      '/socket.io': { target, ws: true, changeOrigin: true },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // ECharts core + zrender (~460 kB minified) is its own chunk, loaded after the first render.
    chunkSizeWarningLimit: 1000,
  },
});
