/** How figures print: whole numbers with separators, milliseconds to a hundredth. */

export function count(value) {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–'
}

export function ms(value) {
  return Number.isFinite(value) ? value.toFixed(2) : '–'
}

export function signedMs(value) {
  if (!Number.isFinite(value)) return '–'
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`
}

export function megabytes(bytesOrMb) {
  return Number.isFinite(bytesOrMb) ? bytesOrMb.toFixed(0) : '–'
}

export function ratio(value, base) {
  const r = value / base
  return Number.isFinite(r) ? r.toFixed(2) : '–'
}

/** A value with its ratios to direct and to the floor: `4,174 (0.41 / 1.00)`. */
export function withRatios(text, value, direct, floor) {
  return `${text} (${ratio(value, direct)} / ${ratio(value, floor)})`
}
