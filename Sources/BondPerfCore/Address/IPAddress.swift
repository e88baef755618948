/// An IPv4 or IPv6 address as the bytes of its header field (network order).
///
/// Pure Swift: parsing and formatting need no C library, so the bond model
/// stays free of I/O. Conversions to `sockaddr` live in `Socket/`.
public struct IPAddress: Hashable, Sendable, Codable, CustomStringConvertible {
  /// The address bytes: 4 for IPv4, 16 for IPv6.
  public let bytes: [UInt8]

  /// Creates an address from 4 (IPv4) or 16 (IPv6) bytes; `nil` for any other count.
  public init?(bytes: [UInt8]) {
    guard bytes.count == 4 || bytes.count == 16 else { return nil }
    self.bytes = bytes
  }

  /// `0.0.0.0`.
  public static let unspecifiedIPv4 = IPAddress(unchecked: [0, 0, 0, 0])
  /// `::`.
  public static let unspecifiedIPv6 = IPAddress(unchecked: Array(repeating: 0, count: 16))

  private init(unchecked bytes: [UInt8]) { self.bytes = bytes }

  public var isIPv4: Bool { bytes.count == 4 }

  /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), if this is one.
  public var unmappedIPv4: IPAddress? {
    guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }),
      bytes[10] == 0xff, bytes[11] == 0xff
    else { return nil }
    return IPAddress(bytes: Array(bytes[12..<16]))
  }

  /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::`, and an
  /// embedded dotted quad at the end). A `%zone` suffix is ignored.
  public init?(_ text: some StringProtocol) {
    var text = Substring(text)
    if let v4 = IPAddress.parseIPv4(text) {
      self.bytes = v4
      return
    }
    if let percent = text.firstIndex(of: "%") { text = text[..<percent] }
    if text.hasPrefix("[") && text.hasSuffix("]") { text = text.dropFirst().dropLast() }
    if let v4 = IPAddress.parseIPv4(text) {
      self.bytes = v4
    } else if let v6 = IPAddress.parseIPv6(text) {
      self.bytes = v6
    } else {
      return nil
    }
  }

  private static func parseIPv4(_ text: Substring) -> [UInt8]? {
    // Byte-wise: this runs once per line of `bondperf hash` input.
    var result: [UInt8] = []
    result.reserveCapacity(4)
    var value = 0
    var digits = 0
    for byte in text.utf8 {
      if byte == UInt8(ascii: ".") {
        guard digits > 0, result.count < 3 else { return nil }
        result.append(UInt8(value))
        value = 0
        digits = 0
      } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
        digits += 1
        guard digits <= 3, value <= 255 else { return nil }
      } else {
        return nil
      }
    }
    guard digits > 0, result.count == 3 else { return nil }
    result.append(UInt8(value))
    return result
  }

  private static func parseIPv6(_ text: Substring) -> [UInt8]? {
    guard text.contains(":") else { return nil }
    var halves: [String] = []
    var rest = Substring(text)
    while let range = rest.firstRange(of: "::") {
      halves.append(String(rest[..<range.lowerBound]))
      rest = rest[range.upperBound...]
    }
    halves.append(String(rest))
    guard halves.count <= 2, !halves.contains(where: { $0.hasPrefix(":") || $0.hasSuffix(":") })
    else { return nil }
    func groups(_ part: String, allowTrailingIPv4: Bool) -> [UInt16]? {
      if part.isEmpty { return [] }
      var result: [UInt16] = []
      let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
      for (index, piece) in pieces.enumerated() {
        if allowTrailingIPv4, index == pieces.count - 1, piece.contains(".") {
          guard let v4 = parseIPv4(piece) else { return nil }
          result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
          result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
          continue
        }
        guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else {
          return nil
        }
        result.append(value)
      }
      return result
    }
    var words: [UInt16]
    if halves.count == 2 {
      guard let head = groups(halves[0], allowTrailingIPv4: false),
        let tail = groups(halves[1], allowTrailingIPv4: true),
        head.count + tail.count <= 7
      else { return nil }
      words = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    } else {
      guard let all = groups(halves[0], allowTrailingIPv4: true), all.count == 8 else {
        return nil
      }
      words = all
    }
    return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
  }

  /// Dotted quad for IPv4; RFC 5952 text for IPv6 (longest zero run as `::`).
  public var description: String {
    if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
    let words = stride(from: 0, to: 16, by: 2).map {
      UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1])
    }
    var bestStart = -1
    var bestLength = 0
    var index = 0
    while index < 8 {
      if words[index] == 0 {
        var end = index
        while end < 8 && words[end] == 0 { end += 1 }
        if end - index > bestLength && end - index >= 2 {
          bestStart = index
          bestLength = end - index
        }
        index = end
      } else {
        index += 1
      }
    }
    func hex(_ slice: ArraySlice<UInt16>) -> String {
      slice.map { String($0, radix: 16) }.joined(separator: ":")
    }
    if bestStart < 0 { return hex(words[...]) }
    return hex(words[..<bestStart]) + "::" + hex(words[(bestStart + bestLength)...])
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let address = IPAddress(text) else {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: "not an IP address: \(text)"))
    }
    self = address
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(description)
  }
}
