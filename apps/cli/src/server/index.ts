export { createServer, type ServerOptions } from './server.js';
export type { GenerationEvent } from './engine.js';
