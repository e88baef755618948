import Foundation

/// The running kernel's release string (`uname -r`).
public enum KernelRelease {
  /// Reads `<procfs>/sys/kernel/osrelease`, e.g. `6.8.0-45-generic`.
  ///
  /// - Throws: ``HostError`` if the file can't be read.
  public static func read(roots: HostRoots = .live) throws -> String {
    let path = roots.procfs("sys/kernel/osrelease")
    let text = try HostFile.read(path).trimmingCharacters(in: .whitespacesAndNewlines)
    guard !text.isEmpty else { throw HostError.malformed(path: path, text: text) }
    return text
  }

  /// The release reduced to major.minor, for the hash-variant tables.
  public static func version(roots: HostRoots = .live) throws -> KernelVersion {
    let text = try read(roots: roots)
    guard let version = KernelVersion(text) else {
      throw HostError.malformed(path: roots.procfs("sys/kernel/osrelease"), text: text)
    }
    return version
  }
}
