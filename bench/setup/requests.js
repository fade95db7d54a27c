import { CLIENT_TOKEN, MODEL, WAITING_MODEL } from './configs.js'

/**
 * The calls the load sends. The same bytes go to every target but the credential: straight to
 * the simulator (and through the floor, which adds nothing) a real key, to keypool its client
 * token, which keypool swaps for a key.
 */

const BODY = JSON.stringify({
  contents: [{ role: 'user', parts: [{ text: 'Write one sentence about the sea.' }] }],
})

const SIM_KEY = 'sim-key-alpha-1'

export function unaryRequest(credential) {
  return shape(`/v1beta/models/${MODEL}:generateContent`, credential)
}

export function sseRequest(credential) {
  return shape(`/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, credential)
}

/** A call for the model whose budget is spent: keypool queues it. */
export function waitingRequest() {
  return shape(`/v1beta/models/${WAITING_MODEL}:generateContent`, CLIENT_TOKEN)
}

/** The credential each target expects. */
export function credentialFor(target) {
  return target.startsWith('keypool') ? CLIENT_TOKEN : SIM_KEY
}

function shape(path, credential) {
  return {
    path,
    method: 'POST',
    // No content-length: autocannon and node:http add their own.
    headers: { 'content-type': 'application/json', 'x-goog-api-key': credential },
    body: BODY,
  }
}
