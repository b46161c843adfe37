// Moved to src/replies/poll.ts; this re-export keeps older imports compiling until they are updated.
export * from '../replies/poll.js';
