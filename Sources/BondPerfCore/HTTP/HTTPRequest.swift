/// The head of an HTTP/1.x request (request line and header fields), parsed
/// without I/O. Bodies are never read: the exporter serves GET and HEAD only
/// and closes every connection after one response.
///
/// Strict where leniency could smuggle or confuse: origin-form targets only,
/// CRLF (or bare LF) line ends, no obsolete line folding, token header names,
/// printable ASCII only, and bounded sizes. See RFC 9112 §2-§5.
public struct HTTPRequest: Sendable, Hashable {
  public var method: String
  /// The target's path, percent-decoded (`/probe`).
  public var path: String
  /// The query's name=value pairs in order, percent-decoded (`+` is a space).
  public var query: [QueryItem]
  /// Header fields in order; names lowercased, values trimmed.
  public var headers: [QueryItem]

  public struct QueryItem: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
      self.name = name
      self.value = value
    }
  }

  /// The longest head read; more is answered with 431.
  public static let maxHeadBytes = 8192
  /// The longest request target; more is answered with 414.
  public static let maxTargetBytes = 2048
  /// The most header fields; more is answered with 431.
  public static let maxHeaderFields = 64

  public init(method: String, path: String, query: [QueryItem] = [], headers: [QueryItem] = []) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = headers
  }

  /// The first value of header `name` (case-insensitive).
  public func header(_ name: String) -> String? {
    let lowered = name.lowercased()
    return headers.first { $0.name == lowered }?.value
  }

  /// The length of the head at the start of `buffer`, through its blank line;
  /// nil while the blank line hasn't arrived.
  public static func headLength(in buffer: [UInt8]) -> Int? {
    var index = 0
    while index < buffer.count {
      if buffer[index] == 0x0A {
        if index + 1 < buffer.count && buffer[index + 1] == 0x0A { return index + 2 }
        if index + 2 < buffer.count && buffer[index + 1] == 0x0D && buffer[index + 2] == 0x0A {
          return index + 3
        }
      }
      index += 1
    }
    return nil
  }

  /// Parses a complete head (as ``headLength(in:)`` delimits it).
  public static func parse(head: some Collection<UInt8>) throws(HTTPError) -> HTTPRequest {
    guard head.count <= maxHeadBytes else {
      throw HTTPError(431, "request head longer than \(maxHeadBytes) bytes")
    }
    var lines: [String] = []
    var line: [UInt8] = []
    for byte in head {
      if byte == 0x0A {
        if line.last == 0x0D { line.removeLast() }
        lines.append(String(decoding: line, as: UTF8.self))
        line = []
      } else if byte == 0x09 || (byte >= 0x20 && byte < 0x7F) || byte == 0x0D {
        line.append(byte)
      } else {
        throw HTTPError(400, "byte 0x\(String(byte, radix: 16)) in the request head")
      }
    }
    guard line.isEmpty, lines.last == "" else {
      throw HTTPError(400, "request head does not end with a blank line")
    }
    lines.removeLast()
    guard let requestLine = lines.first else { throw HTTPError(400, "empty request") }
    if requestLine.contains("\r") { throw HTTPError(400, "bare CR in the request line") }
    let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
      throw HTTPError(400, "request line is not 'METHOD TARGET HTTP/1.1'")
    }
    let method = String(parts[0])
    guard method.utf8.allSatisfy(isTokenByte) else {
      throw HTTPError(400, "method '\(method)' is not a token")
    }
    guard parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else {
      throw HTTPError(505, "version '\(parts[2])' is not HTTP/1.0 or HTTP/1.1")
    }
    let target = parts[1]
    guard target.utf8.count <= maxTargetBytes else {
      throw HTTPError(414, "request target longer than \(maxTargetBytes) bytes")
    }
    guard target.hasPrefix("/") else {
      throw HTTPError(400, "request target '\(target)' does not start with /")
    }
    let pieces = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let path = try decode(pieces[0], plusIsSpace: false)
    var query: [QueryItem] = []
    if pieces.count == 2 {
      for pair in pieces[1].split(separator: "&") {
        let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = try decode(nameValue[0], plusIsSpace: true)
        let value = nameValue.count == 2 ? try decode(nameValue[1], plusIsSpace: true) : ""
        query.append(QueryItem(name, value))
      }
    }
    let fields = lines.dropFirst()
    guard fields.count <= maxHeaderFields else {
      throw HTTPError(431, "more than \(maxHeaderFields) header fields")
    }
    var headers: [QueryItem] = []
    for field in fields {
      if field.hasPrefix(" ") || field.hasPrefix("\t") {
        throw HTTPError(400, "folded header line (obsolete line folding is not accepted)")
      }
      if field.contains("\r") { throw HTTPError(400, "bare CR in a header field") }
      guard let colon = field.firstIndex(of: ":") else {
        throw HTTPError(400, "header line without a colon")
      }
      let name = field[..<colon]
      guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
        throw HTTPError(400, "header name '\(name)' is not a token")
      }
      let value = field[field.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
      var trimmed = Substring(value)
      while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
      headers.append(QueryItem(name.lowercased(), String(trimmed)))
    }
    return HTTPRequest(method: method, path: path, query: query, headers: headers)
  }

  /// RFC 9110 `tchar`.
  static func isTokenByte(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
    case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
      UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
      UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
      UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
      true
    default: false
    }
  }

  /// Percent-decodes `text` (and `+` to a space in a query); the result must be UTF-8.
  static func decode(_ text: Substring, plusIsSpace: Bool) throws(HTTPError) -> String {
    var bytes: [UInt8] = []
    var iterator = Array(text.utf8).makeIterator()
    while let byte = iterator.next() {
      if byte == UInt8(ascii: "%") {
        guard let high = iterator.next().flatMap(hexValue),
          let low = iterator.next().flatMap(hexValue)
        else { throw HTTPError(400, "bad percent-encoding in '\(text)'") }
        bytes.append(high << 4 | low)
      } else if plusIsSpace && byte == UInt8(ascii: "+") {
        bytes.append(0x20)
      } else {
        bytes.append(byte)
      }
    }
    guard let decoded = String(validating: bytes, as: UTF8.self) else {
      throw HTTPError(400, "'\(text)' does not decode to UTF-8")
    }
    return decoded
  }

  static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x41 + 10
    case 0x61...0x66: byte - 0x61 + 10
    default: nil
    }
  }
}
