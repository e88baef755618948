import Foundation

/// Runs blocking work on a thread of its own and awaits its result, so
/// blocking control I/O never occupies a thread of the cooperative pool.
enum DedicatedThread {
  static func run<Value: Sendable>(
    named name: String, _ body: @escaping @Sendable () throws -> Value
  ) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
      let thread = Thread {
        do {
          continuation.resume(returning: try body())
        } catch {
          continuation.resume(throwing: error)
        }
      }
      thread.name = name
      thread.start()
    }
  }
}
