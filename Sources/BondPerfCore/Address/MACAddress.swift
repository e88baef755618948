/// A 48-bit Ethernet address.
public struct MACAddress: Hashable, Sendable, Codable, CustomStringConvertible {
  /// The six bytes in transmission order.
  public let bytes: [UInt8]

  /// The all-zero address, used where a policy ignores MACs.
  public static let zero = MACAddress(unchecked: [0, 0, 0, 0, 0, 0])

  private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

  /// Creates an address from exactly six bytes.
  public init?(bytes: [UInt8]) {
    guard bytes.count == 6 else { return nil }
    self.bytes = bytes
  }

  /// Parses `aa:bb:cc:dd:ee:ff` (also with `-` separators).
  public init?(_ text: some StringProtocol) {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(6)
    var value: UInt8 = 0
    var digits = 0
    for byte in text.utf8 {
      if byte == UInt8(ascii: ":") || byte == UInt8(ascii: "-") {
        guard digits > 0, bytes.count < 5 else { return nil }
        bytes.append(value)
        value = 0
        digits = 0
        continue
      }
      let nibble: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
      default: return nil
      }
      digits += 1
      guard digits <= 2 else { return nil }
      value = value << 4 | nibble
    }
    guard digits > 0, bytes.count == 5 else { return nil }
    bytes.append(value)
    self.bytes = bytes
  }

  public var description: String {
    bytes.map { byte in
      let text = String(byte, radix: 16)
      return text.count == 1 ? "0" + text : text
    }.joined(separator: ":")
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let address = MACAddress(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not a MAC address: \(text)"))
    }
    self = address
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
