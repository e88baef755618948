import BondPerfCore

/// Standard output and error for the commands that print outside a test; a closed
/// pipe (`bondperf hash | head`) ends the output quietly instead of the process.
enum StandardStreams {
  private static let output = OutputSink(file: .standardOutput)
  private static let error = OutputSink(file: .standardError)

  static func writeOutput(_ text: String) { output.write(text) }

  static func writeError(_ text: String) { error.write(text) }
}
