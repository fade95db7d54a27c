import { batchesEndpoint, batchGenerateContent, asyncBatchEmbedContent } from './batches.js'
import { cachesEndpoint } from './caches.js'
import { batchEmbedContents, embedContent } from './embed.js'
import type { Endpoint } from './endpoint.js'
import { filesEndpoint } from './files.js'
import { countTokens, generateContent, streamGenerateContent } from './generate.js'
import { authTokensEndpoint, interactionsEndpoint } from './misc-routes.js'
import { getModel, listModels } from './model-routes.js'
import { openaiEndpoint } from './openai.js'
import type { Route } from './route.js'
import { uploadEndpoint } from './upload.js'

/** The route table: which handler serves a method and path (gemini-wire.md section 1.2). */

function modelCall(
  operation: Endpoint['operation'],
  handle: Endpoint['handle'],
  modelMethod: string,
  isStream = false,
): Endpoint {
  return { operation, handle, modelFrom: 'path', modelMethod, isStream }
}

const MODEL_VERBS: Readonly<Record<string, Endpoint>> = {
  generateContent: modelCall('generate', generateContent, 'generateContent'),
  streamGenerateContent: modelCall(
    'generate',
    streamGenerateContent,
    'streamGenerateContent',
    true,
  ),
  countTokens: modelCall('count', countTokens, 'countTokens'),
  embedContent: modelCall('embed', embedContent, 'embedContent'),
  batchEmbedContents: modelCall('embed', batchEmbedContents, 'batchEmbedContents'),
  batchGenerateContent: modelCall('other', batchGenerateContent, 'batchGenerateContent'),
  asyncBatchEmbedContent: modelCall('other', asyncBatchEmbedContent, 'asyncBatchEmbedContent'),
}

const LIST_MODELS: Endpoint = { operation: 'other', handle: listModels }
const GET_MODEL: Endpoint = {
  operation: 'other',
  handle: getModel,
  modelFrom: 'path',
  modelMethod: 'get',
}

function modelsEndpoint(route: Route, method: string): Endpoint | null {
  const { segments, verb } = route
  if (segments.length === 1 && verb === null) return method === 'GET' ? LIST_MODELS : null
  if (segments.length !== 2) return null
  if (verb === null) return method === 'GET' ? GET_MODEL : null
  return method === 'POST' ? (MODEL_VERBS[verb] ?? null) : null
}

function nativeEndpoint(route: Route, method: string): Endpoint | null {
  switch (route.segments[0]) {
    case 'models':
      return modelsEndpoint(route, method)
    case 'files':
      return filesEndpoint(route, method)
    case 'cachedContents':
      return cachesEndpoint(route, method)
    case 'batches':
      return batchesEndpoint(route, method)
    case 'auth_tokens':
      return authTokensEndpoint(route, method)
    case 'interactions':
      return interactionsEndpoint(route, method)
    default:
      return null
  }
}

export function findEndpoint(route: Route, method: string): Endpoint | null {
  switch (route.api) {
    case 'native':
      return nativeEndpoint(route, method)
    case 'upload':
      return uploadEndpoint(route, method)
    case 'openai':
      return openaiEndpoint(route, method)
    default:
      return null
  }
}
