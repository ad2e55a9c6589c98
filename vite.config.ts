import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const api = `http://localhost:${process.env.PORT ?? 3000}`;

export default defineConfig({
  plugins: [sveltekit()],
  server: {
    port: 5173,
    // `npm run dev`: the UI on 5173 talks to the API server started beside it.
    proxy: { '/api': api, '/u': api, '/socket.io': { target: api, ws: true } },
  },
});
