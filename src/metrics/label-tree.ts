interface Node<C> {
  readonly next: Map<string, Node<C>>
  leaf: C | undefined
}

/**
 * One object per distinct tuple of label values, made on first use and found again with one
 * Map lookup per label: no key string is built and no labels object is hashed per event.
 * Label values are bounded (LabelBounds), so the tree is too.
 */
export class LabelTree<C> {
  readonly #root: Node<C> = { next: new Map(), leaf: undefined }
  readonly #make: (values: readonly string[]) => C

  constructor(make: (values: readonly string[]) => C) {
    this.#make = make
  }

  of(...values: string[]): C {
    let node = this.#root
    for (const value of values) {
      let next = node.next.get(value)
      if (next === undefined) {
        next = { next: new Map(), leaf: undefined }
        node.next.set(value, next)
      }
      node = next
    }
    node.leaf ??= this.#make(values)
    return node.leaf
  }
}
