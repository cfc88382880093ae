export {
  type AiSdkProviderOptions,
  type CreateAiSdkProviderOptions,
  createAiSdkProvider,
} from './create-ai-sdk-provider.ts';
export { MISSING_TOOL_RESULT, toModelMessages } from './to-model-messages.ts';
export { toProviderError } from './to-provider-error.ts';
