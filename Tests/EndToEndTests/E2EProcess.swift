import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the end-to-end tests find the programs they run.
enum E2EBinaries {
  /// The built `bondperf` executable: next to the test bundle in the build
  /// products directory, or `.build/debug/bondperf` above this source file.
  static func bondperf() throws -> URL {
    var candidates: [URL] = []
    if let executable = Bundle.main.executableURL {
      candidates.append(executable.deletingLastPathComponent().appendingPathComponent("bondperf"))
    }
    candidates.append(Bundle.main.bundleURL.appendingPathComponent("bondperf"))
    candidates.append(
      Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("bondperf"))
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    for _ in 0..<4 {
      directory = directory.deletingLastPathComponent()
      candidates.append(directory.appendingPathComponent(".build/debug/bondperf"))
    }
    for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.path) {
      return candidate
    }
    throw E2EError(
      "the bondperf executable is missing (looked in: \(candidates.map(\.path).joined(separator: ", "))); build it with `swift build` first")
  }

  /// `iperf3` from PATH or /usr/bin; a failure (not a skip) when absent.
  static func iperf3() throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
      let candidate = URL(fileURLWithPath: directory).appendingPathComponent("iperf3")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw E2EError(
      "iperf3 is not installed: install it (apt-get install iperf3; CI installs it) to run the interoperability tests")
  }
}

struct E2EError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A child process whose standard output and error go to temporary files.
/// Call ``kill()`` in a `defer`: it kills (SIGKILL) and reaps the child if it still runs.
final class ChildProcess: @unchecked Sendable {
  let process = Process()
  let name: String
  let outputURL: URL
  let errorURL: URL
  let started = ContinuousClock.now

  init(_ executable: URL, _ arguments: [String]) throws {
    name = ([executable.lastPathComponent] + arguments).joined(separator: " ")
    let directory = FileManager.default.temporaryDirectory
    let tag = UUID().uuidString
    outputURL = directory.appendingPathComponent("bondperf-e2e-\(tag).out")
    errorURL = directory.appendingPathComponent("bondperf-e2e-\(tag).err")
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    process.executableURL = executable
    process.arguments = arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
  }

  var pid: Int32 { process.processIdentifier }
  var isRunning: Bool { process.isRunning }

  /// Waits for the exit status, at most `timeout`; nil if it is still running.
  func wait(timeout: Duration) async throws -> Int32? {
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
      if ContinuousClock.now >= deadline { return nil }
      try await Task.sleep(for: .milliseconds(20))
    }
    process.waitUntilExit()
    return process.terminationStatus
  }

  /// The exit status; records an issue (and kills the child) if it takes longer than `timeout`.
  func exitStatus(within timeout: Duration, sourceLocation: SourceLocation = #_sourceLocation)
    async throws -> Int32
  {
    if let status = try await wait(timeout: timeout) { return status }
    kill()
    throw E2EError("`\(name)` did not exit within \(timeout)\n\(transcript)")
  }

  /// SIGKILL and reap, if the child is still running.
  func kill() {
    if process.isRunning {
      _ = Glibc.kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
  }

  /// Seconds until `text` shows up in the child's standard output or error,
  /// waiting at most `timeout`; nil if it never does.
  func secondsUntilOutput(contains text: String, within timeout: Duration) async throws -> Double? {
    let started = ContinuousClock.now
    while started.duration(to: .now) < timeout {
      if (output + errorOutput).contains(text) { return e2eSeconds(started.duration(to: .now)) }
      try await Task.sleep(for: .milliseconds(20))
    }
    return nil
  }

  var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }
  var errorOutput: String { (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "" }
  var transcript: String {
    "--- \(name) stdout ---\n\(output)\n--- stderr ---\n\(errorOutput)"
  }

  deinit {
    try? FileManager.default.removeItem(at: outputURL)
    try? FileManager.default.removeItem(at: errorURL)
  }
}

/// Distinct free TCP ports for the tests (23000 and up, checked by binding).
enum E2EPorts {
  private static let next = Mutex<Int>(23000 + Int(getpid() % 500) * 8)

  static func free() throws -> UInt16 {
    for _ in 0..<2000 {
      let port = next.withLock { value -> Int in
        defer { value = value >= 28999 ? 23000 : value + 1 }
        return value
      }
      if canBind(UInt16(port)) { return UInt16(port) }
    }
    throw E2EError("no free TCP port between 23000 and 29000")
  }

  /// True when a wildcard IPv6 (dual-stack) and IPv4 bind of `port` both work.
  static func canBind(_ port: UInt16) -> Bool {
    let v4 = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard v4 >= 0 else { return false }
    defer { close(v4) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = INADDR_ANY
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(v4, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    return bound == 0 && !isListening(port)
  }

  /// Whether something listens on `port` (from /proc/net/tcp and tcp6).
  static func isListening(_ port: UInt16) -> Bool {
    let hex = String(format: ":%04X", port)
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
      for line in text.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: " ")
        guard fields.count > 3 else { continue }
        if fields[1].hasSuffix(hex) && fields[3] == "0A" { return true }
      }
    }
    return false
  }

  /// Waits until a server listens on `port` (without connecting to it).
  static func waitListening(_ port: UInt16, server: ChildProcess, timeout: Duration = .seconds(10))
    async throws
  {
    let deadline = ContinuousClock.now + timeout
    while !isListening(port) {
      guard server.isRunning else {
        throw E2EError("the server exited before listening on \(port)\n\(server.transcript)")
      }
      guard ContinuousClock.now < deadline else {
        throw E2EError("nothing listened on \(port) within \(timeout)\n\(server.transcript)")
      }
      try await Task.sleep(for: .milliseconds(20))
    }
  }
}

/// A raw TCP connection to 127.0.0.1, for misbehaving peers.
final class RawTCP {
  let descriptor: Int32

  init(port: UInt16) throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else { throw E2EError("socket: errno \(errno)") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      let code = errno
      close(descriptor)
      throw E2EError("connect to 127.0.0.1:\(port): errno \(code)")
    }
  }

  func send(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes {
        Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard sent > 0 else { throw E2EError("send: errno \(errno)") }
      offset += sent
    }
  }

  /// Reads until EOF, an error, or `timeout`; returns the bytes and whether EOF (or reset) was seen.
  func readUntilClosed(timeout: Duration) -> (bytes: [UInt8], closed: Bool) {
    var received: [UInt8] = []
    let deadline = ContinuousClock.now + timeout
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let left = ContinuousClock.now.duration(to: deadline)
      guard left > .zero else { return (received, false) }
      var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
      let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
      let ready = poll(&descriptor, 1, max(milliseconds, 1))
      if ready < 0 && errno == EINTR { continue }
      guard ready > 0 else { continue }
      let count = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, $0.count, 0) }
      if count <= 0 { return (received, true) }
      received += buffer[0..<count]
    }
  }

  /// Reads exactly `count` bytes or fewer if the peer closes or `timeout` passes.
  func read(_ count: Int, timeout: Duration) -> [UInt8] {
    var received: [UInt8] = []
    let deadline = ContinuousClock.now + timeout
    var buffer = [UInt8](repeating: 0, count: count)
    while received.count < count {
      let left = ContinuousClock.now.duration(to: deadline)
      guard left > .zero else { break }
      var descriptor = pollfd(fd: self.descriptor, events: Int16(POLLIN), revents: 0)
      let milliseconds = Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
      guard poll(&descriptor, 1, max(milliseconds, 1)) > 0 else { continue }
      let wanted = count - received.count
      let got = buffer.withUnsafeMutableBytes { recv(self.descriptor, $0.baseAddress, wanted, 0) }
      if got <= 0 { break }
      received += buffer[0..<got]
    }
    return received
  }

  deinit { close(descriptor) }
}

/// A valid iperf3 cookie: 36 characters of a-z2-7 and a NUL.
func e2eCookie() -> [UInt8] {
  let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
  return (0..<36).map { _ in alphabet[Int.random(in: 0..<32)] } + [0]
}
