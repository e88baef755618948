/// Bytes received on a control connection, from which typed items are pulled.
///
/// Append whatever each `recv` returned, then pull items in the order the
/// protocol expects them. Nothing assumes one message per read: `01 02`, or a
/// results frame followed by `0e`, often arrive in one segment, and any item
/// may be split across reads. Every `next...` method returns `nil` (consuming
/// nothing) while the item is still incomplete.
public struct ControlBuffer: Sendable {
  private var storage: [UInt8] = []
  private var start = 0

  public init() {}

  /// Adds bytes as they arrive.
  public mutating func append(contentsOf bytes: some Sequence<UInt8>) {
    storage.append(contentsOf: bytes)
  }

  /// Number of bytes not yet consumed.
  public var count: Int { storage.count - start }

  /// Whether every received byte has been consumed.
  public var isEmpty: Bool { count == 0 }

  /// Drops everything buffered, for example stray bytes after IPERF_DONE.
  public mutating func discardAll() {
    storage.removeAll(keepingCapacity: true)
    start = 0
  }

  /// Pulls one state byte.
  ///
  /// - Returns: The message, or `nil` when no byte is buffered.
  /// - Throws: ``ProtocolError/unknownControlMessage(_:)`` for a byte iperf3
  ///   never sends; the byte stays in the buffer.
  public mutating func nextMessage() throws(ProtocolError) -> ControlMessage? {
    guard count >= 1 else { return nil }
    let byte = storage[start]
    guard let message = ControlMessage(byte: byte) else {
      throw .unknownControlMessage(byte)
    }
    consume(1)
    return message
  }

  /// Pulls one length-prefixed JSON frame.
  ///
  /// - Parameter maxLength: The largest body accepted, for example
  ///   ``Framing/maximumParameterLength``.
  /// - Returns: The parsed JSON, or `nil` until the whole frame is buffered.
  /// - Throws: ``ProtocolError/invalidFrameLength(_:maximum:)`` for a length of
  ///   0 or above `maxLength`, as soon as the header is in, leaving the header
  ///   and body unconsumed; ``ProtocolError/invalidJSON(_:)`` when the body
  ///   doesn't parse, after consuming the frame.
  public mutating func nextFrame(maxLength: Int) throws(ProtocolError) -> JSONValue? {
    guard let body = try nextFrameBytes(maxLength: maxLength) else { return nil }
    do {
      return try JSONValue.parse(body)
    } catch {
      throw .invalidJSON(error)
    }
  }

  /// Pulls one frame's raw JSON bytes; see ``nextFrame(maxLength:)``.
  public mutating func nextFrameBytes(maxLength: Int) throws(ProtocolError) -> [UInt8]? {
    guard let length = Framing.length(fromHeader: storage[start...]) else { return nil }
    guard length > 0, UInt64(length) <= UInt64(max(maxLength, 0)) else {
      throw .invalidFrameLength(length, maximum: maxLength)
    }
    let total = Framing.headerLength + Int(length)
    guard count >= total else { return nil }
    let body = Array(storage[(start + Framing.headerLength)..<(start + total)])
    consume(total)
    return body
  }

  /// Pulls the 37-byte cookie; `nil` until all 37 bytes are buffered.
  public mutating func nextCookie() -> Cookie? {
    guard count >= Cookie.wireLength,
      let cookie = Cookie(wireBytes: storage[start..<(start + Cookie.wireLength)])
    else { return nil }
    consume(Cookie.wireLength)
    return cookie
  }

  /// Pulls the two big-endian `Int32`s that follow a SERVER_ERROR byte (which
  /// ``nextMessage()`` has already consumed); `nil` until all 8 are buffered.
  public mutating func nextServerError() -> (iperfErrno: Int32, errno: Int32)? {
    guard count >= 8 else { return nil }
    let code = readInt32(at: start)
    let errno = readInt32(at: start + 4)
    consume(8)
    return (code, errno)
  }

  /// The iperf3 code of a SERVER_ERROR whose errno never came: iperf3 3.12's
  /// server sends only the code when it refuses a test's credentials
  /// (IEAUTHTEST), then closes. Ask once the peer has closed; `nil` without 4 bytes.
  public mutating func nextLoneServerErrorCode() -> Int32? {
    guard count >= 4 else { return nil }
    let code = readInt32(at: start)
    consume(4)
    return code
  }

  private func readInt32(at index: Int) -> Int32 {
    let raw = storage[index..<(index + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    return Int32(bitPattern: raw)
  }

  private mutating func consume(_ byteCount: Int) {
    start += byteCount
    if start == storage.count {
      storage.removeAll(keepingCapacity: true)
      start = 0
    } else if start >= 4096 && start * 2 >= storage.count {
      storage.removeFirst(start)
      start = 0
    }
  }
}
