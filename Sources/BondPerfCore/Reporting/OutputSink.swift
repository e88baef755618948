import Foundation
import Synchronization

/// Where reporters write: standard output by default, or a log file (`--logfile`).
public final class OutputSink: Sendable {
  private let handle: FileHandle
  private let captured = Mutex<String?>(nil)

  public init(handle: FileHandle = .standardOutput) {
    self.handle = handle
  }

  /// Appends to `path` (created if missing), as iperf3's `--logfile` does.
  public convenience init(appendingTo path: String) throws {
    if !FileManager.default.fileExists(atPath: path) {
      guard FileManager.default.createFile(atPath: path, contents: nil) else {
        throw PerfError("unable to open log file \(path)")
      }
    }
    guard let handle = FileHandle(forWritingAtPath: path) else {
      throw PerfError("unable to open log file \(path) for writing")
    }
    handle.seekToEndOfFile()
    self.init(handle: handle)
  }

  public func write(_ text: String) {
    handle.write(Data(text.utf8))
    captured.withLock { if $0 != nil { $0? += text } }
  }

  public func line(_ text: String) { write(text + "\n") }

  /// Starts keeping a copy of what is written (for `--get-server-output`).
  func startCapture() { captured.withLock { $0 = "" } }

  func capturedText() -> String? { captured.withLock { $0 } }
}
