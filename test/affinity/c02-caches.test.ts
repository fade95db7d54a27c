import { GoogleAICacheManager } from '@google/generative-ai/server'
import { GoogleGenerativeAI } from '@google/generative-ai'
import t from 'tap'
import { APP_TOKEN, callsTo, genai, projectsOf, threeProjects } from './fixture.js'

const MODEL = 'gemini-2.5-flash'
const CONTEXT = 'a long shared context that many questions use '.repeat(30)

t.test('C02: every use of a cache goes to its project while other calls rotate', async (t) => {
  const stack = await threeProjects(t)
  const ai = genai(stack)
  const cache = await ai.caches.create({ model: MODEL, config: { contents: CONTEXT, ttl: '600s' } })
  const project = callsTo(stack, '/cachedContents')[0]!.project
  for (let i = 0; i < 6; i++) {
    const answer = await ai.models.generateContent({
      model: MODEL,
      contents: `question ${i}`,
      config: { cachedContent: cache.name! },
    })
    t.ok(answer.usageMetadata?.cachedContentTokenCount, `use ${i} read the cache`)
    await ai.models.generateContent({ model: MODEL, contents: `unrelated ${i}` })
  }
  const uses = callsTo(stack, ':generateContent')
  const withCache = uses.filter((_, i) => i % 2 === 0)
  const without = uses.filter((_, i) => i % 2 === 1)
  t.same(projectsOf(withCache), [project], 'every use went to the project that made the cache')
  t.ok(projectsOf(without).length > 1, 'other traffic rotated over projects')
  t.notOk(
    stack.sim.calls.some((c) => c.status === 403),
    'no 403 from rotation',
  )
})

t.test('cache get, update and delete go to the project of the cache', async (t) => {
  const stack = await threeProjects(t)
  const ai = genai(stack)
  const cache = await ai.caches.create({ model: MODEL, config: { contents: CONTEXT } })
  await ai.caches.get({ name: cache.name! })
  await ai.caches.update({ name: cache.name!, config: { ttl: '900s' } })
  await ai.caches.delete({ name: cache.name! })
  const cacheCalls = callsTo(stack, '/cachedContents')
  t.equal(cacheCalls.length, 4)
  t.equal(projectsOf(cacheCalls).length, 1)
  t.equal(await stack.keypool.affinity.lookup(cache.name!), undefined, 'forgotten once deleted')
})

t.test('a cache made with @google/generative-ai is used on its project', async (t) => {
  const stack = await threeProjects(t)
  const caches = new GoogleAICacheManager(APP_TOKEN, { baseUrl: stack.url })
  const cache = await caches.create({
    model: `models/${MODEL}`,
    contents: [{ role: 'user', parts: [{ text: CONTEXT }] }],
  })
  const client = new GoogleGenerativeAI(APP_TOKEN)
  for (let i = 0; i < 4; i++) {
    const model = client.getGenerativeModelFromCachedContent(cache, {}, { baseUrl: stack.url })
    const result = await model.generateContent(`question ${i}`)
    t.ok(result.response.usageMetadata?.cachedContentTokenCount)
  }
  const used = [...callsTo(stack, '/cachedContents'), ...callsTo(stack, ':generateContent')]
  t.equal(projectsOf(used).length, 1)
})
