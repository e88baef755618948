import Glibc
import Testing

@testable import BondPerfCore

struct OutputSinkTests {
  /// A closed pipe makes the sink quiet, never a trap or a SIGPIPE death
  /// (the test process itself would die if SIGPIPE were not ignored).
  @Test func closedPipeTurnsTheSinkOff() throws {
    Signals.ignoreBrokenPipe()
    var ends: [Int32] = [0, 0]
    #expect(pipe(&ends) == 0)
    close(ends[0])
    defer { close(ends[1]) }
    let file = try #require(OutputFileProbe.file(descriptor: ends[1]))
    let sink = OutputSink(file: file)
    sink.startCapture()
    sink.line("first")
    #expect(sink.isBroken)
    sink.line("second")
    #expect(sink.capturedText() == "first\nsecond\n", "capture still works for --get-server-output")
  }

  @Test func serverErrorBytesRoundTrip() throws {
    let bytes = Framing.serverError(.numberOfStreams, errno: 11)
    #expect(bytes == [0xfe, 0, 0, 0, 6, 0, 0, 0, 11])
    var buffer = ControlBuffer()
    buffer.append(contentsOf: bytes)
    let message = try buffer.nextMessage()
    #expect(message == .serverError)
    let decoded = buffer.nextServerError()
    #expect(decoded?.iperfErrno == 6 && decoded?.errno == 11)
  }
}

/// Opens `/proc/self/fd/N` for appending, so a test can aim an ``OutputFile`` at a pipe.
enum OutputFileProbe {
  static func file(descriptor: Int32) -> OutputFile? {
    try? OutputFile.appending(to: "/proc/self/fd/\(descriptor)")
  }
}
