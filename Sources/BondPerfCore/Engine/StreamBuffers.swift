/// The memory every stream of this process shares, made once on first use.
///
/// One random payload for all senders, one memory file holding the same bytes for
/// `-Z`, and one sink for receivers that copy. Sharing keeps memory flat in the stream
/// count (128 streams with a buffer each took 16 MiB more): the payload is only read
/// after it is filled, and nobody reads the sink, so concurrent receives into it are
/// harmless.
enum StreamBuffers {
  /// The largest block length (`-l`) a stream may use.
  static let maximumLength = TestBounds.blockLength.upperBound

  /// Random bytes, page-aligned, ``maximumLength`` long.
  static let payload: Result<PageBuffer, SyscallError> = Result {
    () throws(SyscallError) -> PageBuffer in
    let buffer = try PageBuffer(byteCount: maximumLength)
    fillRandom(buffer.bytes)
    return buffer
  }

  /// A memory file holding ``payload``, for `sendfile(2)`.
  static let payloadFile: Result<MemoryFile, SyscallError> = Result {
    () throws(SyscallError) -> MemoryFile in
    let buffer = try payload.get()
    Signals.ignoreBrokenPipe()
    return try MemoryFile(name: "bondperf-payload", contents: UnsafeRawBufferPointer(buffer.bytes))
  }

  /// iperf2's payload, `0123456789` over and over (`--repeating-payload`), page-aligned.
  static let repeatingPayload: Result<PageBuffer, SyscallError> = Result {
    () throws(SyscallError) -> PageBuffer in
    let buffer = try PageBuffer(byteCount: maximumLength)
    fillRepeating(buffer.bytes)
    return buffer
  }

  /// A memory file holding ``repeatingPayload``, for `sendfile(2)`.
  static let repeatingPayloadFile: Result<MemoryFile, SyscallError> = Result {
    () throws(SyscallError) -> MemoryFile in
    let buffer = try repeatingPayload.get()
    Signals.ignoreBrokenPipe()
    return try MemoryFile(
      name: "bondperf-repeating", contents: UnsafeRawBufferPointer(buffer.bytes))
  }

  /// Fills `bytes` with the ASCII digits 0-9, repeated, as iperf3's `--repeating-payload`.
  static func fillRepeating(_ bytes: UnsafeMutableRawBufferPointer) {
    for index in 0..<bytes.count { bytes[index] = UInt8(ascii: "0") + UInt8(index % 10) }
  }

  /// Where copying receivers put what they read; never read back.
  static let sink: Result<PageBuffer, SyscallError> = Result {
    () throws(SyscallError) -> PageBuffer in
    try PageBuffer(byteCount: maximumLength)
  }

  /// Fills `bytes` from a 64-bit generator seeded once from the system (iperf3 sends
  /// random bytes); a few hundred microseconds for 1 MiB, where one `UInt8.random` per
  /// byte was slow enough on a loaded debug build to matter.
  static func fillRandom(_ bytes: UnsafeMutableRawBufferPointer) {
    var generator = SystemRandomNumberGenerator()
    var state = generator.next() | 1
    var offset = 0
    while offset < bytes.count {
      // xorshift64*
      state ^= state >> 12
      state ^= state << 25
      state ^= state >> 27
      var word = state &* 0x2545_F491_4F6C_DD1D
      let count = min(8, bytes.count - offset)
      for index in 0..<count {
        bytes[offset + index] = UInt8(truncatingIfNeeded: word)
        word >>= 8
      }
      offset += count
    }
  }
}
