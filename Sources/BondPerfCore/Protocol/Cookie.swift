/// The 37-byte test cookie: 36 characters from `a-z2-7` and a NUL.
///
/// The client sends it first on the control connection and on every TCP data
/// connection. iperf3 compares cookies as C strings, stopping at the first NUL,
/// and doesn't check the characters, so a cookie read off the wire keeps its
/// raw bytes and equality follows the C-string rule.
public struct Cookie: Sendable, Hashable, CustomStringConvertible {
  /// The characters a cookie is made of (RFC 4648 base32, lower case).
  public static let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
  /// Characters before the NUL.
  public static let textLength = 36
  /// Bytes on the wire, NUL included.
  public static let wireLength = 37

  /// The 37 bytes as sent or received.
  public let wireBytes: [UInt8]

  /// Wraps 37 received bytes; `nil` for any other count. The content isn't
  /// checked, as iperf3 doesn't check it.
  public init?(wireBytes: some Collection<UInt8>) {
    guard wireBytes.count == Cookie.wireLength else { return nil }
    self.wireBytes = Array(wireBytes)
  }

  /// Makes a cookie from 36 characters of ``alphabet``; `nil` otherwise.
  public init?(text: String) {
    let characters = Array(text.utf8)
    guard characters.count == Cookie.textLength,
      characters.allSatisfy({ Cookie.alphabet.contains($0) })
    else { return nil }
    self.wireBytes = characters + [0]
  }

  /// A fresh random cookie, each character `alphabet[random % 32]` like iperf3.
  public static func random() -> Cookie {
    var generator = SystemRandomNumberGenerator()
    return random(using: &generator)
  }

  /// A random cookie from the given generator (for reproducible tests).
  public static func random(using generator: inout some RandomNumberGenerator) -> Cookie {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(wireLength)
    for _ in 0..<textLength {
      bytes.append(alphabet[Int(UInt8.random(in: 0...255, using: &generator) % 32)])
    }
    bytes.append(0)
    return Cookie(uncheckedWireBytes: bytes)
  }

  private init(uncheckedWireBytes: [UInt8]) {
    self.wireBytes = uncheckedWireBytes
  }

  /// The bytes before the first NUL: what iperf3's `strcmp` compares.
  public var cStringBytes: ArraySlice<UInt8> {
    wireBytes.prefix(while: { $0 != 0 })
  }

  /// The text before the first NUL, as printed in `start.cookie`.
  public var text: String { String(decoding: cStringBytes, as: UTF8.self) }

  /// Whether this is 36 alphabet characters and a NUL, as a real client sends.
  public var isWellFormed: Bool {
    wireBytes.count == Cookie.wireLength && wireBytes[Cookie.textLength] == 0
      && wireBytes.prefix(Cookie.textLength).allSatisfy { Cookie.alphabet.contains($0) }
  }

  public static func == (lhs: Cookie, rhs: Cookie) -> Bool {
    lhs.cStringBytes.elementsEqual(rhs.cStringBytes)
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(Array(cStringBytes))
  }

  public var description: String { text }
}
