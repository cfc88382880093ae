export { createUIChunkProjector, type UIChunkProjector } from './create-ui-chunk-projector.ts';
export { endingChunkOf } from './ending-chunk.ts';
