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
  public init?(_ text: String) {
    let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "-" }
    guard parts.count == 6 else { return nil }
    var bytes: [UInt8] = []
    for part in parts {
      guard (1...2).contains(part.count), let value = UInt8(part, radix: 16) else { return nil }
      bytes.append(value)
    }
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
