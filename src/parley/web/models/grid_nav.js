// Arrow keys in a grid made of sections ("Recently used", then each
// category), each section laid out in rows of `columns` cells. Moving by
// ±columns over the flat list would land mid-row after a short section (one
// recent emoji: ArrowDown jumped to the 9th of the next row); this moves by
// row and keeps the column where it can. Pure.

/**
 * @param {number[]} sizes cells per section
 * @param {{section: number, index: number}} at
 * @param {"ArrowUp"|"ArrowDown"|"ArrowLeft"|"ArrowRight"} key
 * @param {number} columns
 * @returns {{section: number, index: number}|null} null: ArrowUp left the first row (back to search)
 */
export function gridMove(sizes, at, key, columns) {
  const flat = (s, i) => sizes.slice(0, s).reduce((a, b) => a + b, 0) + i
  const total = sizes.reduce((a, b) => a + b, 0)
  if (key === "ArrowLeft" || key === "ArrowRight") {
    const to = Math.max(0, Math.min(total - 1, flat(at.section, at.index) + (key === "ArrowRight" ? 1 : -1)))
    return fromFlat(sizes, to)
  }
  const column = at.index % columns
  if (key === "ArrowDown") {
    if (at.index + columns < sizes[at.section]) return { section: at.section, index: at.index + columns }
    const rowStart = at.index - column
    if (rowStart + columns < sizes[at.section]) return { section: at.section, index: sizes[at.section] - 1 }
    const next = nextSection(sizes, at.section, 1)
    return next < 0 ? at : { section: next, index: Math.min(column, sizes[next] - 1) }
  }
  if (key === "ArrowUp") {
    if (at.index >= columns) return { section: at.section, index: at.index - columns }
    const previous = nextSection(sizes, at.section, -1)
    if (previous < 0) return null
    const lastRow = Math.floor((sizes[previous] - 1) / columns) * columns
    return { section: previous, index: Math.min(lastRow + column, sizes[previous] - 1) }
  }
  return at
}

function nextSection(sizes, from, step) {
  for (let s = from + step; s >= 0 && s < sizes.length; s += step) if (sizes[s] > 0) return s
  return -1
}

function fromFlat(sizes, n) {
  let rest = n
  for (let s = 0; s < sizes.length; s++) {
    if (rest < sizes[s]) return { section: s, index: rest }
    rest -= sizes[s]
  }
  return { section: sizes.length - 1, index: Math.max(0, sizes.at(-1) - 1) }
}
