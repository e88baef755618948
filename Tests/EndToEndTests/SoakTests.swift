import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The short CI version of scripts/soak: 100 short tests and
/// hostile peers against ONE server process, whose descriptor count must come
/// back to its warmed-up baseline and whose RSS must not grow past a tolerance.
///
/// Protects: every descriptor a test opens on the server (control, streams,
/// refused and hostile connections) being closed on every path, and no memory
/// kept per test. A server that leaks one descriptor per test fails it by ~90.
@Suite(.serialized)
struct SoakTests {
  static let tests = 100
  static let warmup = 10
  /// RSS wobbles with malloc's caching (more in a debug build); a per-test leak
  /// of even 64 KiB would pass this by test 100.
  static let rssToleranceKiB = 4096

  /// Client arguments (after -c/-p) or a hostile peer, in rotation.
  enum Case {
    case client([String])
    case connectAndClose
    case cookieThenGarbage
  }

  static let cases: [Case] = [
    .client(["-n", "256K"]),
    .client(["-n", "256K", "-R"]),
    .client(["-n", "256K", "--bidir"]),
    .connectAndClose,
    .client(["-n", "512K", "-P", "3"]),
    .client(["-k", "4", "-P", "2", "-R", "-J"]),
    .cookieThenGarbage,
    .client(["-n", "256K", "-P", "4", "--bidir"]),
  ]

  static func descriptors(_ pid: Int32) throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
  }

  static func rssKiB(_ pid: Int32) throws -> Int {
    let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
    let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
    return try #require(Int(line.split(separator: " ")[1]))
  }

  /// The lowest descriptor count seen until it is at most `target` or 3 s pass
  /// (a test's sockets close a moment after the client exits).
  static func settledDescriptors(_ pid: Int32, target: Int = 0) async throws -> Int {
    var best = Int.max
    _ = try await e2ePoll(within: .seconds(3), every: .milliseconds(50)) {
      best = min(best, try descriptors(pid))
      return best <= target
    }
    return best
  }

  static func run(_ testCase: Case, port: UInt16) async throws {
    switch testCase {
    case .client(let arguments):
      let client = try e2eStartClient(port: port, arguments)
      defer { client.kill() }
      let status = try await client.exitStatus(within: .seconds(30))
      #expect(status == 0, "\(client.transcript)")
    case .connectAndClose:
      _ = try RawTCP(port: port)
    case .cookieThenGarbage:
      let raw = try RawTCP(port: port)
      try raw.send(e2eCookie())
      #expect(raw.read(1, timeout: .seconds(5)) == [0x09])
      try raw.send(e2eFrame(Array("this is not json".utf8)))
      #expect(raw.readUntilClosed(timeout: .seconds(12)).closed)
    }
  }

  @Test(.timeLimit(.minutes(3)))
  func oneServerDoesNotGrowOverManyTests() async throws {
    let (server, port) = try await e2eStartServer()
    defer { server.kill() }
    let pid = server.pid
    var baseline = (descriptors: 0, rss: 0)
    var maximum = (descriptors: 0, rss: 0)
    let started = ContinuousClock.now
    for index in 0..<Self.tests {
      try await Self.run(Self.cases[index % Self.cases.count], port: port)
      try #require(server.isRunning, "the server died at test \(index + 1)\n\(server.transcript)")
      if index + 1 == Self.warmup {
        baseline = (try await Self.settledDescriptors(pid), try Self.rssKiB(pid))
      }
      maximum = (
        max(maximum.descriptors, try Self.descriptors(pid)), max(maximum.rss, try Self.rssKiB(pid))
      )
    }
    let descriptors = try await Self.settledDescriptors(pid, target: baseline.descriptors)
    let rss = try Self.rssKiB(pid)
    let elapsed = e2eSeconds(started.duration(to: .now))
    #expect(
      descriptors <= baseline.descriptors,
      "the server's descriptors grew from \(baseline.descriptors) to \(descriptors) over \(Self.tests) tests"
    )
    #expect(
      rss - baseline.rss <= Self.rssToleranceKiB,
      "the server's RSS grew from \(baseline.rss) to \(rss) KiB over \(Self.tests) tests")
    print(
      "Soak: \(Self.tests) tests in \(String(format: "%.1f", elapsed)) s against one server: "
        + "fds \(baseline.descriptors) -> \(descriptors) (max \(maximum.descriptors)), "
        + "RSS \(baseline.rss) -> \(rss) KiB (max \(maximum.rss), tolerance \(Self.rssToleranceKiB))"
    )
  }
}
