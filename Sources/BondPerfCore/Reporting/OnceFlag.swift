import Synchronization

/// A flag the first caller of ``claim()`` wins: "print the header once", "print one
/// document per test".
struct OnceFlag: ~Copyable, Sendable {
  private let claimed = Atomic<Bool>(false)

  /// True for the first call only.
  func claim() -> Bool {
    claimed.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged
  }
}
