import Glibc

/// The client's password, as iperf3 gets it: `IPERF3_PASSWORD` from the
/// environment, else typed on the terminal with echo off.
public enum PasswordPrompt {
  /// The environment variable iperf3 reads the password from.
  public static let environmentVariable = "IPERF3_PASSWORD"

  /// Why there is no password.
  public enum Failure: Error, CustomStringConvertible, Sendable, Equatable {
    /// Standard input is not a terminal, so there is nobody to ask.
    case noTerminal
    /// The terminal closed before a line was typed.
    case noInput

    public var description: String {
      switch self {
      case .noTerminal:
        return "no password: set \(PasswordPrompt.environmentVariable), or run on a terminal "
          + "to be asked for it"
      case .noInput:
        return "no password was typed (set \(PasswordPrompt.environmentVariable) instead)"
      }
    }
  }

  /// `IPERF3_PASSWORD` if set (even empty, as iperf3), else the line typed
  /// after a "Password: " prompt on standard error (standard output may carry
  /// JSON), without echo, up to its first CR or LF.
  ///
  /// The corresponding C functions are `getenv`, `tcgetattr` and `tcsetattr`.
  public static func read(environment: [String: String]) throws(Failure) -> String {
    if let password = environment[environmentVariable] { return password }
    var saved = termios()
    guard tcgetattr(STDIN_FILENO, &saved) == 0 else { throw .noTerminal }
    var quiet = saved
    quiet.c_lflag &= ~tcflag_t(ECHO)
    guard tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0 else { throw .noTerminal }
    StandardError.write("Password: ")
    let line = readLine(strippingNewline: true)
    _ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
    StandardError.write("\n")
    guard let line else { throw .noInput }
    return String(line.prefix { $0 != "\r" && $0 != "\n" })
  }
}

/// Unbuffered writes to standard error, for the prompt.
private enum StandardError {
  static func write(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let count = bytes.withUnsafeMutableBytes { raw in
        Glibc.write(STDERR_FILENO, raw.baseAddress.map { $0 + offset }, raw.count - offset)
      }
      guard count > 0 else { return }
      offset += count
    }
  }
}
