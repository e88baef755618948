import Foundation

/// iperf3's authorized users file (`--authorized-users-path`): one
/// `username,sha256hex` line per user, where the hash is SHA-256 of
/// `{username}password` in lowercase hex; lines starting with `#`, empty lines
/// and lines without a comma are skipped.
///
/// Parsed as iperf3's `check_authentication` reads it: each line ends at its
/// first CR or LF, and the fields are `strtok(line, ",")`'s first two tokens
/// (empty fields are skipped, a third field is ignored). Names and hashes
/// compare byte for byte.
public struct AuthorizedUsers: Sendable, Equatable {
  /// One user's line.
  public struct Entry: Sendable, Equatable {
    public var username: [UInt8]
    /// Nil on a line with a name and a comma but no hash: it matches nobody.
    public var passwordHash: [UInt8]?
  }

  /// The users in file order; the first line that matches wins.
  public var entries: [Entry]

  /// The outcome of checking a username and password.
  public enum Match: Sendable, Equatable {
    case accepted
    /// No line names the user.
    case unknownUser
    /// A line names the user, but no such line has the password's hash.
    case wrongPassword
  }

  /// Parses the file's bytes.
  public init(contents: [UInt8]) {
    let comma = UInt8(ascii: ",")
    var entries: [Entry] = []
    for rawLine in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
      let line = rawLine.prefix { $0 != UInt8(ascii: "\r") }
      guard let first = line.first, first != UInt8(ascii: "#"), line.contains(comma) else {
        continue
      }
      let fields = line.split(separator: comma, omittingEmptySubsequences: true)
      guard let name = fields.first else { continue }
      entries.append(
        Entry(username: Array(name), passwordHash: fields.count > 1 ? Array(fields[1]) : nil))
    }
    self.entries = entries
  }

  public init(contents: String) { self.init(contents: Array(contents.utf8)) }

  /// Reads the file at `path` (iperf3 reads it for every test, so edits apply
  /// to the next one).
  public static func load(path: String) throws(AuthError) -> AuthorizedUsers {
    do {
      return AuthorizedUsers(contents: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    } catch {
      throw .unreadableFile(path: path, reason: error.localizedDescription)
    }
  }

  /// The hash a line holds for `username` and `password`:
  /// sha256hex("{username}password").
  public static func passwordHash(username: String, password: String) -> String {
    SHA256Hex.digest(Array("{\(username)}\(password)".utf8))
  }

  /// The file's line for `username` and `password`.
  public static func line(username: String, password: String) -> String {
    "\(username),\(passwordHash(username: username, password: password))"
  }

  /// Whether a line accepts `username` with `password`.
  public func check(username: String, password: String) -> Match {
    let name = Array(username.utf8)
    let hash = Array(Self.passwordHash(username: username, password: password).utf8)
    var known = false
    for entry in entries where entry.username == name {
      if entry.passwordHash == hash { return .accepted }
      known = true
    }
    return known ? .wrongPassword : .unknownUser
  }
}
