// The route on a port, with a real model. Run from the repository's root:
//   AI_GATEWAY_API_KEY=… node examples/ai-sdk-route/server.ts
// then, in another terminal:
//   npm start -- --provider ui-stream --upstream-url http://127.0.0.1:3000/api/chat
import { createServer } from 'node:http';
import { createChatRoute } from './chat-route.ts';
import { weatherTool } from './weather-tool.ts';

const port = Number(process.env.PORT ?? 3000);
// A model id string goes through the AI SDK's gateway (AI_GATEWAY_API_KEY); any provider
// package works instead, e.g. `openai('gpt-4.1-mini')` from @ai-sdk/openai.
const route = createChatRoute({ model: process.env.MODEL ?? 'openai/gpt-4.1-mini', tools: { weather: weatherTool } });

createServer((request, response) => {
  if (request.url !== '/api/chat') {
    response.writeHead(404).end();
    return;
  }
  route(request, response).catch((error: unknown) => {
    console.error(error);
    if (!response.headersSent) response.writeHead(500).end(String(error));
    else response.destroy();
  });
}).listen(port, '127.0.0.1', () => console.log(`The chat route is at http://127.0.0.1:${port}/api/chat`));
