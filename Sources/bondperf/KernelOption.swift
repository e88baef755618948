import BondPerfCore
import Foundation

/// The kernel whose hash variant to model: `--kernel X.Y`, else the running one.
enum KernelOption {
  /// The running kernel, from `/proc/sys/kernel/osrelease` (as `uname -r` prints it).
  static func running() -> KernelVersion? {
    guard let text = try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)
    else { return nil }
    return KernelVersion(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  /// `--kernel` if given, else the running kernel, else an error saying what to pass.
  static func resolve(_ given: KernelVersion?) throws -> KernelVersion {
    if let given { return given }
    if let running = running() { return running }
    throw ValidationErrorText(
      "cannot read the running kernel's version from /proc/sys/kernel/osrelease; pass --kernel X.Y")
  }
}
