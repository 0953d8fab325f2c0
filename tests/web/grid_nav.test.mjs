import assert from "node:assert/strict"
import { describe, it } from "node:test"

import { gridMove } from "../../src/parley/web/models/grid_nav.js"

const at = (section, index) => ({ section, index })

describe("gridMove", () => {
  const sizes = [1, 20, 5] // one recent emoji, a category of 20 (rows of 9, 9, 2), a short one

  it("goes from the one-item recent row to the first emoji of the next row", () => {
    assert.deepEqual(gridMove(sizes, at(0, 0), "ArrowDown", 9), at(1, 0))
  })

  it("moves by row inside a section and keeps the column across sections", () => {
    assert.deepEqual(gridMove(sizes, at(1, 3), "ArrowDown", 9), at(1, 12))
    assert.deepEqual(gridMove(sizes, at(1, 12), "ArrowDown", 9), at(1, 19)) // short last row: its last cell
    assert.deepEqual(gridMove(sizes, at(1, 19), "ArrowDown", 9), at(2, 1))
    assert.deepEqual(gridMove(sizes, at(1, 8), "ArrowDown", 9), at(1, 17))
    assert.deepEqual(gridMove(sizes, at(2, 4), "ArrowUp", 9), at(1, 19))
    assert.deepEqual(gridMove(sizes, at(2, 0), "ArrowUp", 9), at(1, 18))
    assert.deepEqual(gridMove(sizes, at(1, 5), "ArrowUp", 9), at(0, 0))
  })

  it("leaves the first row upward (to the search box) and stays on the last row downward", () => {
    assert.equal(gridMove(sizes, at(0, 0), "ArrowUp", 9), null)
    assert.deepEqual(gridMove(sizes, at(2, 3), "ArrowDown", 9), at(2, 3))
  })

  it("moves left and right through the sections in order", () => {
    assert.deepEqual(gridMove(sizes, at(0, 0), "ArrowRight", 9), at(1, 0))
    assert.deepEqual(gridMove(sizes, at(1, 0), "ArrowLeft", 9), at(0, 0))
    assert.deepEqual(gridMove(sizes, at(2, 4), "ArrowRight", 9), at(2, 4))
    assert.deepEqual(gridMove(sizes, at(0, 0), "ArrowLeft", 9), at(0, 0))
  })

  it("skips empty sections", () => {
    assert.deepEqual(gridMove([2, 0, 3], at(0, 1), "ArrowDown", 9), at(2, 1))
  })
})
