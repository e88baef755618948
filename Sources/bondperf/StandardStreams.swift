import Foundation

/// Writes to standard output and error; the one place that touches the C streams.
enum StandardStreams {
  static func writeOutput(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
  }

  static func writeError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
