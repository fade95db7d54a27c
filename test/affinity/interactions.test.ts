import t from 'tap'
import { callsTo, genai, projectsOf, threeProjects } from './fixture.js'

t.test('an interaction is read, and continued, on the project that created it', async (t) => {
  const stack = await threeProjects(t)
  const ai = genai(stack)
  const first = await ai.interactions.create({ model: 'gemini-2.5-flash', input: 'hi' })
  for (let i = 0; i < 3; i++) t.equal((await ai.interactions.get(first.id)).id, first.id)
  const next = await ai.interactions.create({
    model: 'gemini-2.5-flash',
    input: 'and then?',
    previous_interaction_id: first.id,
  })
  t.ok(next.id)
  t.same(projectsOf(callsTo(stack, '/interactions')).length, 1)
  t.notOk(stack.sim.calls.some((c) => c.status === 403))
})
