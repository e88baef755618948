import Synchronization

/// Where reporters write: standard output by default, or a log file (`--logfile`).
///
/// A failed write (a closed pipe, a full disk) turns the sink off instead of
/// ending the process: a server keeps serving when nobody reads its output.
public final class OutputSink: Sendable {
  private let file: OutputFile?
  private let broken = Atomic<Bool>(false)
  private let captured = Mutex<String?>(nil)
  /// What starts each line written (`--timestamps`, `-T`), and whether the next
  /// write starts a line.
  private let prefix = Mutex<(make: (@Sendable () -> String)?, atLineStart: Bool)>((nil, true))
  /// A client's `-T` title on a server, for that test's lines (`"title:  "`).
  private let testTitle = Mutex<String?>(nil)

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

  /// Starts every line written from now on with what `make` returns (iperf3's
  /// `--timestamps` and `-T TITLE`); the captured server output gets it too.
  public func prefixLines(with make: @escaping @Sendable () -> String) {
    prefix.withLock { $0.make = make }
  }

  /// Starts the lines of one test with a client's `-T` title, as an iperf3 server
  /// does once it has the test's parameters; nil ends it.
  public func setTestTitle(_ title: String?) {
    testTitle.withLock { $0 = title.map { "\($0):  " } }
  }

  public func write(_ text: String) {
    var text = prefixed(text)
    captured.withLock { if $0 != nil { $0? += text } }
    guard let file, !broken.load(ordering: .relaxed) else { return }
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

  /// `text` with the line prefix at the start of each line, if one is set.
  private func prefixed(_ text: String) -> String {
    let title = testTitle.withLock { $0 }
    return prefix.withLock { state in
      guard state.make != nil || title != nil, !text.isEmpty else { return text }
      let start = (state.make?() ?? "") + (title ?? "")
      var result = ""
      for character in text {
        if state.atLineStart { result += start }
        result.append(character)
        state.atLineStart = character == "\n"
      }
      return result
    }
  }

  /// Starts keeping a copy of what is written (for `--get-server-output`).
  func startCapture() { captured.withLock { $0 = "" } }

  func capturedText() -> String? { captured.withLock { $0 } }
}
