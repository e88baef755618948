/// Feeds a byte stream into a ``ControlBuffer`` in chunks, only when the item
/// being read needs more bytes, as a session reads its socket.
struct ControlStreamReader {
  private let bytes: [UInt8]
  private let maximumChunkLength: Int
  private var generator: SplitMix64
  private var fed = 0
  private var buffer = ControlBuffer()
  private(set) var ignoredByteCount = 0

  init(bytes: [UInt8], maximumChunkLength: Int, seed: UInt64) {
    self.bytes = bytes
    self.maximumChunkLength = maximumChunkLength
    self.generator = SplitMix64(seed: seed)
  }

  /// Bytes pulled out of the buffer as items.
  var consumedByteCount: Int { fed - buffer.count - ignoredByteCount }

  /// Bytes neither consumed nor ignored: buffered, or never fed.
  var unconsumedByteCount: Int { buffer.count + bytes.count - fed }

  /// Runs `next` until it yields an item, feeding a chunk whenever it needs
  /// more; nil when the input runs out first.
  ///
  /// - Throws: ``ControlStreamError/rejected(_:)`` when `next` throws.
  mutating func pull<Item>(
    _ next: (inout ControlBuffer) throws(ConversationError) -> Item?
  ) throws(ControlStreamError) -> Item? {
    while true {
      do {
        if let value = try next(&buffer) { return value }
      } catch {
        throw .rejected(error)
      }
      guard feed() else { return nil }
    }
  }

  /// Drops everything still buffered or unread, as a finished client does.
  mutating func ignoreRest() {
    ignoredByteCount += buffer.count + bytes.count - fed
    buffer.discardAll()
    fed = bytes.count
  }

  /// Appends the next chunk; false when the input is exhausted.
  private mutating func feed() -> Bool {
    let left = bytes.count - fed
    guard left > 0 else { return false }
    var length = left
    if maximumChunkLength > 0 {
      length = min(left, 1 + Int(generator.next() % UInt64(maximumChunkLength)))
    }
    buffer.append(contentsOf: bytes[fed..<(fed + length)])
    fed += length
    return true
  }
}
