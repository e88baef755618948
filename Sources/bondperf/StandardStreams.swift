import BondPerfCore

/// Writes to standard output and error; a closed pipe (`bondperf hash | head`)
/// ends the output quietly instead of the process.
enum StandardStreams {
  static func writeOutput(_ text: String) { write(text, to: .standardOutput) }

  static func writeError(_ text: String) { write(text, to: .standardError) }

  private static func write(_ text: String, to file: OutputFile) {
    var text = text
    text.withUTF8 { bytes in try? file.writeAll(UnsafeRawBufferPointer(bytes)) }
  }
}
