import Foundation
import Synchronization
import Testing

/// Runs the built `bondperf` and the testbed script for end-to-end tests.
enum TestbedSupport {
  static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
  }()

  static var binary: String { packageRoot.appendingPathComponent(".build/debug/bondperf").path }

  static var isRoot: Bool { getuid() == 0 }

  static let env = URL(fileURLWithPath: "/usr/bin/env")

  /// Namespaces of our own, so a testbed someone else has up is left alone.
  static let environment: [String: String] = [
    "TESTBED_CLIENT_NS": "bpt-client", "TESTBED_SERVER_NS": "bpt-server",
    "TESTBED_STATE_DIR": "/run/bondperf-testbed-tests",
  ]

  /// FaultTests' own testbed (it cuts slaves), so it never disturbs TestbedTests'.
  static let faultsEnvironment: [String: String] = [
    "TESTBED_CLIENT_NS": "bpx-client", "TESTBED_SERVER_NS": "bpx-server",
    "TESTBED_STATE_DIR": "/run/bondperf-testbed-faults-tests",
  ]

  struct Output {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs a command to completion (bounded by `timeout`).
  @discardableResult
  static func run(
    _ arguments: [String], timeout: TimeInterval = 120,
    environment: [String: String] = TestbedSupport.environment
  ) throws -> Output {
    let process = Process()
    process.executableURL = env
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    process.currentDirectoryURL = packageRoot
    let exited = DispatchSemaphore(value: 0)
    process.terminationHandler = { _ in exited.signal() }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outReader = PipeReader(out)
    let errReader = PipeReader(err)
    if exited.wait(timeout: .now() + timeout) == .timedOut {
      process.terminate()
      Issue.record("timed out after \(timeout) s: \(arguments.joined(separator: " "))")
    }
    process.waitUntilExit()
    return Output(
      status: process.terminationStatus, stdout: outReader.text(), stderr: errReader.text())
  }

  static func json(_ text: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(object as? [String: Any], "not a JSON object: \(text.prefix(200))")
  }
}

/// Drains a pipe on a thread of its own so a chatty child never blocks.
final class PipeReader: Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let data = Mutex(Data())

  init(_ pipe: Pipe) {
    let handle = pipe.fileHandleForReading
    Thread.detachNewThread { [self] in
      let bytes = handle.readDataToEndOfFile()
      data.withLock { $0 = bytes }
      done.signal()
    }
  }

  func text() -> String {
    done.wait()
    return String(decoding: data.withLock { $0 }, as: UTF8.self)
  }
}
