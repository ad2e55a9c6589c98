/** Bytes per block of entries: a block is filled, then another is added, so nothing is ever copied. */
const BLOCK = 1 << 20;

/**
 * A set of strings kept as UTF-8 bytes in 1 MB blocks, found through an open-addressing table of
 * entry positions. Exact (it compares the bytes), and off the V8 heap: a JS Set of a million
 * e-mail addresses holds 60–70 MB of heap, and V8 then lets the heap grow to a multiple of its
 * live size; this holds the bytes (plus 2 a value) and 8 to 16 bytes a value of table. Creating a
 * mailing uses it to find the duplicate addresses of a selection of any size.
 */
export class AddressSet {
  #blocks: Buffer[] = [];
  /** Where the next entry goes in the last block. */
  #end = BLOCK;
  /** Position + 1 of each entry (block × BLOCK + offset); 0 is an empty slot. Kept at most half full. */
  #slots = new Int32Array(1 << 10);
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Adds `value` (at most 65,535 bytes); false when it was there already. */
  add(value: string): boolean {
    const key = Buffer.from(value, 'utf8');
    const mask = this.#slots.length - 1;
    for (let i = hash(key) & mask; ; i = (i + 1) & mask) {
      const slot = this.#slots[i];
      if (slot === 0) {
        this.#slots[i] = this.#append(key) + 1;
        break;
      }
      if (this.#entry(slot - 1).equals(key)) return false;
    }
    if (++this.#size * 2 > this.#slots.length) this.#grow();
    return true;
  }

  /** The bytes of the entry at `position` (a 2-byte length, then the bytes), without copying. */
  #entry(position: number): Buffer {
    const block = this.#blocks[Math.floor(position / BLOCK)];
    const at = position % BLOCK;
    return block.subarray(at + 2, at + 2 + block.readUInt16LE(at));
  }

  #append(key: Buffer): number {
    if (this.#end + 2 + key.length > BLOCK) {
      this.#blocks.push(Buffer.allocUnsafe(BLOCK));
      this.#end = 0;
    }
    const block = this.#blocks[this.#blocks.length - 1];
    const at = this.#end;
    block.writeUInt16LE(key.length, at);
    key.copy(block, at + 2);
    this.#end += 2 + key.length;
    return (this.#blocks.length - 1) * BLOCK + at;
  }

  #grow(): void {
    const old = this.#slots;
    this.#slots = new Int32Array(old.length * 2);
    const mask = this.#slots.length - 1;
    for (const slot of old) {
      if (!slot) continue;
      let i = hash(this.#entry(slot - 1)) & mask;
      while (this.#slots[i]) i = (i + 1) & mask;
      this.#slots[i] = slot;
    }
  }
}

/** 32-bit FNV-1a. */
function hash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193);
  return h >>> 0;
}
