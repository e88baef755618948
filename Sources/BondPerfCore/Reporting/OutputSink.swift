import Synchronization

/// Where reporters write: standard output by default, or a log file (`--logfile`).
///
/// A failed write (a closed pipe, a full disk) turns the sink off instead of
/// ending the process: a server keeps serving when nobody reads its output.
public final class OutputSink: Sendable {
  private let file: OutputFile?
  private let broken = Atomic<Bool>(false)
  private let captured = Mutex<String?>(nil)

  /// Writes to `file`; `nil` discards everything (but still captures).
  public init(file: OutputFile? = .standardOutput) {
    self.file = file
  }

  /// Appends to `path` (created if missing), as iperf3's `--logfile` does.
  public convenience init(appendingTo path: String) throws {
    do {
      self.init(file: try OutputFile.appending(to: path))
    } catch {
      throw PerfError("unable to open log file: \(error)")
    }
  }

  /// A sink that writes nowhere.
  public static func discarding() -> OutputSink { OutputSink(file: nil) }

  /// Whether a write has failed, after which nothing more is written.
  public var isBroken: Bool { broken.load(ordering: .relaxed) }

  public func write(_ text: String) {
    captured.withLock { if $0 != nil { $0? += text } }
    guard let file, !broken.load(ordering: .relaxed) else { return }
    var text = text
    let failed = text.withUTF8 { bytes in
      do {
        try file.writeAll(UnsafeRawBufferPointer(bytes))
        return false
      } catch {
        return true
      }
    }
    if failed { broken.store(true, ordering: .relaxed) }
  }

  public func line(_ text: String) { write(text + "\n") }

  /// Starts keeping a copy of what is written (for `--get-server-output`).
  func startCapture() { captured.withLock { $0 = "" } }

  func capturedText() -> String? { captured.withLock { $0 } }
}
