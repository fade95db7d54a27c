import t from 'tap'
import { requestIdFrom } from '../../src/server/request-id.js'

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/

void t.test('a well-formed client id is kept as sent', (t) => {
  t.equal(requestIdFrom('req-42'), 'req-42')
  t.equal(requestIdFrom('a.b_c:d-E9'), 'a.b_c:d-E9')
  t.end()
})

void t.test('an id of exactly 128 characters is kept', (t) => {
  const id = 'x'.repeat(128)
  t.equal(requestIdFrom(id), id)
  t.end()
})

void t.test('an id of 129 characters is replaced', (t) => {
  const id = 'x'.repeat(129)
  const got = requestIdFrom(id)
  t.not(got, id)
  t.match(got, WELL_FORMED)
  t.end()
})

void t.test('an id with characters outside the allowed set is replaced', (t) => {
  for (const bad of ['has space', 'semi;colon', 'slash/', 'new\nline', 'ünïcode', '']) {
    const got = requestIdFrom(bad)
    t.not(got, bad, JSON.stringify(bad))
    t.match(got, WELL_FORMED, JSON.stringify(bad))
  }
  t.end()
})

void t.test('a missing or repeated header gets a generated id', (t) => {
  t.match(requestIdFrom(undefined), WELL_FORMED)
  const repeated = requestIdFrom(['a', 'b'])
  t.not(repeated, 'a')
  t.match(repeated, WELL_FORMED)
  t.end()
})

void t.test('generated ids are distinct', (t) => {
  const ids = new Set(Array.from({ length: 1000 }, () => requestIdFrom(undefined)))
  t.equal(ids.size, 1000)
  t.end()
})
