// The daemon's config file for the like-for-like load side of the peers bench: the very
// model the peer's route streams (answer-model.ts, the AI SDK's MockLanguageModelV4), run
// inside the daemon through Once's AI SDK model provider, with no route and no extra hop.
// No built-in tools and no system prompt, so the model gets what the peer's gets: the
// chat's messages. `once serve --config bench/support/peers/daemon-model.config.ts`.
import { createAiSdkProvider } from '@once/ai-sdk';
import { defineConfig } from '@once/daemon';
import { answerModel, specOfPrompt } from './answer-model.ts';

const template = answerModel(specOfPrompt([]));

/**
 * A model whose every call streams the answer its prompt asks for from a new mock model,
 * as the peer's route builds one per request (one long-lived mock would keep every call's
 * options in its `doStreamCalls`).
 */
const model = {
  specificationVersion: 'v4' as const,
  provider: template.provider,
  modelId: template.modelId,
  supportedUrls: {},
  doGenerate: () => Promise.reject(new Error('the bench model only streams')),
  doStream: (options: Parameters<typeof template.doStream>[0]) =>
    answerModel(specOfPrompt(options.prompt)).doStream(options),
};

export default defineConfig({ builtInTools: false, provider: createAiSdkProvider({ model }) });
