import Foundation

/// The rate limit of an interface's root qdisc, as `tc` reports it.
///
/// Reads `tc -j qdisc show dev X` (iproute2; tbf's `options.rate` is in
/// bytes per second, see tc-tbf(8) and iproute2's `tc/q_tbf.c`) and, for an
/// htb root, the root classes of `tc class show dev X` (htb prints no JSON for
/// classes in iproute2 6.1; see tc-htb(8)). Every failure (no `tc`, no
/// permission, an unknown qdisc) reads as "no limit known".
public enum TrafficControl {
  /// Where `tc` is looked for (root's PATH is not always ours).
  static let candidates = ["/usr/sbin/tc", "/sbin/tc", "/usr/bin/tc", "/bin/tc"]

  /// The bit rate the root tbf or htb qdisc of `interface` allows, or nil.
  public static func rootRate(of interface: String) -> Int64? {
    guard let qdiscs = run(["-j", "qdisc", "show", "dev", interface]) else { return nil }
    switch rootQdisc(json: qdiscs) {
    case .tbf(let rate): return rate
    case .htb: return run(["class", "show", "dev", interface]).flatMap(htbRootRate)
    case nil: return nil
    }
  }

  /// A root qdisc that limits the rate.
  enum RootQdisc: Equatable {
    /// tbf with its rate in bit/s.
    case tbf(Int64)
    /// htb: the rate is in its classes.
    case htb
  }

  /// The root qdisc in `tc -j qdisc show` output, if it is tbf or htb.
  static func rootQdisc(json: String) -> RootQdisc? {
    guard let entries = (try? JSONValue.parse(text: json))?.arrayValue,
      let root = entries.first(where: { $0["root"]?.boolValue == true })
    else { return nil }
    switch root["kind"]?.stringValue {
    case "tbf":
      guard let bytes = root["options"]?["rate"]?.doubleValue, bytes > 0 else { return nil }
      return .tbf(Int64(bytes * 8))
    case "htb":
      return .htb
    default:
      return nil
    }
  }

  /// The largest `ceil` (else `rate`) of the root classes in `tc class show`
  /// output: `class htb 1:10 root prio 0 rate 250Mbit ceil 300Mbit ...`.
  static func htbRootRate(_ text: String) -> Int64? {
    var best: Int64?
    for line in text.split(separator: "\n") {
      let words = line.split(separator: " ").map(String.init)
      guard words.count > 3, words[0] == "class", words[1] == "htb", words.contains("root")
      else { continue }
      func value(after key: String) -> Int64? {
        guard let index = words.firstIndex(of: key), index + 1 < words.count else { return nil }
        return RateText.parse(words[index + 1])
      }
      if let rate = value(after: "ceil") ?? value(after: "rate") { best = max(best ?? 0, rate) }
    }
    return best
  }

  /// Runs `tc` with `arguments`; its standard output, or nil when it could not
  /// run, failed, or took over two seconds.
  static func run(_ arguments: [String]) -> String? {
    guard let tc = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tc)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    do { try process.run() } catch { return nil }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    if exited.wait(timeout: .now() + 2) == .timedOut {
      process.terminate()
      return nil
    }
    guard process.terminationStatus == 0 else { return nil }
    return String(decoding: data, as: UTF8.self)
  }
}
