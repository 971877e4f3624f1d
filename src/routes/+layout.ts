// A static SPA: no server rendering, no prerendered pages beyond the fallback shell.
export const ssr = false;
export const prerender = false;
