/// What an authentication token carries: iperf3's plaintext
/// `"user: %s\npwd:  %s\nts:   %" PRId64`, encrypted with the server's RSA
/// public key and sent base64-encoded as the parameters' `authtoken`.
public struct AuthCredentials: Sendable, Equatable {
  public var username: String
  public var password: String
  /// When the client made the token, in seconds since 1970 (UTC).
  public var timestamp: Int64

  public init(username: String, password: String, timestamp: Int64) {
    self.username = username
    self.password = password
    self.timestamp = timestamp
  }

  /// The plaintext as iperf3's `encode_auth_setting` formats it.
  public var plaintext: [UInt8] {
    Array("user: \(username)\npwd:  \(password)\nts:   \(timestamp)".utf8)
  }

  /// Reads a decrypted plaintext as iperf3's server does, with `sscanf` and the
  /// same format: it stops at a NUL byte; whitespace in the format matches any
  /// run of whitespace, none included; `%s` reads a run of non-whitespace and
  /// `%lld` an optionally signed decimal; anything after the timestamp is
  /// ignored. Nil when any of the three is missing.
  public init?(plaintext: [UInt8]) {
    var scanner = FormatScanner(plaintext.prefix { $0 != 0 })
    guard scanner.literal("user:", skippingSpace: false), let username = scanner.word(),
      scanner.literal("pwd:"), let password = scanner.word(),
      scanner.literal("ts:"), let timestamp = scanner.integer()
    else { return nil }
    self.username = String(decoding: username, as: UTF8.self)
    self.password = String(decoding: password, as: UTF8.self)
    self.timestamp = timestamp
  }
}

/// The three `sscanf` directives the token's format uses.
private struct FormatScanner {
  private let bytes: ArraySlice<UInt8>
  private var index: Int

  init(_ bytes: ArraySlice<UInt8>) {
    self.bytes = bytes
    index = bytes.startIndex
  }

  /// C's `isspace` in the C locale.
  private static func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || (0x09...0x0d).contains(byte)
  }

  private mutating func skipSpace() {
    while index < bytes.endIndex, Self.isSpace(bytes[index]) { index += 1 }
  }

  /// Whitespace (the format's, before each label but the first), then exactly `text`.
  mutating func literal(_ text: String, skippingSpace: Bool = true) -> Bool {
    if skippingSpace { skipSpace() }
    for byte in text.utf8 {
      guard index < bytes.endIndex, bytes[index] == byte else { return false }
      index += 1
    }
    return true
  }

  /// `%s`: whitespace, then one or more non-whitespace bytes.
  mutating func word() -> [UInt8]? {
    skipSpace()
    let start = index
    while index < bytes.endIndex, !Self.isSpace(bytes[index]) { index += 1 }
    return index > start ? Array(bytes[start..<index]) : nil
  }

  /// `%lld`: whitespace, an optional sign, one or more decimal digits.
  mutating func integer() -> Int64? {
    skipSpace()
    var negative = false
    if index < bytes.endIndex,
      bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")
    {
      negative = bytes[index] == UInt8(ascii: "-")
      index += 1
    }
    var value: Int64 = 0
    var digits = 0
    while index < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
      let digit = Int64(bytes[index] - UInt8(ascii: "0"))
      let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
      let (sum, overflowB) = shifted.addingReportingOverflow(negative ? -digit : digit)
      guard !overflowA, !overflowB else { return nil }
      value = sum
      digits += 1
      index += 1
    }
    return digits > 0 ? value : nil
  }
}
