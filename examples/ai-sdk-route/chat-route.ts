// An AI SDK chat route on node:http, as any AI SDK app has one: it takes the chat request
// useChat's DefaultChatTransport sends and answers with a UI message stream. Nothing in it
// knows Once; `once serve --provider ui-stream --upstream-url …` puts Once in front of it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  convertToModelMessages,
  type LanguageModel,
  pipeUIMessageStreamToResponse,
  stepCountIs,
  streamText,
  type ToolSet,
  toUIMessageStream,
  type UIMessage,
} from 'ai';

/** What the route needs: a model, and the tools it may call (run here, in the route). */
export interface ChatRouteOptions {
  readonly model: LanguageModel;
  readonly tools?: ToolSet;
  /** Model calls a request may take (each tool round trip is one more). Default 5. */
  readonly maxSteps?: number;
}

/** The route's handler: POST a chat request, get the answer as a UI message stream. */
export function createChatRoute(options: ChatRouteOptions) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    let body = '';
    for await (const piece of request) body += piece;
    const { messages } = JSON.parse(body) as { messages: UIMessage[] };
    const abort = new AbortController();
    // The client (Once, on a cancel) went away: stop the model.
    response.on('close', () => abort.abort());
    const result = streamText({
      model: options.model,
      messages: await convertToModelMessages(messages),
      ...(options.tools === undefined ? {} : { tools: options.tools }),
      stopWhen: stepCountIs(options.maxSteps ?? 5),
      abortSignal: abort.signal,
    });
    await pipeUIMessageStreamToResponse({ response, stream: toUIMessageStream({ stream: result.stream }) });
  };
}
