import BondPerfCore

/// The kernel whose hash variant to model: `--kernel X.Y`, else the running one.
enum KernelOption {
  /// `--kernel` if given, else the running kernel, else an error saying what to pass.
  static func resolve(_ given: KernelVersion?) throws -> KernelVersion {
    if let given { return given }
    do {
      return try KernelRelease.version()
    } catch {
      throw ValidationErrorText(
        "cannot tell the running kernel's version (\(error)); pass --kernel X.Y")
    }
  }
}
