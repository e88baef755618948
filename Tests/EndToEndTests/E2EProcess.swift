import BondPerfCore
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
      "the bondperf executable is missing (looked in: \(candidates.map(\.path).joined(separator: ", "))); build it with `swift build` first"
    )
  }

  /// `iperf3` from PATH or /usr/bin; a failure (not a skip) when absent.
  static func iperf3() throws -> URL {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin"] {
      let candidate = URL(fileURLWithPath: directory).appendingPathComponent("iperf3")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw E2EError(
      "iperf3 is not installed: install it (apt-get install iperf3; CI installs it) to run the interoperability tests"
    )
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
    guard try await e2ePoll(within: timeout, { !process.isRunning }) else { return nil }
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

  /// How much the child has written so far, to wait for what it writes after.
  struct Mark {
    var output = 0
    var errorOutput = 0
  }

  /// The current end of the child's standard output and error.
  var mark: Mark { Mark(output: bytes(outputURL).count, errorOutput: bytes(errorURL).count) }

  /// What the child wrote to standard output and error after `mark`.
  func text(since mark: Mark = Mark()) -> String {
    String(decoding: bytes(outputURL).dropFirst(mark.output), as: UTF8.self) + "\n"
      + String(decoding: bytes(errorURL).dropFirst(mark.errorOutput), as: UTF8.self)
  }

  private func bytes(_ url: URL) -> Data { (try? Data(contentsOf: url)) ?? Data() }

  /// Seconds until `text` shows up in the child's standard output or error (after
  /// `mark`), waiting at most `timeout`; nil if it never does.
  func secondsUntilOutput(
    contains text: String, since mark: Mark = Mark(), within timeout: Duration
  ) async throws -> Double? {
    let started = ContinuousClock.now
    guard try await e2ePoll(within: timeout, { self.text(since: mark).contains(text) }) else {
      return nil
    }
    return e2eSeconds(started.duration(to: .now))
  }

  /// Waits for `text` in the child's output after `mark`; throws with the transcript
  /// if the child exits first or `timeout` passes.
  func waitForOutput(
    _ text: String, since mark: Mark = Mark(), within timeout: Duration = .seconds(10)
  ) async throws {
    let seen = try await e2ePoll(within: timeout) {
      self.text(since: mark).contains(text) || !process.isRunning
    }
    guard seen, self.text(since: mark).contains(text) else {
      let why = seen ? "exited" : "ran \(timeout)"
      throw E2EError("`\(name)` \(why) without printing \"\(text)\"\n\(transcript)")
    }
  }

  /// The port from the server's "Server listening on PORT" line (text mode prints it on
  /// standard output before each test; -J and --json-stream print it once on standard
  /// error), waiting at most `timeout` for it.
  func listeningPort(within timeout: Duration = .seconds(10)) async throws -> UInt16 {
    try await waitForOutput(e2eListeningMarker, within: timeout)
    guard let port = e2eListeningPort(in: text()) else {
      throw E2EError("no port after \"\(e2eListeningMarker)\"\n\(transcript)")
    }
    return port
  }

  var output: String { String(decoding: bytes(outputURL), as: UTF8.self) }
  var errorOutput: String { String(decoding: bytes(errorURL), as: UTF8.self) }
  var transcript: String {
    "--- \(name) stdout ---\n\(output)\n--- stderr ---\n\(errorOutput)"
  }

  deinit {
    try? FileManager.default.removeItem(at: outputURL)
    try? FileManager.default.removeItem(at: errorURL)
  }
}

/// Polls `condition` every `interval` until it holds or `timeout` passes; true if it held.
///
/// The one place the end-to-end tests poll (a child's exit, a line in its output, a
/// count in /proc): each caller waits for a condition, never for a fixed time.
func e2ePoll(
  within timeout: Duration, every interval: Duration = .milliseconds(20),
  _ condition: () throws -> Bool
) async throws -> Bool {
  let deadline = ContinuousClock.now + timeout
  while true {
    if try condition() { return true }
    if ContinuousClock.now >= deadline { return false }
    try await Task.sleep(for: interval)
  }
}

/// What a bondperf server prints once it listens, followed by the port it bound.
let e2eListeningMarker = "Server listening on "

/// The port in the first "Server listening on PORT" line of `text`, if there is one.
func e2eListeningPort(in text: String) -> UInt16? {
  guard let range = text.range(of: e2eListeningMarker) else { return nil }
  return UInt16(text[range.upperBound...].prefix { $0.isNumber }).flatMap { $0 > 0 ? $0 : nil }
}

/// What a text-mode interval line contains ("[  5]   0.00-1.00   sec  ... Gbits/sec"):
/// data is moving.
let e2eIntervalMarker = "bits/sec"

/// Starts a server on `port` (0: one the kernel picks) with `arguments` after
/// `-s -p PORT`, and returns it with the port it listens on once it does.
///
/// bondperf binds `-p 0` and prints the port ("Server listening on PORT"). iperf3 3.12
/// refuses `-p 0` (and -J prints nothing until the test ends), so it gets a probed port
/// and is retried on another if that one was taken in the meantime.
func e2eStartServer(
  _ implementation: E2EImplementation = .bondperf, _ arguments: [String] = [],
  port: UInt16 = 0, command: String = "-s"
) async throws -> (ChildProcess, UInt16) {
  if implementation == .iperf3 { return try await E2EPorts.startIperf3Server(arguments) }
  let server = try ChildProcess(
    try E2EBinaries.bondperf(), [command, "-p", "\(port)"] + arguments)
  do {
    let bound = try await server.listeningPort()
    if port != 0 && bound != port {
      throw E2EError("asked for port \(port), listening on \(bound)\n\(server.transcript)")
    }
    return (server, bound)
  } catch {
    server.kill()
    throw error
  }
}

/// Ports for what can't use port 0: a stock iperf3 server and `--cport`.
///
/// Probing is racy (someone may take the port between the check and its use), so only
/// ``startIperf3Server(_:)`` depends on it for a listener, and retries on EADDRINUSE.
enum E2EPorts {
  private static let next = Mutex<Int>(23000 + Int(getpid() % 500) * 8)

  /// A port in 23000-28999 (below Linux's ephemeral range) that binds right now.
  static func probe() throws -> UInt16 {
    for _ in 0..<2000 {
      let port = next.withLock { value -> Int in
        defer { value = value >= 28999 ? 23000 : value + 1 }
        return value
      }
      if canBind(UInt16(port)) && listener(on: UInt16(port)).isEmpty { return UInt16(port) }
    }
    throw E2EError("no free TCP port between 23000 and 29000")
  }

  /// Starts `iperf3 -s -p PORT` plus `arguments` on a probed port; another port if
  /// that one turns out to be taken (iperf3 exits with "Address already in use").
  static func startIperf3Server(_ arguments: [String]) async throws -> (ChildProcess, UInt16) {
    let iperf3 = try E2EBinaries.iperf3()
    var failures: [String] = []
    for _ in 0..<5 {
      let port = try probe()
      let server = try ChildProcess(iperf3, ["-s", "-p", "\(port)"] + arguments)
      let settled = try await e2ePoll(within: .seconds(10)) {
        isListening(port, by: server.pid) || !server.isRunning
      }
      if settled && server.isRunning { return (server, port) }
      server.kill()
      guard settled, server.text().contains("Address already in use") else {
        throw E2EError("iperf3 never listened on \(port)\n\(server.transcript)")
      }
      failures.append("\(port)")
    }
    throw E2EError("iperf3 found every probed port taken: \(failures.joined(separator: ", "))")
  }

  /// True when an IPv4 wildcard bind of `port` works.
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
    return bound == 0
  }

  /// Whether process `pid` itself has a socket listening on `port`: the socket's inode
  /// from /proc/net/tcp{,6} is among its descriptors.
  static func isListening(_ port: UInt16, by pid: Int32) -> Bool {
    let inodes = listener(on: port)
    guard !inodes.isEmpty,
      let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
    else { return false }
    return descriptors.contains { descriptor in
      let link = try? FileManager.default.destinationOfSymbolicLink(
        atPath: "/proc/\(pid)/fd/\(descriptor)")
      return link.map { inodes.contains($0) } ?? false
    }
  }

  /// The sockets ("socket:[INODE]") listening on `port`, from /proc/net/tcp and tcp6.
  static func listener(on port: UInt16) -> Set<String> {
    let hex = String(format: ":%04X", port)
    var inodes: Set<String> = []
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
      guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { continue }
      for line in text.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: " ")
        guard fields.count > 9, fields[1].hasSuffix(hex), fields[3] == "0A" else { continue }
        inodes.insert("socket:[\(fields[9])]")
      }
    }
    return inodes
  }
}

/// A port on 127.0.0.1 where nothing listens, held (bound, not listening) for as long
/// as this lives, so a connection to it is refused and nobody else can take it.
final class E2EClosedPort {
  let socket: SharedSocket
  let port: UInt16

  init() throws {
    let socket = try Socket(family: .ipv4)
    try socket.bind(to: SocketAddress(ip: try #require(IPAddress("127.0.0.1")), port: 0))
    port = try socket.localAddress.port
    self.socket = SharedSocket(socket)
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
      let milliseconds = Int32(
        left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
      let ready = poll(&descriptor, 1, max(milliseconds, 1))
      if ready < 0 && errno == EINTR { continue }
      guard ready > 0 else { continue }
      let count = buffer.withUnsafeMutableBytes {
        recv(self.descriptor, $0.baseAddress, $0.count, 0)
      }
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
      let milliseconds = Int32(
        left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
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
