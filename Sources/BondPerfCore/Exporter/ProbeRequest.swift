/// What `/probe?target=HOST&port=..&parallel=..&time=..&reverse=..&calibrate=..` asks for,
/// checked: a bad parameter is a 400 naming it and what it takes.
public struct ProbeRequest: Sendable, Hashable {
  public var target: String
  public var port: UInt16 = 5201
  public var parallel = 1
  public var seconds = 5
  public var reverse = false
  /// Calibrate the source ports through the switch first (`--calibrate`).
  public var calibrate = false

  public static let parameters = ["target", "port", "parallel", "time", "reverse", "calibrate"]

  public init(target: String) {
    self.target = target
  }

  /// - Parameter maxSeconds: The longest `time` the exporter allows (`--max-time`).
  public init(
    query: [HTTPRequest.QueryItem], defaultSeconds: Int, maxSeconds: Int, maxParallel: Int
  ) throws(HTTPError) {
    var seen: Set<String> = []
    for item in query {
      guard Self.parameters.contains(item.name) else {
        throw HTTPError(
          400,
          "unknown parameter '\(item.name)' (known: \(Self.parameters.joined(separator: ", ")))")
      }
      guard seen.insert(item.name).inserted else {
        throw HTTPError(400, "parameter '\(item.name)' given twice")
      }
    }
    func value(_ name: String) -> String? { query.first { $0.name == name }?.value }
    guard let target = value("target"), !target.isEmpty else {
      throw HTTPError(400, "missing target: /probe?target=HOST[&port=5201&parallel=N&time=S]")
    }
    guard target.utf8.count <= 253,
      target.utf8.allSatisfy({ Self.isHostByte($0) })
    else {
      throw HTTPError(400, "target '\(target)' is not a host name or IP address")
    }
    self.target = target
    if let text = value("port") {
      guard let port = UInt16(text), port > 0 else {
        throw HTTPError(400, "port must be between 1 and 65535, got '\(text)'")
      }
      self.port = port
    }
    if let text = value("parallel") {
      guard let parallel = Int(text), (1...maxParallel).contains(parallel) else {
        throw HTTPError(400, "parallel must be between 1 and \(maxParallel), got '\(text)'")
      }
      self.parallel = parallel
    }
    seconds = defaultSeconds
    if let text = value("time") {
      guard let seconds = Int(text), (1...maxSeconds).contains(seconds) else {
        throw HTTPError(
          400, "time must be between 1 and \(maxSeconds) seconds (--max-time), got '\(text)'")
      }
      self.seconds = seconds
    }
    reverse = try Self.flag("reverse", value("reverse"))
    calibrate = try Self.flag("calibrate", value("calibrate"))
  }

  /// A 0/1 parameter (also false/true); absent is 0.
  static func flag(_ name: String, _ text: String?) throws(HTTPError) -> Bool {
    switch text {
    case nil, "0", "false": false
    case "1", "true": true
    default: throw HTTPError(400, "\(name) must be 0 or 1, got '\(text ?? "")'")
    }
  }

  /// Letters, digits, `.`, `-`, `:` (IPv6), `_`, `%` (a zone) and `[` `]`.
  static func isHostByte(_ byte: UInt8) -> Bool {
    switch byte {
    case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
    case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "_"),
      UInt8(ascii: "%"), UInt8(ascii: "["), UInt8(ascii: "]"):
      true
    default: false
    }
  }

  /// The host without IPv6 brackets.
  public var host: String {
    target.hasPrefix("[") && target.hasSuffix("]")
      ? String(target.dropFirst().dropLast()) : target
  }
}
