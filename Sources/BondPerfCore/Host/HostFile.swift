import Foundation

/// Reads small kernel text files (sysfs attributes, procfs tables).
///
/// procfs and sysfs report sizes that are wrong (0 or 4096), so files are read
/// to end of file rather than by their size.
enum HostFile {
  /// The whole text of `path`.
  ///
  /// - Throws: ``HostError/unreadable(path:reason:)`` with a short reason
  ///   such as "no such file" or "permission denied".
  static func read(_ path: String) throws -> String {
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
      throw HostError.unreadable(path: path, reason: reason(for: error))
    }
    defer { try? handle.close() }
    do {
      let data = try handle.readToEnd() ?? Data()
      return String(decoding: data, as: UTF8.self)
    } catch {
      throw HostError.unreadable(path: path, reason: reason(for: error))
    }
  }

  /// The text of `path` with surrounding white space removed, or `nil` if it
  /// can't be read. Use for optional attributes.
  static func value(_ path: String) -> String? {
    guard let text = try? read(path) else { return nil }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Like ``value(_:)``, but `nil` also for an empty file (sysfs attributes
  /// that don't apply to the current mode read as empty).
  static func nonEmptyValue(_ path: String) -> String? {
    guard let text = value(path), !text.isEmpty else { return nil }
    return text
  }

  /// An integer attribute, or `nil` if absent, empty or not a number.
  static func integer(_ path: String) -> Int? {
    nonEmptyValue(path).flatMap { Int($0) }
  }

  /// Whether `path` exists (file or directory).
  static func exists(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: path)
  }

  /// The entries of a directory, sorted; empty if it can't be listed.
  static func list(_ path: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
  }

  /// The last path component of a symbolic link's target, if `path` is a link.
  static func linkTargetName(_ path: String) -> String? {
    guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
      return nil
    }
    return target.split(separator: "/").last.map(String.init)
  }

  private static func reason(for error: any Error) -> String {
    if let cocoa = error as? CocoaError {
      switch cocoa.code {
      case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
      case .fileReadNoPermission: return "permission denied"
      default: break
      }
      if let posix = cocoa.userInfo[NSUnderlyingErrorKey] as? POSIXError {
        return reason(for: posix)
      }
    }
    if let posix = error as? POSIXError {
      switch posix.code {
      case .ENOENT: return "no such file"
      case .EACCES, .EPERM: return "permission denied"
      case .EISDIR: return "is a directory"
      default: return String(describing: posix.code)
      }
    }
    return String(describing: error)
  }
}
